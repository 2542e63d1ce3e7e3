/**
 * `GET /api/session` and `GET /api/registry`.
 */
import type { Registry } from "@highstate/contract";
import type { SessionInfo } from "@highstate/project/api";
import type { DesignerContext } from "../context.js";
import { sendJson } from "../http.js";
import type { Router } from "../router.js";

export function sessionRoutes(router: Router, context: DesignerContext): void {
  router.get("/api/session", async ({ response }) => {
    const [registry, engine] = await Promise.all([context.registry(), context.orchestrator.engine.readiness?.()]);
    const body: SessionInfo = {
      workspace: context.workspace,
      runnerVersion: context.runnerVersion,
      registryProblems: registry.problems.map((problem) => ({
        ...(problem.packages[0] !== undefined ? { package: problem.packages[0] } : {}),
        message: problem.message,
      })),
      ...(engine ? { engine } : {}),
    };
    sendJson(response, 200, body);
  });

  router.get("/api/registry", async ({ response }) => {
    const body: Registry = (await context.registry()).registry;
    sendJson(response, 200, body);
  });
}
