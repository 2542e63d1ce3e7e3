/**
 * `highstate plan` end to end, as users run it: the built CLI in a workspace with the first-party
 * component packages, on projects of 500 and 5,000 instances (half SSH key pairs, half existing servers
 * each using a key pair), every instance with a recorded state. Wall time from spawning the process to
 * its exit: start-up, registry from cache, reading the project and every state file, validating args
 * against the live definitions, planning and printing `--json`. Median of several runs.
 */
import { rm } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { bin, buildWhatIsStale, highstate, makeWorkspace, repoPackages, writeLargeProject } from "./bench-workspace.js";

const runs = Number(process.env.BENCH_RUNS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const packages = repoPackages();
buildWhatIsStale(packages);
const workspace = await makeWorkspace(packages, "cli-plan");
try {
  highstate(workspace, ["registry", "--json"]); // writes the registry cache, as any earlier command would have
  console.log(`node ${process.version}, ${runs} runs each, built CLI (${bin})`);
  for (const count of [500, 5_000]) {
    const name = `p${count}`;
    await writeLargeProject(workspace, name, count);
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
    console.log(
      `highstate plan, ${String(count).padStart(5)} instances (${toRun} to run): ${median(times).toFixed(0).padStart(5)} ms median, ${Math.min(
        ...times,
      )
        .toFixed(0)
        .padStart(5)} ms min`,
    );
  }
} finally {
  await rm(workspace, { recursive: true, force: true });
}
