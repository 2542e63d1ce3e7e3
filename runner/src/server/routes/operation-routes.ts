/**
 * Plans and operations: the plan of a project, starting operations (202: they run in the background
 * and report on `/api/events`), listing and cancelling them.
 */

import { cancelOperationRequestSchema, type OperationInfo, type PlanResponse, startOperationRequestSchema } from "@highstate/project/api";
import { instancePlan } from "../../planner/index.js";
import type { DesignerContext } from "../context.js";
import { HttpError, readJson, sendJson } from "../http.js";
import type { Router } from "../router.js";

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
    const handle = await orchestrator.start(await sessions.context(session), {
      type: body.type,
      instanceIds: body.instanceIds,
      includeDependencies: body.includeDependencies,
      cascade: body.cascade,
    });
    const info: OperationInfo = handle.info;
    sendJson(response, 202, info);
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
