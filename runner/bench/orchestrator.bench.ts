/**
 * Orchestrator benchmark. Prints:
 * - scheduler overhead per unit: 200 independent instances and a 50-instance chain run with an engine
 *   that does nothing (planning, scheduling, state store writes, statuses and events are all that is
 *   left); target < 20 ms per unit;
 * - parallel efficiency: 64 independent 50 ms fake units at parallelism 8, ideal time / measured time;
 *   target ≥ 0.9.
 * Run with `npm run bench` in runner/ (or at the root).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Project } from "@highstate/contract";
import { flatProject, relayChainProject, testContext } from "../src/engine/__fixtures__/test-project.js";
import { Orchestrator } from "../src/engine/orchestrator.js";
import { FakeEngine } from "../src/testing/index.js";

async function run(project: Project, engine: FakeEngine, parallelism: number) {
  const workspace = await mkdtemp(join(tmpdir(), "highstate-bench-"));
  try {
    const orchestrator = new Orchestrator({ workspaceRoot: workspace, engine, parallelism });
    let events = 0;
    orchestrator.subscribe(() => events++);
    const context = await testContext(workspace, project);
    await orchestrator.plan(context); // derives the fingerprint key once, outside the measurement
    const started = performance.now();
    const result = await orchestrator.run(context, { type: "up", instanceIds: project.instances.map((instance) => instance.id) });
    const elapsed = performance.now() - started;
    if (result.state !== "completed") throw new Error(`the benchmark operation ${result.state}: ${result.error}`);
    return { elapsed, events };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

const flat = flatProject(200);
const noop = await run(flat, new FakeEngine({ defaultBehavior: { delayMs: 0, resourceCount: 0 } }), 8);
console.log(
  `scheduler overhead, 200 independent no-op units at parallelism 8: ${(noop.elapsed / 200).toFixed(2)} ms/unit (${noop.elapsed.toFixed(0)} ms total, ${noop.events} events; target < 20 ms)`,
);

const chain = relayChainProject(50);
const chained = await run(chain, new FakeEngine({ defaultBehavior: { delayMs: 0, resourceCount: 0 } }), 8);
console.log(
  `scheduler overhead, 50 dependent no-op units: ${(chained.elapsed / 50).toFixed(2)} ms/unit (${chained.elapsed.toFixed(0)} ms total; target < 20 ms)`,
);

const units = 64;
const parallelism = 8;
const delayMs = 50;
const parallel = await run(flatProject(units), new FakeEngine({ defaultBehavior: { delayMs, resourceCount: 0 } }), parallelism);
const ideal = Math.ceil(units / parallelism) * delayMs;
console.log(
  `parallel efficiency, ${units} × ${delayMs} ms units at parallelism ${parallelism}: ${(ideal / parallel.elapsed).toFixed(3)} (ideal ${ideal} ms, measured ${parallel.elapsed.toFixed(0)} ms; target ≥ 0.9)`,
);
