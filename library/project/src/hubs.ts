/**
 * Pure operations on the hubs of a project (see `instances.ts` for the conventions): add, remove,
 * move and retitle hubs, collect outputs in them, and inject them into instances or other hubs.
 */
import { type Hub, hubIdPattern, type InstanceOutputRef, isHubRef, type Position, type Project, type Registry } from "@highstate/contract";
import { HubNotFoundError, InvalidHubError } from "./errors.js";
import { checkPosition, findInstance, outputEntity, rewriteInputs, withInstance } from "./instances.js";

/** The hub with this id, or a `HubNotFoundError` naming `field`. */
export function findHub(project: Project, hubId: string, field = "hubId"): Hub {
  const hub = project.hubs.find((candidate) => candidate.id === hubId);
  if (!hub) throw new HubNotFoundError(hubId, field);
  return hub;
}

/** Replaces one hub (which must exist); the project is returned as it is when `change` returns the same object. */
function withHub(project: Project, hubId: string, change: (hub: Hub) => Hub, field = "hubId"): Project {
  const index = project.hubs.findIndex((hub) => hub.id === hubId);
  if (index < 0) throw new HubNotFoundError(hubId, field);
  const current = project.hubs[index]!;
  const next = change(current);
  if (next === current) return project;
  const hubs = [...project.hubs];
  hubs[index] = next;
  return { ...project, hubs };
}

/** Options of {@link addHub}. */
export interface AddHubOptions {
  /** `hub:<name>` (lower-case letters, digits and dashes). */
  id: string;
  /** Label shown on the canvas. */
  title?: string;
  position?: Position;
}

/** Adds an empty hub. */
export function addHub(project: Project, options: AddHubOptions): Project {
  if (!hubIdPattern.test(options.id))
    throw new InvalidHubError(options.id, 'a hub id looks like "hub:<name>" with lower-case letters, digits and dashes');
  if (project.hubs.some((hub) => hub.id === options.id))
    throw new InvalidHubError(options.id, "the project already has a hub with this id");
  const hub: Hub = {
    id: options.id,
    ...(options.title !== undefined ? { title: options.title } : {}),
    inputs: [],
    injectionInputs: [],
    position: checkPosition(options.position ?? { x: 0, y: 0 }, options.id),
  };
  return { ...project, hubs: [...project.hubs, hub] };
}

/** Removes a hub and every reference to it: input connections, injections into instances and hubs. */
export function removeHub(project: Project, hubId: string): Project {
  findHub(project, hubId);
  return {
    ...project,
    instances: project.instances.map((instance) => {
      const rewired = rewriteInputs(instance, (ref) => (isHubRef(ref) && ref.hubId === hubId ? undefined : ref));
      return rewired.injectionInputs.includes(hubId)
        ? { ...rewired, injectionInputs: rewired.injectionInputs.filter((id) => id !== hubId) }
        : rewired;
    }),
    hubs: project.hubs
      .filter((hub) => hub.id !== hubId)
      .map((hub) =>
        hub.injectionInputs.includes(hubId) ? { ...hub, injectionInputs: hub.injectionInputs.filter((id) => id !== hubId) } : hub,
      ),
  };
}

/** Moves a hub on the canvas. */
export function moveHub(project: Project, hubId: string, position: Position): Project {
  const checked = checkPosition(position, hubId);
  return withHub(project, hubId, (hub) => ({ ...hub, position: checked }));
}

/** Sets (or, with `undefined`, removes) a hub's title. */
export function setHubTitle(project: Project, hubId: string, title: string | undefined): Project {
  return withHub(project, hubId, (current) => {
    if (current.title === title) return current;
    const { title: _old, ...hub } = current;
    return title === undefined ? hub : { ...hub, title };
  });
}

/** Adds an instance output to a hub (adding it twice changes nothing). */
export function connectHubInput(project: Project, registry: Registry, hubId: string, from: InstanceOutputRef): Project {
  findHub(project, hubId);
  outputEntity(project, registry, from);
  const ref = { instanceId: from.instanceId, output: from.output };
  return withHub(project, hubId, (hub) =>
    hub.inputs.some((existing) => existing.instanceId === ref.instanceId && existing.output === ref.output)
      ? hub
      : { ...hub, inputs: [...hub.inputs, ref] },
  );
}

/** Removes an instance output from a hub. */
export function disconnectHubInput(project: Project, hubId: string, from: InstanceOutputRef): Project {
  return withHub(project, hubId, (hub) =>
    hub.inputs.some((ref) => ref.instanceId === from.instanceId && ref.output === from.output)
      ? { ...hub, inputs: hub.inputs.filter((ref) => ref.instanceId !== from.instanceId || ref.output !== from.output) }
      : hub,
  );
}

/** Whether `hubId` includes `target`, directly or through other hubs. */
function includes(project: Project, hubId: string, target: string, seen = new Set<string>()): boolean {
  if (hubId === target) return true;
  if (seen.has(hubId)) return false;
  seen.add(hubId);
  const hub = project.hubs.find((candidate) => candidate.id === hubId);
  return hub?.injectionInputs.some((injected) => includes(project, injected, target, seen)) ?? false;
}

/**
 * Injects a hub into an instance (which then takes every entity from it that matches one of its
 * unconnected inputs) or into another hub (which then includes its contents). A hub cannot include
 * itself, directly or through other hubs.
 */
export function injectHub(project: Project, target: string, hubId: string): Project {
  findHub(project, hubId);
  if (hubIdPattern.test(target)) {
    findHub(project, target, "target");
    if (includes(project, hubId, target))
      throw new InvalidHubError(hubId, `injecting it into "${target}" would make "${target}" include itself`);
    return withHub(project, target, (hub) =>
      hub.injectionInputs.includes(hubId) ? hub : { ...hub, injectionInputs: [...hub.injectionInputs, hubId] },
    );
  }
  findInstance(project, target, "target");
  return withInstance(project, target, (instance) =>
    instance.injectionInputs.includes(hubId) ? instance : { ...instance, injectionInputs: [...instance.injectionInputs, hubId] },
  );
}

/** Removes a hub injection from an instance or a hub. */
export function uninjectHub(project: Project, target: string, hubId: string): Project {
  if (hubIdPattern.test(target))
    return withHub(project, target, (hub) =>
      hub.injectionInputs.includes(hubId) ? { ...hub, injectionInputs: hub.injectionInputs.filter((id) => id !== hubId) } : hub,
    );
  findInstance(project, target, "target");
  return withInstance(project, target, (instance) =>
    instance.injectionInputs.includes(hubId)
      ? { ...instance, injectionInputs: instance.injectionInputs.filter((id) => id !== hubId) }
      : instance,
  );
}
