/**
 * Planner benchmark: plans of 500 and 5,000 instances (about 4 edges each), every instance created
 * and up to date except a few changed args whose change propagates downstream. Prints median and
 * minimum wall time and CPU time, the ratio between the two sizes (linear scaling means about 10×) and,
 * for calibration, the ratio of a plainly linear job on the same data at the same moment.
 */
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { digestValue } from "../src/planner/fingerprint.js";
import { type PlanInstanceState, planProject } from "../src/planner/plan.js";
import { benchProject, benchRegistry } from "./plan-fixture.js";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A project of `count` instances, all created and up to date except a few changed args that propagate. */
function prepare(count: number) {
  const registry = benchRegistry();
  const project = benchProject(count);
  const states = new Map<string, PlanInstanceState>();
  for (const instance of project.instances) states.set(instance.id, { created: true, outputDigests: { out: digestValue({ id: instance.id }) } });
  for (const item of planProject({ project, registry, states }).instances) states.set(item.id, { ...states.get(item.id)!, lastSuccess: item.fingerprint! });
  for (let index = 0; index < project.instances.length; index += Math.max(1, Math.floor(count / 10))) project.instances[index]!.args = { size: 99 };
  // The least any planner does: visit every edge and look its source up by id.
  const byId = new Map(project.instances.map((instance) => [instance.id, instance]));
  const walk = () => {
    let found = 0;
    for (const instance of project.instances) {
      for (const refs of Object.values(instance.inputs)) for (const ref of refs) if ("instanceId" in ref && byId.get(ref.instanceId)) found += 1;
    }
    return found;
  };
  return { count, run: () => planProject({ project, registry, states }), clone: () => structuredClone(project), walk };
}

function time(run: () => unknown): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

export function runPlanBench(): void {
  const small = prepare(500);
  const large = prepare(5_000);
  // Warm up both sizes (JIT and heap), then interleave them so both see the same machine load.
  for (let round = 0; round < 5; round += 1) {
    small.run();
    large.run();
  }
  const samples = { small: [] as Array<{ wall: number; cpu: number }>, large: [] as Array<{ wall: number; cpu: number }> };
  for (let round = 0; round < 15; round += 1) {
    for (let repeat = 0; repeat < 3; repeat += 1) samples.small.push(time(small.run));
    samples.large.push(time(large.run));
  }
  const last = large.run();
  const stats = (values: Array<{ wall: number; cpu: number }>) => ({
    median: median(values.map((value) => value.wall)),
    min: Math.min(...values.map((value) => value.wall)),
    cpu: median(values.map((value) => value.cpu)),
  });
  const smallStats = stats(samples.small);
  const largeStats = stats(samples.large);
  const smallPlan = small.run();
  for (const [plan, result] of [
    [smallPlan, smallStats],
    [last, largeStats],
  ] as const) {
    const edges = plan.graph.upstream.list.length;
    const outdated = plan.instances.filter((item) => item.outdated).length;
    console.log(
      `plan ${String(plan.instances.length).padStart(5)} instances / ${String(edges).padStart(6)} edges: ${result.median.toFixed(1).padStart(6)} ms median, ${result.min.toFixed(1).padStart(6)} ms min, ${result.cpu.toFixed(1).padStart(6)} ms CPU; ${outdated} outdated in ${plan.layers.length} layers`,
    );
  }
  console.log(
    `plan scaling 5,000 vs 500: ${(largeStats.median / smallStats.median).toFixed(1)}× (median), ${(largeStats.min / smallStats.min).toFixed(1)}× (min), ${(largeStats.cpu / smallStats.cpu).toFixed(1)}× (CPU) — budget ≤ 12×; budget at 5,000: < 200 ms`,
  );
  // Calibration: how plainly linear jobs on the same data scale on this machine right now. Cache and GC
  // effects make 10× data cost more than 10× time (more so on a busy machine); compare with them.
  for (const [label, pick] of [
    ["a deep copy of the project (structuredClone)", (item: typeof small) => item.clone],
    ["a walk over every edge with a lookup by id", (item: typeof small) => item.walk],
  ] as const) {
    const samplesOf = { small: [] as Array<{ wall: number; cpu: number }>, large: [] as Array<{ wall: number; cpu: number }> };
    for (let round = 0; round < 5; round += 1) {
      pick(small)();
      pick(large)();
    }
    for (let round = 0; round < 15; round += 1) {
      for (let repeat = 0; repeat < 3; repeat += 1) samplesOf.small.push(time(pick(small)));
      samplesOf.large.push(time(pick(large)));
    }
    const a = stats(samplesOf.small);
    const b = stats(samplesOf.large);
    console.log(`reference, ${label}, 5,000 vs 500: ${(b.median / a.median).toFixed(1)}× (median), ${(b.cpu / a.cpu).toFixed(1)}× (CPU)`);
  }
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs`);
}

if (import.meta.url === `file://${process.argv[1]}`) runPlanBench();
