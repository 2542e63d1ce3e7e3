/**
 * The API's project mutations (`ProjectMutation`, one change each) applied with the project operations,
 * and their inverses. The designer server applies a request's batch with {@link applyMutations} and the
 * designer applies the same batch the same way to show it before the server confirms it, so the two
 * cannot disagree; the designer undoes a batch by sending {@link invertMutations}.
 */
import {
  type ArgsValidator,
  type Hub,
  hubIdPattern,
  type InputRef,
  type Instance,
  isHubRef,
  type Project,
  type Registry,
} from "@highstate/contract";
import type { ProjectMutation } from "./api.js";
import { ProjectOperationError } from "./errors.js";
import { addHub, connectHubInput, disconnectHubInput, injectHub, moveHub, removeHub, uninjectHub } from "./hubs.js";
import {
  addInstance,
  connectInput,
  disconnectInput,
  generateInstanceUid,
  moveInstance,
  removeInstance,
  renameInstance,
  sameRef,
  setInstanceArgs,
} from "./instances.js";

/** Options of {@link applyMutation} and {@link applyMutations}. */
export interface ApplyMutationOptions {
  /** Validates args of added instances and `set-args` against the live definitions (the server has one). */
  validateArgs?: ArgsValidator;
}

/** How an operation's field names map to the mutation's field names, per mutation kind. */
const fieldNames: Partial<Record<ProjectMutation["op"], Record<string, string>>> = {
  "rename-instance": { name: "newName" },
  connect: { from: "source", output: "source.output" },
  disconnect: { from: "source", output: "source.output" },
  move: { instanceId: "nodeId", hubId: "nodeId", target: "nodeId" },
  "connect-hub": { from: "source", output: "source.output", instanceId: "source.instanceId", target: "hubId" },
  "disconnect-hub": { from: "source", output: "source.output", instanceId: "source.instanceId", target: "hubId" },
  "inject-hub": { target: "instanceId" },
  "uninject-hub": { target: "instanceId" },
};

/** The field of a mutation that an operation's error names (`from` of `connect` is its `source`, …). */
export function mutationField(mutation: ProjectMutation, operationField: string): string {
  return fieldNames[mutation.op]?.[operationField] ?? operationField;
}

/**
 * A mutation of a batch was refused. `field` names the refused field of that mutation (e.g. `source`,
 * `newName`, `args.port`), `index` its place in the batch, and `cause` is the operation's error.
 */
export class MutationRefusedError extends ProjectOperationError {
  override name = "MutationRefusedError";

  constructor(
    /** The place of the mutation in its batch. */
    readonly index: number,
    /** The mutation that was refused. */
    readonly mutation: ProjectMutation,
    cause: ProjectOperationError,
  ) {
    super(mutationField(mutation, cause.field), `Mutation ${index} (${mutation.op}) was refused: ${cause.message}`, { cause });
  }
}

/**
 * Applies one mutation to a project and returns the new project (the input is not changed; a mutation
 * that changes nothing returns it as it is). Throws the operation's `ProjectOperationError` when refused.
 */
export function applyMutation(
  project: Project,
  registry: Registry,
  mutation: ProjectMutation,
  options: ApplyMutationOptions = {},
): Project {
  const { validateArgs } = options;
  switch (mutation.op) {
    case "add-instance":
      return addInstance(project, registry, {
        type: mutation.type,
        name: mutation.name,
        ...(mutation.args !== undefined ? { args: mutation.args } : {}),
        ...(mutation.position !== undefined ? { position: mutation.position } : {}),
        ...(mutation.uid !== undefined ? { uid: mutation.uid } : {}),
        ...(validateArgs ? { validateArgs } : {}),
      });
    case "remove-instance":
      return removeInstance(project, mutation.instanceId);
    case "rename-instance":
      return renameInstance(project, mutation.instanceId, mutation.newName);
    case "move":
      return hubIdPattern.test(mutation.nodeId)
        ? moveHub(project, mutation.nodeId, mutation.position)
        : moveInstance(project, mutation.nodeId, mutation.position);
    case "set-args":
      return setInstanceArgs(project, mutation.instanceId, mutation.args, validateArgs ? { validateArgs } : {});
    case "connect":
      return connectInput(project, registry, { instanceId: mutation.instanceId, input: mutation.input, from: mutation.source });
    case "disconnect":
      return disconnectInput(project, { instanceId: mutation.instanceId, input: mutation.input, from: mutation.source });
    case "add-hub":
      return addHub(project, {
        id: mutation.hubId,
        ...(mutation.title !== undefined ? { title: mutation.title } : {}),
        ...(mutation.position !== undefined ? { position: mutation.position } : {}),
      });
    case "remove-hub":
      return removeHub(project, mutation.hubId);
    case "connect-hub":
      return "hubId" in mutation.source
        ? injectHub(project, mutation.hubId, mutation.source.hubId)
        : connectHubInput(project, registry, mutation.hubId, mutation.source);
    case "disconnect-hub":
      return "hubId" in mutation.source
        ? uninjectHub(project, mutation.hubId, mutation.source.hubId)
        : disconnectHubInput(project, mutation.hubId, mutation.source);
    case "inject-hub":
      return injectHub(project, mutation.instanceId, mutation.hubId);
    case "uninject-hub":
      return uninjectHub(project, mutation.instanceId, mutation.hubId);
  }
}

/**
 * Applies a batch in order, all or nothing: the first refused mutation throws a
 * {@link MutationRefusedError} naming its index and field, and no partial result is returned.
 */
export function applyMutations(
  project: Project,
  registry: Registry,
  mutations: readonly ProjectMutation[],
  options: ApplyMutationOptions = {},
): Project {
  let current = project;
  for (const [index, mutation] of mutations.entries()) {
    try {
      current = applyMutation(current, registry, mutation, options);
    } catch (error) {
      if (error instanceof ProjectOperationError) throw new MutationRefusedError(index, mutation, error);
      throw error;
    }
  }
  return current;
}

/**
 * Gives every `add-instance` of a batch that has no `uid` a fresh one (unique in the project and the
 * batch), so a client that applies the batch itself and the server that applies it end with the same
 * document. Returns the batch as it is when every instance already has one.
 */
export function assignInstanceUids(project: Project, mutations: readonly ProjectMutation[]): ProjectMutation[] {
  if (!mutations.some((mutation) => mutation.op === "add-instance" && mutation.uid === undefined)) return [...mutations];
  const taken: Project = { ...project, instances: [...project.instances] };
  const claim = (uid: string) => taken.instances.push({ uid } as Instance);
  for (const mutation of mutations) if (mutation.op === "add-instance" && mutation.uid !== undefined) claim(mutation.uid);
  return mutations.map((mutation) => {
    if (mutation.op !== "add-instance" || mutation.uid !== undefined) return mutation;
    const uid = generateInstanceUid(taken);
    claim(uid);
    return { ...mutation, uid };
  });
}

function refersTo(ref: InputRef, id: string): boolean {
  return isHubRef(ref) ? ref.hubId === id : ref.instanceId === id;
}

/** The mutations that re-create an instance exactly as it is in `project` (its uid and every connection to and from it). */
function recreateInstance(project: Project, instance: Instance): ProjectMutation[] {
  const result: ProjectMutation[] = [
    { op: "add-instance", type: instance.type, name: instance.name, uid: instance.uid, args: instance.args, position: instance.position },
  ];
  for (const [input, refs] of Object.entries(instance.inputs))
    for (const source of refs) result.push({ op: "connect", instanceId: instance.id, input, source });
  for (const hubId of instance.injectionInputs) result.push({ op: "inject-hub", instanceId: instance.id, hubId });
  for (const other of project.instances) {
    if (other.id === instance.id) continue;
    for (const [input, refs] of Object.entries(other.inputs)) {
      for (const source of refs) if (refersTo(source, instance.id)) result.push({ op: "connect", instanceId: other.id, input, source });
    }
  }
  for (const hub of project.hubs) {
    for (const source of hub.inputs) if (source.instanceId === instance.id) result.push({ op: "connect-hub", hubId: hub.id, source });
  }
  return result;
}

/** The mutations that re-create a hub as it is in `project`, with every connection and injection of it. */
function recreateHub(project: Project, hub: Hub): ProjectMutation[] {
  const result: ProjectMutation[] = [
    { op: "add-hub", hubId: hub.id, ...(hub.title !== undefined ? { title: hub.title } : {}), position: hub.position },
  ];
  for (const source of hub.inputs) result.push({ op: "connect-hub", hubId: hub.id, source });
  for (const other of hub.injectionInputs) result.push({ op: "connect-hub", hubId: hub.id, source: { hubId: other } });
  for (const other of project.hubs)
    if (other.injectionInputs.includes(hub.id)) result.push({ op: "connect-hub", hubId: other.id, source: { hubId: hub.id } });
  for (const instance of project.instances) {
    if (instance.injectionInputs.includes(hub.id)) result.push({ op: "inject-hub", instanceId: instance.id, hubId: hub.id });
    for (const [input, refs] of Object.entries(instance.inputs)) {
      for (const source of refs) if (refersTo(source, hub.id)) result.push({ op: "connect", instanceId: instance.id, input, source });
    }
  }
  return result;
}

/**
 * The mutations that undo `mutation` applied to `project` (empty when it changes nothing or is refused).
 * Removed instances come back with their uid, so their Pulumi stack stays theirs.
 */
export function invertMutation(project: Project, registry: Registry, mutation: ProjectMutation): ProjectMutation[] {
  let after: Project;
  try {
    after = applyMutation(project, registry, mutation);
  } catch (error) {
    if (error instanceof ProjectOperationError) return [];
    throw error;
  }
  if (after === project) return [];
  switch (mutation.op) {
    case "add-instance":
      return [{ op: "remove-instance", instanceId: `${mutation.type}:${mutation.name}` }];
    case "remove-instance":
      return recreateInstance(project, project.instances.find((item) => item.id === mutation.instanceId)!);
    case "rename-instance": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId)!;
      return [{ op: "rename-instance", instanceId: `${instance.type}:${mutation.newName}`, newName: instance.name }];
    }
    case "move": {
      const node = hubIdPattern.test(mutation.nodeId)
        ? project.hubs.find((hub) => hub.id === mutation.nodeId)!
        : project.instances.find((instance) => instance.id === mutation.nodeId)!;
      return [{ op: "move", nodeId: mutation.nodeId, position: node.position }];
    }
    case "set-args": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId)!;
      return [{ op: "set-args", instanceId: instance.id, args: instance.args }];
    }
    case "connect": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId)!;
      const current = instance.inputs[mutation.input] ?? [];
      const undo: ProjectMutation[] = [];
      if (!current.some((ref) => sameRef(ref, mutation.source)))
        undo.push({ op: "disconnect", instanceId: instance.id, input: mutation.input, source: mutation.source });
      const multiple = registry.components[instance.type]?.inputs[mutation.input]?.multiple ?? false;
      // A single input's other sources were replaced: connect them back.
      if (!multiple)
        for (const source of current)
          if (!sameRef(source, mutation.source)) undo.push({ op: "connect", instanceId: instance.id, input: mutation.input, source });
      return undo;
    }
    case "disconnect":
      return [{ op: "connect", instanceId: mutation.instanceId, input: mutation.input, source: mutation.source }];
    case "add-hub":
      return [{ op: "remove-hub", hubId: mutation.hubId }];
    case "remove-hub":
      return recreateHub(project, project.hubs.find((item) => item.id === mutation.hubId)!);
    case "connect-hub":
      return [{ op: "disconnect-hub", hubId: mutation.hubId, source: mutation.source }];
    case "disconnect-hub":
      return [{ op: "connect-hub", hubId: mutation.hubId, source: mutation.source }];
    case "inject-hub":
      return [{ op: "uninject-hub", instanceId: mutation.instanceId, hubId: mutation.hubId }];
    case "uninject-hub":
      return [{ op: "inject-hub", instanceId: mutation.instanceId, hubId: mutation.hubId }];
  }
}

/**
 * The batch that undoes `mutations` applied in order to `project`: each mutation is inverted against
 * the state it was applied to, and the inverses run in reverse order. A refused mutation ends the
 * batch (as it does on the server), so what follows it is not inverted.
 */
export function invertMutations(project: Project, registry: Registry, mutations: readonly ProjectMutation[]): ProjectMutation[] {
  const steps: ProjectMutation[][] = [];
  let current = project;
  for (const mutation of mutations) {
    steps.push(invertMutation(current, registry, mutation));
    try {
      current = applyMutation(current, registry, mutation);
    } catch (error) {
      if (error instanceof ProjectOperationError) break;
      throw error;
    }
  }
  return steps.reverse().flat();
}
