/**
 * Connection rules of the canvas: which handle may connect to which, the mutation a valid connection
 * becomes, and a sentence saying why an invalid one is refused. The sentences name cards by their
 * titles; the rules themselves are the project operations of `@highstate/project` (the ones the server
 * applies), so a connection offered here is never one the server refuses.
 */
import type { Project, Registry } from "@highstate/contract";
import { applyMutation, dependsOn, ProjectOperationError, sameRef } from "@highstate/project";
import type { ProjectMutation } from "@highstate/project/api";

/** Handle ids on instance and hub nodes. */
export const handleIds = {
  input: (name: string) => `in:${name}`,
  output: (name: string) => `out:${name}`,
  /** The target handle on an instance that hubs are injected through. */
  inject: "inject",
  hubIn: "hub-in",
  hubOut: "hub-out",
} as const;

/** One end of a connection as React Flow reports it. */
export interface HandleEnd {
  nodeId: string;
  handleId: string | null | undefined;
}

/** The outcome of checking a connection. */
export type ConnectionCheck = { ok: true; mutation: ProjectMutation } | { ok: false; reason: string };

function entityTitle(registry: Registry, type: string): string {
  const title = registry.entities[type]?.meta.title;
  return title ? `${title} (${type})` : type;
}

function instanceTitle(project: Project, registry: Registry, id: string): string {
  const instance = project.instances.find((item) => item.id === id);
  if (!instance) return `"${id}"`;
  const title = registry.components[instance.type]?.meta.title ?? instance.type;
  return `${title} "${instance.name}"`;
}

/** The entity type of an output handle, if the handle is an instance output. */
export function outputEntity(project: Project, registry: Registry, end: HandleEnd): string | undefined {
  if (!end.handleId?.startsWith("out:")) return undefined;
  const instance = project.instances.find((item) => item.id === end.nodeId);
  return instance ? registry.components[instance.type]?.outputs[end.handleId.slice(4)]?.entity : undefined;
}

/** The entity type an input handle takes, if the handle is an instance input. */
export function inputEntity(project: Project, registry: Registry, end: HandleEnd): string | undefined {
  if (!end.handleId?.startsWith("in:")) return undefined;
  const instance = project.instances.find((item) => item.id === end.nodeId);
  return instance ? registry.components[instance.type]?.inputs[end.handleId.slice(3)]?.entity : undefined;
}

/**
 * Checks a connection from `source` (an output or a hub) to `target` (an input, a hub or an instance's
 * injection handle) and returns the mutation it stands for or the reason it is refused.
 */
export function checkConnection(project: Project, registry: Registry, source: HandleEnd, target: HandleEnd): ConnectionCheck {
  const check = describeConnection(project, registry, source, target);
  if (!check.ok) return check;
  try {
    applyMutation(project, registry, check.mutation);
  } catch (error) {
    if (error instanceof ProjectOperationError) return { ok: false, reason: error.message };
    throw error;
  }
  return check;
}

function describeConnection(project: Project, registry: Registry, source: HandleEnd, target: HandleEnd): ConnectionCheck {
  const sourceIsHub = source.nodeId.startsWith("hub:");
  const targetIsHub = target.nodeId.startsWith("hub:");
  if (source.nodeId === target.nodeId)
    return { ok: false, reason: sourceIsHub ? "a hub cannot include itself" : "an instance cannot take its own outputs" };

  if (targetIsHub) {
    const hub = project.hubs.find((item) => item.id === target.nodeId);
    if (!hub) return { ok: false, reason: `hub "${target.nodeId}" is not in the project` };
    if (sourceIsHub) {
      if (hub.injectionInputs.includes(source.nodeId))
        return { ok: false, reason: `hub "${target.nodeId}" already includes "${source.nodeId}"` };
      return { ok: true, mutation: { op: "connect-hub", hubId: hub.id, source: { hubId: source.nodeId } } };
    }
    if (!source.handleId?.startsWith("out:")) return { ok: false, reason: "drag from an output to add it to the hub" };
    const ref = { instanceId: source.nodeId, output: source.handleId.slice(4) };
    if (hub.inputs.some((item) => sameRef(item, ref)))
      return {
        ok: false,
        reason: `hub "${hub.id}" already has output "${ref.output}" of ${instanceTitle(project, registry, ref.instanceId)}`,
      };
    return { ok: true, mutation: { op: "connect-hub", hubId: hub.id, source: ref } };
  }

  const instance = project.instances.find((item) => item.id === target.nodeId);
  if (!instance) return { ok: false, reason: `instance "${target.nodeId}" is not in the project` };
  const component = registry.components[instance.type];
  if (!component)
    return {
      ok: false,
      reason: `component "${instance.type}" is not installed, so ${instanceTitle(project, registry, instance.id)} cannot take inputs`,
    };

  if (target.handleId === handleIds.inject) {
    if (!sourceIsHub) return { ok: false, reason: "only hubs can be injected; connect an output to one of the inputs instead" };
    if (instance.injectionInputs.includes(source.nodeId))
      return { ok: false, reason: `hub "${source.nodeId}" is already injected into ${instanceTitle(project, registry, instance.id)}` };
    return { ok: true, mutation: { op: "inject-hub", instanceId: instance.id, hubId: source.nodeId } };
  }
  if (!target.handleId?.startsWith("in:")) return { ok: false, reason: "connect an output to an input (inputs are on the left of a card)" };
  const inputName = target.handleId.slice(3);
  const spec = component.inputs[inputName];
  if (!spec) return { ok: false, reason: `${instanceTitle(project, registry, instance.id)} has no input "${inputName}"` };
  const current = instance.inputs[inputName] ?? [];

  if (sourceIsHub) {
    if (current.some((ref) => "hubId" in ref && ref.hubId === source.nodeId))
      return { ok: false, reason: `input "${inputName}" already takes hub "${source.nodeId}"` };
    return { ok: true, mutation: { op: "connect", instanceId: instance.id, input: inputName, source: { hubId: source.nodeId } } };
  }
  if (!source.handleId?.startsWith("out:")) return { ok: false, reason: "connect an output (on the right of a card) to an input" };
  const outputName = source.handleId.slice(4);
  const entity = outputEntity(project, registry, source);
  if (entity === undefined)
    return { ok: false, reason: `${instanceTitle(project, registry, source.nodeId)} has no output "${outputName}"` };
  if (entity !== spec.entity) {
    return {
      ok: false,
      reason: `input "${inputName}" of ${instanceTitle(project, registry, instance.id)} takes ${entityTitle(registry, spec.entity)}, but output "${outputName}" of ${instanceTitle(project, registry, source.nodeId)} gives ${entityTitle(registry, entity)}`,
    };
  }
  const ref = { instanceId: source.nodeId, output: outputName };
  if (current.some((item) => sameRef(item, ref))) return { ok: false, reason: `input "${inputName}" is already connected to that output` };
  if (dependsOn(project, source.nodeId, instance.id)) {
    return {
      ok: false,
      reason: `${instanceTitle(project, registry, source.nodeId)} already depends on ${instanceTitle(project, registry, instance.id)}; the connection would make a cycle`,
    };
  }
  return { ok: true, mutation: { op: "connect", instanceId: instance.id, input: inputName, source: ref } };
}
