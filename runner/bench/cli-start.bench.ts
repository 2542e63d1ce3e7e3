/**
 * Start-up of the built `highstate` CLI on a small project, as users feel it: wall time from spawning
 * the process to its exit for `--version` (the floor: Node and the CLI's entry), `plan` and
 * `instances list` on a one-instance project (registry from its cache, as after any earlier command).
 * The first run of each fills Node's compile cache and the args checks cache and is not counted.
 * Prints the median and minimum of several runs; no thresholds (the machine may be busy).
 */
import { execFileSync } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bin, buildWhatIsStale, highstate, makeWorkspace, repoPackages } from "./bench-workspace.js";

const runs = Number(process.env.BENCH_RUNS ?? 9);

function time(workspace: string, args: string[]): number[] {
  const times: number[] = [];
  execFileSync(process.execPath, [bin, ...args], {
    cwd: workspace,
    stdio: "ignore",
    env: { ...process.env, HIGHSTATE_PASSWORD: "bench-password" },
  });
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    execFileSync(process.execPath, [bin, ...args], {
      cwd: workspace,
      stdio: "ignore",
      env: { ...process.env, HIGHSTATE_PASSWORD: "bench-password" },
    });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

// The first-party packages a small workspace would have: the contract and the common components.
const packages = repoPackages().filter((pkg) =>
  ["@highstate/contract", "@highstate/common", "@highstate/pulumi", "@highstate/designer"].includes(pkg.name),
);
buildWhatIsStale(packages);
const workspace = await makeWorkspace(packages, "cli-start");
try {
  highstate(workspace, ["projects", "create", "small"]);
  const project = {
    version: 1,
    instances: [
      { id: "common.ssh-key-pair.v1:main", name: "main", type: "common.ssh-key-pair.v1", uid: "k000000001", args: {}, inputs: {} },
    ],
  };
  await writeFile(join(workspace, "projects", "small.json"), `${JSON.stringify(project, null, 2)}\n`);
  highstate(workspace, ["registry", "--json"]);
  console.log(`node ${process.version}, ${runs} runs each after a warm-up run, built CLI (${bin}), a one-instance project`);
  console.log(`load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores (figures grow with load)`);
  let floor = 0;
  for (const args of [["--version"], ["plan", "--project", "small"], ["instances", "list", "--project", "small"]]) {
    const times = time(workspace, args);
    const median = times[Math.floor(times.length / 2)]!;
    if (args[0] === "--version") floor = median;
    const beyond =
      args[0] === "--version"
        ? ""
        : `, ${(median - floor).toFixed(0)} ms beyond --version; target < 250 ms: ${median < 250 ? "met" : "not met"}`;
    console.log(
      `highstate ${args.join(" ").padEnd(32)} ${median.toFixed(0).padStart(5)} ms median, ${times[0]!.toFixed(0).padStart(5)} ms min${beyond}`,
    );
  }
} finally {
  await rm(workspace, { recursive: true, force: true });
}
