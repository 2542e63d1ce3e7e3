/**
 * Plans and operations: the plan of a project, starting operations (202: they run in the background
 * and report on `/api/events`), listing and cancelling them.
 */
import { NoSuchInstanceError } from "../../engine/errors.js";
import { operationSelection } from "../../engine/operation-selection.js";
import { InstanceBlockedError, instancePlan } from "../../planner/index.js";
import {
  cancelOperationRequestSchema,
  type OperationInfo,
  type OperationSelection,
  operationSelectionRequestSchema,
  type PlanResponse,
  startOperationRequestSchema,
} from "../api-types.js";
import type { DesignerContext } from "../context.js";
import { HttpError, readJson, sendJson } from "../http.js";
import type { Router } from "../router.js";

/**
 * An instance that cannot run only because an upstream instance is not created: the designer's way to
 * include dependencies is its "Run with dependencies" action (the planner's message names the CLI flag).
 */
function needsDependencies(error: unknown): unknown {
  if (!(error instanceof InstanceBlockedError) || error.missingDependency === undefined) return error;
  return new HttpError(
    409,
    "needs-dependencies",
    `"${error.instanceId}" takes inputs from "${error.missingDependency}", which is not created. Run it with its dependencies to create "${error.missingDependency}" first: "Run with dependencies" in its ⋯ menu (highstate up --include-dependencies on the command line).`,
    {},
    { cause: error },
  );
}

export function operationRoutes(router: Router, context: DesignerContext): void {
  const { sessions, orchestrator } = context;

  router.get("/api/projects/:project/plan", async ({ response, params }) => {
    const session = await sessions.session(params.project!);
    const plan = await orchestrator.plan(await sessions.context(session));
    const outdated: Record<string, string[]> = {};
    for (const instance of session.project.instances) {
      const planned = instancePlan(plan, instance.id);
      if (planned?.outdated) outdated[instance.id] = [...planned.reasons];
    }
    const body: PlanResponse = { layers: plan.layers.map((layer) => [...layer]), outdated, problems: [...plan.problems] };
    sendJson(response, 200, body);
  });

  router.post("/api/projects/:project/operations", async ({ request, response, params }) => {
    const body = await readJson(request, startOperationRequestSchema);
    if (context.stopping) throw new HttpError(503, "stopping", "The designer server is stopping; start the operation again once it runs.");
    const session = await sessions.session(params.project!);
    const handle = await orchestrator
      .start(await sessions.context(session), {
        type: body.type,
        instanceIds: body.instanceIds,
        includeDependencies: body.includeDependencies,
        cascade: body.cascade,
        ...(body.detectDrift ? { detectDrift: true } : {}),
      })
      .catch((error: unknown) => {
        throw needsDependencies(error);
      });
    const info: OperationInfo = handle.info;
    sendJson(response, 202, info);
  });

  router.post("/api/projects/:project/operations/selection", async ({ request, response, params }) => {
    const body = await readJson(request, operationSelectionRequestSchema);
    const session = await sessions.session(params.project!);
    const known = new Set(session.project.instances.map((instance) => instance.id));
    for (const id of body.instanceIds ?? []) if (!known.has(id)) throw new NoSuchInstanceError(session.name, id);
    const plan = await orchestrator.plan(await sessions.context(session));
    let selection: OperationSelection;
    try {
      selection = operationSelection(plan, {
        type: body.type,
        ...(body.instanceIds ? { instanceIds: body.instanceIds } : {}),
        includeDependencies: body.includeDependencies,
        outdated: body.outdated,
      });
    } catch (error) {
      throw needsDependencies(error);
    }
    sendJson(response, 200, selection);
  });

  router.get("/api/projects/:project/operations", async ({ response, params }) => {
    const session = await sessions.session(params.project!);
    const body: OperationInfo[] = orchestrator.list(session.name);
    sendJson(response, 200, body);
  });

  router.post("/api/operations/:operationId/cancel", async ({ request, response, params }) => {
    const body = await readJson(request, cancelOperationRequestSchema);
    const info: OperationInfo = orchestrator.cancel(params.operationId!, { force: body.force });
    sendJson(response, 200, info);
  });
}
