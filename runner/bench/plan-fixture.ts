/**
 * Generates large projects for planner benchmarks: `count` instances of one component with a
 * `multiple` input, each fed by up to four earlier instances (a DAG of about 4 × count edges), plus
 * hubs that bundle outputs and are injected into some instances.
 */
import { buildRegistry, defineComponent, defineEntity, type Instance, type Project, type Registry, z } from "@highstate/contract";
import { seededRandom } from "../src/planner/__fixtures__/seeded-random.js";

const item = defineEntity({ type: "bench.item.v1", schema: z.object({ value: z.string() }), meta: { title: "Item" } });
const node = defineComponent({
  type: "bench.node.v1",
  args: { size: z.number().int().default(1), label: z.string().optional() },
  inputs: { deps: { entity: item, required: false, multiple: true } },
  outputs: { out: item },
  meta: { title: "Node" },
  source: { package: "bench-pkg", path: "node" },
});

/** The registry of the benchmark component. */
export function benchRegistry(): Registry {
  return buildRegistry([{ package: { name: "bench-pkg", version: "1.0.0" }, entities: [item], components: [node] }]);
}

/** A project of `count` instances and about `4 × count` edges (direct references; some through hubs). */
export function benchProject(count: number): Project {
  const next = seededRandom(count);
  const id = (index: number) => `bench.node.v1:n${index}`;
  const instances: Instance[] = [];
  const hubCount = Math.max(1, Math.floor(count / 500));
  const hubs = Array.from({ length: hubCount }, (_, index) => ({
    id: `hub:h${index}`,
    inputs: [] as Array<{ instanceId: string; output: string }>,
    injectionInputs: [] as string[],
    position: { x: 0, y: 0 },
  }));
  for (let index = 0; index < count; index += 1) {
    const sources = new Set<number>();
    const wanted = Math.min(4, index);
    while (sources.size < wanted) sources.add(Math.floor(next() * index));
    instances.push({
      id: id(index),
      type: "bench.node.v1",
      name: `n${index}`,
      uid: `u${String(index).padStart(9, "0")}`,
      args: { size: index % 7, label: `node ${index}` },
      inputs: {
        deps: [
          ...[...sources].map((source) => ({ instanceId: id(source), output: "out" })),
          // Every 50th instance also takes everything from a hub.
          ...(index % 50 === 0 && index >= hubCount * 5 ? [{ hubId: `hub:h${index % hubCount}` }] : []),
        ],
      },
      injectionInputs: [],
      position: { x: index, y: 0 },
    });
    // The first instances feed the hubs.
    if (index < hubCount * 5) hubs[index % hubCount]!.inputs.push({ instanceId: id(index), output: "out" });
  }
  return { version: 1, instances, hubs };
}
