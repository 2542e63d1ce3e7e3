/**
 * Applies a batch of API mutations to a project model with the workspace's project operations. The
 * batch is all or nothing: the first refused mutation throws a 400 naming the field
 * (`mutations.<index>.<field>`), and the caller saves nothing. Side effects on other files (moving or
 * dropping an instance's secrets) are returned for the caller to apply after the save.
 */
import { type ArgsValidator, hubIdPattern, instanceId, type Project, type Registry } from "@highstate/contract";
import { addHub, connectHubInput, disconnectHubInput, injectHub, moveHub, removeHub, uninjectHub } from "../workspace/hub-ops.js";
import {
  addInstance,
  connectInput,
  disconnectInput,
  findInstance,
  moveInstance,
  removeInstance,
  renameInstance,
  setInstanceArgs,
} from "../workspace/project-ops.js";
import { ProjectOperationError } from "../workspace/project-ops-errors.js";
import type { ProjectMutation } from "./api-types.js";
import { BadRequestError, HttpError } from "./http.js";

/** A change to make to other files once the project is saved. */
export type MutationEffect =
  | { kind: "rename-instance"; from: string; to: string; uid: string }
  | { kind: "remove-instance"; instanceId: string; uid: string };

/** The result of a batch. */
export interface AppliedMutations {
  project: Project;
  effects: MutationEffect[];
}

/** Checks run before a mutation touches an instance that may be running or deployed. */
export interface MutationGuards {
  /** Throws when the instance may not be removed (it has resources, or it is running). */
  beforeRemove(instanceId: string): void;
  /** Throws when the instance may not be renamed now (it is running). */
  beforeRename(instanceId: string): void;
}

/** How an operation's field names map to the request's field names, per mutation kind. */
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

function applyOne(
  project: Project,
  registry: Registry,
  mutation: ProjectMutation,
  validateArgs: ArgsValidator | undefined,
  guards: MutationGuards,
  effects: MutationEffect[],
): Project {
  switch (mutation.op) {
    case "add-instance":
      return addInstance(project, registry, {
        type: mutation.type,
        name: mutation.name,
        ...(mutation.args !== undefined ? { args: mutation.args } : {}),
        ...(mutation.position !== undefined ? { position: mutation.position } : {}),
        ...(validateArgs ? { validateArgs } : {}),
      });
    case "remove-instance": {
      const uid = project.instances.find((instance) => instance.id === mutation.instanceId)?.uid;
      const next = removeInstance(project, mutation.instanceId);
      guards.beforeRemove(mutation.instanceId);
      effects.push({ kind: "remove-instance", instanceId: mutation.instanceId, uid: uid! });
      return next;
    }
    case "rename-instance": {
      const next = renameInstance(project, mutation.instanceId, mutation.newName);
      guards.beforeRename(mutation.instanceId);
      const { type, uid } = findInstance(project, mutation.instanceId);
      const to = instanceId(type, mutation.newName);
      if (to !== mutation.instanceId) effects.push({ kind: "rename-instance", from: mutation.instanceId, to, uid });
      return next;
    }
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
 * Applies `mutations` in order to `project` (which is not changed) and returns the new model and the
 * effects on other files. Throws `BadRequestError` naming `mutations.<index>.<field>` for the first
 * mutation refused.
 */
export function applyMutations(
  project: Project,
  registry: Registry,
  mutations: ProjectMutation[],
  options: { validateArgs?: ArgsValidator; guards: MutationGuards },
): AppliedMutations {
  let current = project;
  const effects: MutationEffect[] = [];
  for (const [index, mutation] of mutations.entries()) {
    try {
      current = applyOne(current, registry, mutation, options.validateArgs, options.guards, effects);
    } catch (error) {
      if (error instanceof ProjectOperationError) {
        const field = fieldNames[mutation.op]?.[error.field] ?? error.field;
        throw new BadRequestError(`Mutation ${index} (${mutation.op}) was refused: ${error.message}`, `mutations.${index}.${field}`, {
          cause: error,
        });
      }
      if (error instanceof HttpError) {
        throw new HttpError(
          error.status,
          error.code,
          `Mutation ${index} (${mutation.op}) was refused: ${error.message}`,
          { field: `mutations.${index}.instanceId` },
          { cause: error },
        );
      }
      throw error;
    }
  }
  return { project: current, effects };
}
