/**
 * `highstate plan` end to end, as users run it: the built CLI in a workspace with the first-party
 * component packages, on projects of 500 and 5,000 instances (half SSH key pairs, half existing servers
 * each using a key pair), every instance with a recorded state. Wall time from spawning the process to
 * its exit: start-up, registry from cache, reading the project and every state file, validating args
 * against the live definitions, planning and printing `--json`. Median of several runs.
 */
import { execFileSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bin, buildWhatIsStale, makeWorkspace, repoPackages } from "./bench-workspace.js";

const runs = Number(process.env.BENCH_RUNS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function highstate(workspace: string, args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], { cwd: workspace, env: { ...process.env, HIGHSTATE_PASSWORD: "bench-password" }, encoding: "utf8" });
}

/** Writes project `name` with `count` instances, and a state for each, in the store's own formats. */
async function writeProject(workspace: string, name: string, count: number): Promise<void> {
  highstate(workspace, ["projects", "create", name]);
  const instances = [];
  const time = new Date(Date.UTC(2026, 0, 1)).toISOString();
  await mkdir(join(workspace, ".highstate", "instances", name), { recursive: true });
  for (let index = 0; index < count / 2; index += 1) {
    const keyPair = { id: `common.ssh-key-pair.v1:k${index}`, name: `k${index}`, type: "common.ssh-key-pair.v1", uid: `k${String(index).padStart(9, "0")}` };
    const server = {
      args: { endpoint: `10.0.${Math.floor(index / 250)}.${index % 250}` },
      id: `common.existing-server.v1:s${index}`,
      inputs: { sshKeyPair: [{ instanceId: keyPair.id, output: "keyPair" }] },
      name: `s${index}`,
      type: "common.existing-server.v1",
      uid: `s${String(index).padStart(9, "0")}`,
    };
    instances.push(keyPair, server);
    for (const [instance, output] of [
      [keyPair, "keyPair"],
      [server, "server"],
    ] as const) {
      const state = {
        instanceId: instance.id,
        log: [{ finishedAt: time, operation: "up", result: "succeeded", startedAt: time }],
        outputHashes: { [output]: `sha256:${index.toString(16).padStart(64, "0")}` },
        resourceCount: 2,
        status: "created",
        uid: instance.uid,
        version: 1,
      };
      await writeFile(join(workspace, ".highstate", "instances", name, `${instance.uid}.json`), `${JSON.stringify(state, null, 2)}\n`);
    }
  }
  instances.sort((a, b) => (a.id < b.id ? -1 : 1));
  await writeFile(join(workspace, "projects", `${name}.json`), `${JSON.stringify({ instances, version: 1 }, null, 2)}\n`);
}

const packages = repoPackages();
buildWhatIsStale(packages);
const workspace = await makeWorkspace(packages, "cli-plan");
try {
  highstate(workspace, ["registry", "--json"]); // writes the registry cache, as any earlier command would have
  console.log(`node ${process.version}, ${runs} runs each, built CLI (${bin})`);
  for (const count of [500, 5_000]) {
    const name = `p${count}`;
    await writeProject(workspace, name, count);
    const times: number[] = [];
    let toRun = 0;
    for (let run = 0; run < runs; run += 1) {
      const start = performance.now();
      const output = highstate(workspace, ["plan", "--project", name, "--json"]);
      times.push(performance.now() - start);
      const plan = JSON.parse(output) as { layers: string[][]; problems: unknown[] };
      if (plan.problems.length > 0) throw new Error(`the bench project has problems: ${JSON.stringify(plan.problems.slice(0, 3))}`);
      toRun = plan.layers.flat().length;
    }
    console.log(`highstate plan, ${String(count).padStart(5)} instances (${toRun} to run): ${median(times).toFixed(0).padStart(5)} ms median, ${Math.min(...times).toFixed(0).padStart(5)} ms min`);
  }
} finally {
  await rm(workspace, { recursive: true, force: true });
}
