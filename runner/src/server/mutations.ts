/**
 * Applies a batch of API mutations to a project model with the shared project operations
 * (`applyMutation` of `@highstate/project`, which the designer applies too), adding what only the server
 * knows: the guards against removing or renaming an instance that is deployed or running. The batch is
 * all or nothing: the first refused mutation throws a 400 naming the field
 * (`mutations.<index>.<field>`), and the caller saves nothing. Side effects on other files (moving or
 * dropping an instance's secrets) are returned for the caller to apply after the save.
 */
import { type ArgsValidator, instanceId, type Project, type Registry } from "@highstate/contract";
import { applyMutation, findInstance, MutationRefusedError, ProjectOperationError } from "@highstate/project";
import type { ProjectMutation } from "@highstate/project/api";
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

function applyOne(
  project: Project,
  registry: Registry,
  mutation: ProjectMutation,
  validateArgs: ArgsValidator | undefined,
  guards: MutationGuards,
  effects: MutationEffect[],
): Project {
  const next = applyMutation(project, registry, mutation, validateArgs ? { validateArgs } : {});
  if (mutation.op === "remove-instance") {
    guards.beforeRemove(mutation.instanceId);
    effects.push({ kind: "remove-instance", instanceId: mutation.instanceId, uid: findInstance(project, mutation.instanceId).uid });
  } else if (mutation.op === "rename-instance") {
    guards.beforeRename(mutation.instanceId);
    const { type, uid } = findInstance(project, mutation.instanceId);
    const to = instanceId(type, mutation.newName);
    if (to !== mutation.instanceId) effects.push({ kind: "rename-instance", from: mutation.instanceId, to, uid });
  }
  return next;
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
        const refused = new MutationRefusedError(index, mutation, error);
        throw new BadRequestError(refused.message, `mutations.${index}.${refused.field}`, { cause: error });
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
