/**
 * Project routes: list, create (with password), read, unlock, rename, and the mutations batch with
 * revision checking.
 */

import {
  createProjectRequestSchema,
  mutateProjectRequestSchema,
  type ProjectList,
  type ProjectMutation,
  type ProjectSnapshot,
  renameProjectRequestSchema,
  unlockProjectRequestSchema,
} from "@highstate/project/api";
import { SecretRebindLockedError } from "../../secrets/index.js";
import { hasResources, type InstanceState } from "../../workspace/index.js";
import type { DesignerContext } from "../context.js";
import { ConflictError, readJson, sendJson } from "../http.js";
import { applyMutations } from "../mutations.js";
import { projectSnapshot } from "../project-views.js";
import type { Router } from "../router.js";

export function projectRoutes(router: Router, context: DesignerContext): void {
  const { sessions } = context;

  router.get("/api/projects", async ({ response }) => {
    const body: ProjectList = await sessions.list();
    sendJson(response, 200, body);
  });

  router.post("/api/projects", async ({ request, response }) => {
    const body = await readJson(request, createProjectRequestSchema);
    const session = await sessions.create(body.name, body.password);
    const snapshot: ProjectSnapshot = await projectSnapshot(context, session);
    sendJson(response, 201, snapshot);
  });

  router.get("/api/projects/:project", async ({ response, params }) => {
    const session = await sessions.session(params.project!);
    sendJson(response, 200, await projectSnapshot(context, session));
  });

  router.post("/api/projects/:project/unlock", async ({ request, response, params }) => {
    const body = await readJson(request, unlockProjectRequestSchema);
    const session = await sessions.unlock(params.project!, body.password);
    sendJson(response, 200, await projectSnapshot(context, session));
  });

  router.post("/api/projects/:project/rename", async ({ request, response, params }) => {
    const body = await readJson(request, renameProjectRequestSchema);
    const session = await sessions.rename(params.project!, body.newName);
    sendJson(response, 200, await projectSnapshot(context, session));
  });

  router.post("/api/projects/:project/mutations", async ({ request, response, params }) => {
    const body = await readJson(request, mutateProjectRequestSchema);
    const name = params.project!;
    const session = await sessions.exclusive(name, async () => {
      const session = await sessions.session(name);
      if (body.revision !== session.revision) {
        throw new ConflictError(
          `Project "${name}" changed since revision ${body.revision} (it is at revision ${session.revision}); reload it and apply your change again.`,
          session.revision,
        );
      }
      const registry = await context.registry();
      const validateArgs = body.mutations.some((mutation) => mutation.op === "add-instance" || mutation.op === "set-args")
        ? await registry.argsValidator().catch(() => undefined)
        : undefined;
      const states = body.mutations.some((mutation) => mutation.op === "remove-instance")
        ? await context.orchestrator.states(name)
        : new Map<string, InstanceState>();
      const { project, effects } = applyMutations(session.project, registry.registry, body.mutations as ProjectMutation[], {
        ...(validateArgs ? { validateArgs } : {}),
        guards: {
          beforeRemove(instanceId) {
            if (context.isInstanceBusy(name, instanceId))
              throw new ConflictError(`"${instanceId}" is in a running operation; wait for it or cancel it before removing the instance.`);
            const uid = session.project.instances.find((instance) => instance.id === instanceId)?.uid;
            if (uid !== undefined && hasResources(states.get(uid))) {
              throw new ConflictError(
                `"${instanceId}" still has resources; destroy it before removing it from the project (or its resources are abandoned).`,
              );
            }
          },
          beforeRename(instanceId) {
            if (context.isInstanceBusy(name, instanceId))
              throw new ConflictError(`"${instanceId}" is in a running operation; wait for it or cancel it before renaming the instance.`);
            // Its secrets are bound to its id; binding them to the new id needs the unlocked key.
            if (session.secrets.renameNeedsPassword(instanceId)) throw new SecretRebindLockedError(session.secrets.file, instanceId);
          },
        },
      });
      await sessions.save(session, project);
      for (const effect of effects) {
        if (effect.kind === "rename-instance") await session.secrets.renameInstance(effect.from, effect.to);
        else {
          await session.secrets.removeInstance(effect.instanceId);
          await context.orchestrator.stateStore(name).remove(effect.uid);
        }
      }
      return session;
    });
    sendJson(response, 200, await projectSnapshot(context, session));
  });
}
