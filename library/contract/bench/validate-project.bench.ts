/**
 * Validates a synthetic project of N instances and ~4N edges against a registry and prints the time.
 * Run with `npm run bench` (in this package or at the root).
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { defineComponent, defineEntity } from "../src/index.js";
import { type Instance, projectSchema } from "../src/project.js";
import { buildRegistry } from "../src/registry.js";
import { argsValidatorFromDefinitions, validateProject } from "../src/validation.js";

const server = defineEntity({ type: "bench.server.v1", schema: z.object({ hostname: z.string() }), meta: { title: "Server" } });
const node = defineComponent({
  type: "bench.node.v1",
  args: { size: z.number().int().default(1), label: z.string().optional() },
  inputs: { upstream: { entity: server, multiple: true, required: false }, primary: { entity: server, required: false } },
  outputs: { server },
  meta: { title: "Node" },
  source: { package: "bench", path: "node" },
});
const registry = buildRegistry([{ package: { name: "bench", version: "1.0.0" }, entities: [server], components: [node] }]);
const validateArgs = argsValidatorFromDefinitions([node]);

export function syntheticProject(instances: number, edges: number) {
  const list: Instance[] = [];
  for (let index = 0; index < instances; index++) {
    list.push({
      id: `bench.node.v1:n${index}`,
      type: "bench.node.v1",
      name: `n${index}`,
      uid: `u${String(index).padStart(9, "0")}`,
      args: { size: index % 7, label: `node ${index}` },
      inputs: {},
      injectionInputs: [],
      position: { x: (index % 100) * 300, y: Math.floor(index / 100) * 200 },
    });
  }
  // Edges only point from lower to higher indexes, so the graph is acyclic; a deterministic LCG spreads them.
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let edge = 0; edge < edges; edge++) {
    const target = 1 + Math.floor(random() * (instances - 1));
    const source = Math.floor(random() * target);
    const inputs = list[target]!.inputs;
    inputs.upstream ??= [];
    inputs.upstream.push({ instanceId: `bench.node.v1:n${source}`, output: "server" });
  }
  return projectSchema.parse({ version: 1, instances: list, hubs: [] });
}

function measure(instances: number, edges: number, repeats = 5) {
  const project = syntheticProject(instances, edges);
  const times: number[] = [];
  let problems = 0;
  for (let run = 0; run < repeats; run++) {
    const start = performance.now();
    problems = validateProject(project, registry, { validateArgs }).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, problems };
}

measure(500, 2000, 3); // warm up the JIT
const small = measure(500, 2_000);
const large = measure(5_000, 20_000);
console.log(`validate project   500 instances /  2,000 edges: ${small.median.toFixed(1)} ms (problems: ${small.problems})`);
console.log(`validate project 5,000 instances / 20,000 edges: ${large.median.toFixed(1)} ms (problems: ${large.problems})`);
console.log(`scaling 5,000 / 500: ${(large.median / small.median).toFixed(1)}x (linear would be 10x)`);
