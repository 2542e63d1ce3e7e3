/**
 * The benchmark's project: N instances of a card shaped like the baseline's (two arg rows, three
 * inputs, two outputs, status chip, buttons) on the baseline's grid, with 1.5×N step edges between
 * random outputs and inputs (seeded, so every run draws the same graph), and a mix of statuses.
 */
import { type AnyComponent, defineComponent, defineEntity, type Entity, type Project, z } from "@highstate/contract";
import type { InstanceStatus } from "@highstate/project/api";

export const benchEntity = defineEntity({
  type: "bench.link.v1",
  schema: z.object({ id: z.string() }),
  meta: { title: "Link", color: "#3f8fd8" },
});
export const benchEntity2 = defineEntity({
  type: "bench.data.v1",
  schema: z.object({ id: z.string() }),
  meta: { title: "Data", color: "#1f9e89" },
});

export const benchComponent = defineComponent({
  type: "bench.node.v1",
  args: { privateIp: z.string().optional(), zone: z.string().optional() },
  inputs: {
    links: { entity: benchEntity, required: false, multiple: true },
    feeds: { entity: benchEntity2, required: false, multiple: true },
    more: { entity: benchEntity, required: false, multiple: true },
  },
  outputs: { link: benchEntity, data: benchEntity2 },
  meta: { title: "Bench Node", icon: "mdi:server", category: "Bench" },
  source: { package: "@highstate/bench", path: "node" },
});

export const benchPackages = [
  { name: "@highstate/bench", entities: [benchEntity, benchEntity2] as Entity[], components: [benchComponent as AnyComponent] },
];

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ["us-east-1a", "us-east-1b", "eu-west-1c", "ap-south-1a"];

/** Builds the project and the statuses of its instances. */
export function benchProject(n: number, seed = 42): { project: Project; statuses: Record<string, InstanceStatus> } {
  const rnd = mulberry32(seed);
  const cols = Math.ceil(Math.sqrt(n * 1.6));
  const instances: Project["instances"] = [];
  const statuses: Record<string, InstanceStatus> = {};
  for (let i = 0; i < n; i++) {
    const name = `web-${String(i).padStart(4, "0")}`;
    const id = `bench.node.v1:${name}`;
    instances.push({
      id,
      type: "bench.node.v1",
      name,
      uid: `u${String(i).padStart(8, "0")}`,
      args: { privateIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, zone: ZONES[Math.floor(rnd() * ZONES.length)]! },
      inputs: {},
      injectionInputs: [],
      position: { x: (i % cols) * (320 + 80), y: Math.floor(i / cols) * (266 + 70) },
    });
    const pick = rnd();
    statuses[id] =
      pick < 0.5
        ? { state: "created", outdated: false, resourceCount: 4 }
        : pick < 0.8
          ? { state: "not-created", outdated: false }
          : { state: "failed", outdated: false, error: "boom" };
  }
  const edges = Math.round(n * 1.5);
  for (let e = 0; e < edges && n > 1; e++) {
    const s = Math.floor(rnd() * n);
    let t = Math.floor(rnd() * n);
    if (t === s) t = (t + 1) % n;
    const output = rnd() < 0.5 ? "link" : "data";
    const input = output === "data" ? "feeds" : rnd() < 0.5 ? "links" : "more";
    const target = instances[t]!;
    const refs = target.inputs[input] ?? [];
    if (!refs.some((ref) => "instanceId" in ref && ref.instanceId === instances[s]!.id && ref.output === output))
      refs.push({ instanceId: instances[s]!.id, output });
    target.inputs[input] = refs;
  }
  return { project: { version: 1, instances, hubs: [] }, statuses };
}
