/**
 * Planner benchmark: plans of 500 and 5,000 instances (about 4 edges each), every instance created
 * and up to date except a few changed args whose change propagates downstream. Prints the median time,
 * the edge count and the ratio between the two sizes (linear scaling means about 10×).
 */
import { performance } from "node:perf_hooks";
import { digestValue } from "../src/planner/fingerprint.js";
import { type PlanInstanceState, planProject } from "../src/planner/plan.js";
import { benchProject, benchRegistry } from "./plan-fixture.js";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(count: number, rounds: number) {
  const registry = benchRegistry();
  const project = benchProject(count);
  const states = new Map<string, PlanInstanceState>();
  for (const instance of project.instances) states.set(instance.id, { created: true, outputDigests: { out: digestValue({ id: instance.id }) } });
  for (const item of planProject({ project, registry, states }).instances) states.set(item.id, { ...states.get(item.id)!, lastSuccess: item.fingerprint! });
  // Change a few args so outdatedness propagates.
  for (let index = 0; index < project.instances.length; index += Math.max(1, Math.floor(count / 10))) project.instances[index]!.args = { size: 99 };
  const times: number[] = [];
  let last = planProject({ project, registry, states });
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    last = planProject({ project, registry, states });
    times.push(performance.now() - start);
  }
  const edges = last.graph.upstream.reduce((sum, sources) => sum + sources.length, 0);
  const outdated = last.instances.filter((item) => item.outdated).length;
  return { count, edges, outdated, layers: last.layers.length, ms: median(times) };
}

export function runPlanBench(): void {
  // Warm up the JIT on a mid-size plan first.
  measure(1_000, 5);
  const small = measure(500, 21);
  const large = measure(5_000, 11);
  for (const result of [small, large]) {
    console.log(
      `plan ${String(result.count).padStart(5)} instances / ${String(result.edges).padStart(6)} edges: ${result.ms.toFixed(1).padStart(7)} ms (median), ${result.outdated} outdated in ${result.layers} layers`,
    );
  }
  console.log(`plan scaling 5,000 vs 500: ${(large.ms / small.ms).toFixed(1)}× (linear ≈ 10×, budget ≤ 12×; budget at 5,000: < 200 ms)`);
}

if (import.meta.url === `file://${process.argv[1]}`) runPlanBench();
