import type { Project, Registry } from "@highstate/contract";
import type { ProjectMutation } from "../api.js";

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random mutation for `project`: mostly ones that apply, some that the operations refuse (an unknown
 * instance, a wrong entity type, a taken name), of every kind the API has.
 */
export function randomMutation(
  project: Project,
  registry: Registry,
  random: () => number,
  /** Args for an instance of a type (by default an `endpoint`, or none). */
  args: (type: string, random: () => number) => Record<string, unknown> = (_type, next) =>
    next() < 0.5 ? { endpoint: `10.0.0.${Math.floor(next() * 9)}` } : {},
): ProjectMutation {
  const pick = <T>(items: readonly T[]): T | undefined => (items.length > 0 ? items[Math.floor(random() * items.length)] : undefined);
  const names = ["a", "b", "c", "d", "e", "f"];
  const types = Object.keys(registry.components);
  const instance = pick(project.instances);
  const hub = pick(project.hubs);
  const position = { x: Math.round(random() * 1000), y: Math.round(random() * 1000) };
  const outputRef = () => {
    const source = pick(project.instances);
    const outputs = source ? Object.keys(registry.components[source.type]?.outputs ?? {}) : [];
    return source ? { instanceId: source.id, output: pick(outputs) ?? "missing" } : { instanceId: "test.key.v1:missing", output: "keyPair" };
  };
  const op = pick([
    "add-instance",
    "add-instance",
    "remove-instance",
    "rename-instance",
    "move",
    "set-args",
    "connect",
    "connect",
    "connect",
    "disconnect",
    "add-hub",
    "remove-hub",
    "connect-hub",
    "disconnect-hub",
    "inject-hub",
    "uninject-hub",
  ] as const)!;
  const instanceId = instance?.id ?? "test.server.v1:missing";
  const hubId = hub?.id ?? "hub:missing";
  switch (op) {
    case "add-instance": {
      const type = pick(types)!;
      return { op, type, name: pick(names)!, args: args(type, random), position };
    }
    case "remove-instance":
      return { op, instanceId };
    case "rename-instance":
      return { op, instanceId, newName: pick(names)! };
    case "move":
      return { op, nodeId: random() < 0.3 ? hubId : instanceId, position };
    case "set-args":
      return { op, instanceId, args: args(instance?.type ?? "", random) };
    case "connect":
    case "disconnect": {
      const inputs = instance ? Object.keys(registry.components[instance.type]?.inputs ?? {}) : [];
      const input = pick(inputs) ?? "key";
      const current = instance?.inputs[input] ?? [];
      const source = op === "disconnect" && current.length > 0 && random() < 0.8 ? pick(current)! : random() < 0.2 ? { hubId } : outputRef();
      return { op, instanceId, input, source };
    }
    case "add-hub":
      return { op, hubId: `hub:${pick(names)}`, ...(random() < 0.5 ? { title: "Shared" } : {}), position };
    case "remove-hub":
      return { op, hubId };
    case "connect-hub":
    case "disconnect-hub":
      return { op, hubId, source: random() < 0.3 ? { hubId: pick(project.hubs)?.id ?? "hub:missing" } : outputRef() };
    case "inject-hub":
    case "uninject-hub":
      return { op, instanceId, hubId };
  }
}
