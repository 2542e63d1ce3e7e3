/**
 * Pure operations on the instances of a project model, shared by the runner (CLI and designer server)
 * and the designer (optimistic updates). Each takes a project and returns a new one (the input is never
 * changed; instances and hubs an operation does not touch keep their objects), or throws a
 * `ProjectOperationError` subclass whose `field` names what was refused. An operation that changes
 * nothing returns the very project it was given. Side effects on other files are the caller's: the
 * runner moves secrets with `ProjectSecrets.renameInstance`/`removeInstance` and refuses to remove an
 * instance that still has resources.
 */
import {
  type ArgsValidator,
  checkInstanceName,
  type Hub,
  type InputRef,
  type Instance,
  type InstanceOutputRef,
  instanceUidPattern,
  isHubRef,
  instanceId as makeInstanceId,
  type Position,
  type Project,
  type Registry,
  type RegistryComponent,
} from "@highstate/contract";
import {
  DuplicateInstanceError,
  HubNotFoundError,
  IncompatibleInputError,
  InputNotFoundError,
  InstanceNotFoundError,
  InvalidArgsError,
  InvalidInstanceNameError,
  InvalidPositionError,
  OutputNotFoundError,
  ProjectOperationError,
  UnknownComponentTypeError,
} from "./errors.js";

const uidAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Generates a stable instance uid (16 lower-case letters and digits) not used in the project, with the
 * Web Crypto random source (in Node.js and in browsers).
 */
export function generateInstanceUid(project?: Project): string {
  const taken = new Set(project?.instances.map((instance) => instance.uid));
  for (;;) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const uid = Array.from(bytes, (byte) => uidAlphabet[byte % uidAlphabet.length]).join("");
    if (!taken.has(uid)) return uid;
  }
}

/** Ids of instances whose component is not installed (they are kept untouched and shown as unknown). */
export function unknownComponentInstances(project: Project, registry: Registry): string[] {
  return project.instances.filter((instance) => !registry.components[instance.type]).map((instance) => instance.id);
}

/** The instance with this id, or a `InstanceNotFoundError` naming `field`. */
export function findInstance(project: Project, instanceId: string, field = "instanceId"): Instance {
  const instance = project.instances.find((candidate) => candidate.id === instanceId);
  if (!instance) throw new InstanceNotFoundError(instanceId, field);
  return instance;
}

function componentOf(registry: Registry, instance: Instance, field: string): RegistryComponent {
  const component = registry.components[instance.type];
  if (!component) throw new UnknownComponentTypeError(instance.type, field);
  return component;
}

/** A copy of a position, or an `InvalidPositionError` naming `what` when it is not two finite numbers. */
export function checkPosition(position: Position, what: string): Position {
  if (!position || !Number.isFinite(position.x) || !Number.isFinite(position.y)) throw new InvalidPositionError(what);
  return { x: position.x, y: position.y };
}

function checkArgs(instanceId: string, type: string, args: Record<string, unknown>, validateArgs: ArgsValidator | undefined): void {
  const issues = validateArgs?.(type, args) ?? [];
  if (issues.length > 0) throw new InvalidArgsError(instanceId, issues);
}

/** Replaces one instance (which must exist); the project is returned as it is when `change` returns the same object. */
export function withInstance(project: Project, instanceId: string, change: (instance: Instance) => Instance): Project {
  const index = project.instances.findIndex((instance) => instance.id === instanceId);
  if (index < 0) throw new InstanceNotFoundError(instanceId);
  const current = project.instances[index]!;
  const next = change(current);
  if (next === current) return project;
  const instances = [...project.instances];
  instances[index] = next;
  return { ...project, instances };
}

/** Whether two input references name the same source (the same output of one instance, or the same hub). */
export function sameRef(a: InputRef, b: InputRef): boolean {
  if (isHubRef(a) || isHubRef(b)) return isHubRef(a) && isHubRef(b) && a.hubId === b.hubId;
  return a.instanceId === b.instanceId && a.output === b.output;
}

/**
 * Rewrites every input reference of an instance with `rewrite` (returning `undefined` drops the
 * reference; an input left with none is dropped). The instance is returned as it is when nothing changed.
 */
export function rewriteInputs(instance: Instance, rewrite: (ref: InputRef) => InputRef | undefined): Instance {
  let changed = false;
  const inputs: Record<string, InputRef[]> = {};
  for (const [name, refs] of Object.entries(instance.inputs)) {
    const next: InputRef[] = [];
    for (const ref of refs) {
      const result = rewrite(ref);
      if (result !== ref) changed = true;
      if (result) next.push(result);
    }
    if (next.length > 0 || refs.length === 0) inputs[name] = next;
    else changed = true;
  }
  return changed ? { ...instance, inputs } : instance;
}

/** Rewrites the output references of a hub with `rewrite` (`undefined` drops one); unchanged hubs are kept. */
export function rewriteHubInputs(hub: Hub, rewrite: (ref: InstanceOutputRef) => InstanceOutputRef | undefined): Hub {
  let changed = false;
  const inputs: InstanceOutputRef[] = [];
  for (const ref of hub.inputs) {
    const result = rewrite(ref);
    if (result !== ref) changed = true;
    if (result) inputs.push(result);
  }
  return changed ? { ...hub, inputs } : hub;
}

/** Options of {@link addInstance}. */
export interface AddInstanceOptions {
  /** The component type id; it must be installed. */
  type: string;
  /** The instance name, unique per component type. */
  name: string;
  /** Arg values as the user set them. */
  args?: Record<string, unknown>;
  /** Where the card goes on the canvas. */
  position?: Position;
  /** A uid to use instead of a generated one (e.g. when re-adding an instance whose stack exists). */
  uid?: string;
  /** Validates the args against the live definition. */
  validateArgs?: ArgsValidator;
}

/** Adds an instance of an installed component (with a new uid unless one is given). */
export function addInstance(project: Project, registry: Registry, options: AddInstanceOptions): Project {
  if (!registry.components[options.type]) throw new UnknownComponentTypeError(options.type);
  const problem = checkInstanceName(options.name);
  if (problem) throw new InvalidInstanceNameError(options.name, problem);
  const id = makeInstanceId(options.type, options.name);
  if (project.instances.some((instance) => instance.id === id)) throw new DuplicateInstanceError(id);
  const uid = options.uid ?? generateInstanceUid(project);
  if (!instanceUidPattern.test(uid))
    throw new ProjectOperationError("uid", `"${uid}" is not a valid instance uid: use 8-32 lower-case letters or digits.`);
  const owner = project.instances.find((instance) => instance.uid === uid);
  if (owner)
    throw new ProjectOperationError(
      "uid",
      `The uid "${uid}" already belongs to "${owner.id}"; each instance needs its own stack identity.`,
    );
  const args = structuredClone(options.args ?? {});
  checkArgs(id, options.type, args, options.validateArgs);
  const instance: Instance = {
    id,
    type: options.type,
    name: options.name,
    uid,
    args,
    inputs: {},
    injectionInputs: [],
    position: checkPosition(options.position ?? { x: 0, y: 0 }, id),
  };
  return { ...project, instances: [...project.instances, instance] };
}

/** Removes an instance and every reference to it from other instances' inputs and from hubs. */
export function removeInstance(project: Project, instanceId: string): Project {
  findInstance(project, instanceId);
  const keep = <T extends InputRef>(ref: T): T | undefined => (!isHubRef(ref) && ref.instanceId === instanceId ? undefined : ref);
  return {
    ...project,
    instances: project.instances.filter((instance) => instance.id !== instanceId).map((instance) => rewriteInputs(instance, keep)),
    hubs: project.hubs.map((hub) => rewriteHubInputs(hub, keep)),
  };
}

/**
 * Renames an instance: the id changes, the uid (and so its Pulumi stack) stays, and every reference to
 * it in other instances and hubs is rewritten.
 */
export function renameInstance(project: Project, instanceId: string, newName: string): Project {
  const instance = findInstance(project, instanceId);
  const problem = checkInstanceName(newName);
  if (problem) throw new InvalidInstanceNameError(newName, problem);
  const newId = makeInstanceId(instance.type, newName);
  if (newId === instanceId) return project;
  if (project.instances.some((candidate) => candidate.id === newId)) throw new DuplicateInstanceError(newId);
  const rewrite = <T extends InputRef>(ref: T): T =>
    !isHubRef(ref) && ref.instanceId === instanceId ? { ...ref, instanceId: newId } : ref;
  return {
    ...project,
    instances: project.instances.map((candidate) =>
      rewriteInputs(candidate.id === instanceId ? { ...candidate, id: newId, name: newName } : candidate, rewrite),
    ),
    hubs: project.hubs.map((hub) => rewriteHubInputs(hub, rewrite)),
  };
}

/** Moves an instance on the canvas. */
export function moveInstance(project: Project, instanceId: string, position: Position): Project {
  const checked = checkPosition(position, instanceId);
  return withInstance(project, instanceId, (instance) => ({ ...instance, position: checked }));
}

/** Replaces an instance's args (validated when a validator is given; `undefined` values are dropped). */
export function setInstanceArgs(
  project: Project,
  instanceId: string,
  args: Record<string, unknown>,
  options: { validateArgs?: ArgsValidator } = {},
): Project {
  const instance = findInstance(project, instanceId);
  const cleaned = structuredClone(Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)));
  checkArgs(instanceId, instance.type, cleaned, options.validateArgs);
  return withInstance(project, instanceId, (current) => ({ ...current, args: cleaned }));
}

/** Checks that an output exists on its instance and returns the entity type it gives. */
export function outputEntity(project: Project, registry: Registry, ref: InstanceOutputRef, field = "from"): string {
  const source = findInstance(project, ref.instanceId, field);
  const component = componentOf(registry, source, field);
  const output = component.outputs[ref.output];
  if (!output) throw new OutputNotFoundError(source.id, ref.output, Object.keys(component.outputs));
  return output.entity;
}

/** Options of {@link connectInput} and {@link disconnectInput}. */
export interface InputConnection {
  /** The instance whose input is connected. */
  instanceId: string;
  /** The input name. */
  input: string;
  /** An output of another instance, or a hub (every matching entity in it is used). */
  from: InputRef;
}

/**
 * Connects an output (or a hub) to an input. A single input's connection is replaced; a multiple
 * input gets one more (connecting the same source twice changes nothing). Refuses an output whose
 * entity type differs from the input's, naming both.
 */
export function connectInput(project: Project, registry: Registry, connection: InputConnection): Project {
  const target = findInstance(project, connection.instanceId);
  const component = componentOf(registry, target, "instanceId");
  const spec = component.inputs[connection.input];
  if (!spec) throw new InputNotFoundError(target.id, connection.input, Object.keys(component.inputs));
  const from = connection.from;
  if (isHubRef(from)) {
    if (!project.hubs.some((hub) => hub.id === from.hubId)) throw new HubNotFoundError(from.hubId, "from");
  } else {
    if (from.instanceId === target.id)
      throw new IncompatibleInputError(target.id, connection.input, spec.entity, spec.entity, "the instance itself");
    const entity = outputEntity(project, registry, from);
    if (entity !== spec.entity)
      throw new IncompatibleInputError(target.id, connection.input, spec.entity, entity, `output "${from.output}" of "${from.instanceId}"`);
  }
  const ref: InputRef = isHubRef(from) ? { hubId: from.hubId } : { instanceId: from.instanceId, output: from.output };
  return withInstance(project, target.id, (instance) => {
    const current = instance.inputs[connection.input] ?? [];
    if (current.some((existing) => sameRef(existing, ref)) && (spec.multiple || current.length === 1)) return instance;
    const refs = spec.multiple ? [...current, ref] : [ref];
    return { ...instance, inputs: { ...instance.inputs, [connection.input]: refs } };
  });
}

/** Disconnects one source from an input, or every source when `from` is left out. */
export function disconnectInput(project: Project, connection: Omit<InputConnection, "from"> & { from?: InputRef }): Project {
  return withInstance(project, connection.instanceId, (instance) => {
    const current = instance.inputs[connection.input];
    if (!current) return instance;
    const from = connection.from;
    const refs = from ? current.filter((ref) => !sameRef(ref, from)) : [];
    if (refs.length === current.length && refs.length > 0) return instance;
    const { [connection.input]: _removed, ...rest } = instance.inputs;
    return { ...instance, inputs: refs.length > 0 ? { ...rest, [connection.input]: refs } : rest };
  });
}

/**
 * Whether `upstream` already takes inputs, directly or transitively, from `downstream` through direct
 * connections, so connecting an output of `upstream` to `downstream` would make a cycle.
 */
export function dependsOn(project: Project, upstream: string, downstream: string): boolean {
  const byId = new Map(project.instances.map((instance) => [instance.id, instance]));
  const seen = new Set<string>();
  const stack = [upstream];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === downstream) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    const instance = byId.get(id);
    if (!instance) continue;
    for (const refs of Object.values(instance.inputs)) for (const ref of refs) if (!isHubRef(ref)) stack.push(ref.instanceId);
  }
  return false;
}
