/**
 * Copy and paste of instances: the copied part of the graph (types, args, positions, connections)
 * as JSON, and the mutations that paste it under fresh names with the same connections.
 */
import type { InputRef, Project } from "@highstate/contract";
import type { ProjectMutation } from "@highstate/project/api";
import { suggestInstanceName } from "../model/names.js";

/** The clipboard format (also written to the system clipboard as JSON). */
export interface CopiedGraph {
  format: "highstate/instances@1";
  instances: Array<{
    id: string;
    type: string;
    name: string;
    args: Record<string, unknown>;
    position: { x: number; y: number };
    inputs: Record<string, InputRef[]>;
    injectionInputs: string[];
  }>;
}

/** Copies the given instances (ids of hubs and unknown ids are skipped). */
export function copyInstances(project: Project, ids: Iterable<string>): CopiedGraph | undefined {
  const wanted = new Set(ids);
  const instances = project.instances
    .filter((instance) => wanted.has(instance.id))
    .map(({ id, type, name, args, position, inputs, injectionInputs }) => ({
      id,
      type,
      name,
      args: structuredClone(args),
      position: { ...position },
      inputs: structuredClone(inputs),
      injectionInputs: [...injectionInputs],
    }));
  return instances.length > 0 ? { format: "highstate/instances@1", instances } : undefined;
}

/** Reads a copied graph from clipboard text, if it is one. */
export function parseCopiedGraph(text: string): CopiedGraph | undefined {
  try {
    const value = JSON.parse(text) as CopiedGraph;
    return value?.format === "highstate/instances@1" && Array.isArray(value.instances) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The mutations that paste a copied graph into `project`, offset by `offset`: every instance under a
 * free name, connections among the copied instances re-pointed at the copies, connections to
 * instances and hubs still in the project kept. Returns the new instance ids too.
 */
export function pasteMutations(
  project: Project,
  copied: CopiedGraph,
  offset: { x: number; y: number },
): { mutations: ProjectMutation[]; ids: string[] } {
  const names = new Map<string, string>();
  const working: Project = { ...project, instances: [...project.instances] };
  for (const instance of copied.instances) {
    const name = suggestInstanceName(working, instance.type, instance.name);
    names.set(instance.id, `${instance.type}:${name}`);
    working.instances.push({
      id: `${instance.type}:${name}`,
      type: instance.type,
      name,
      uid: "pending0",
      args: {},
      inputs: {},
      injectionInputs: [],
      position: { x: 0, y: 0 },
    });
  }
  const existing = new Set(project.instances.map((instance) => instance.id));
  const hubs = new Set(project.hubs.map((hub) => hub.id));
  const adds: ProjectMutation[] = [];
  const connects: ProjectMutation[] = [];
  for (const instance of copied.instances) {
    const id = names.get(instance.id)!;
    adds.push({
      op: "add-instance",
      type: instance.type,
      name: id.slice(instance.type.length + 1),
      args: instance.args,
      position: { x: instance.position.x + offset.x, y: instance.position.y + offset.y },
    });
    for (const [input, refs] of Object.entries(instance.inputs)) {
      for (const ref of refs) {
        if ("hubId" in ref) {
          if (hubs.has(ref.hubId)) connects.push({ op: "connect", instanceId: id, input, source: ref });
        } else if (names.has(ref.instanceId)) {
          connects.push({ op: "connect", instanceId: id, input, source: { instanceId: names.get(ref.instanceId)!, output: ref.output } });
        } else if (existing.has(ref.instanceId)) {
          connects.push({ op: "connect", instanceId: id, input, source: ref });
        }
      }
    }
    for (const hubId of instance.injectionInputs) if (hubs.has(hubId)) connects.push({ op: "inject-hub", instanceId: id, hubId });
  }
  return { mutations: [...adds, ...connects], ids: [...names.values()] };
}
