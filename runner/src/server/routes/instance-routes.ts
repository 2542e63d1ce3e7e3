/**
 * Instance routes: details (outputs without secret values, status fields, terminals, pages, resolved
 * inputs), logs, pages, and opening a terminal session (bridged on `/api/terminals/:sessionId`).
 */

import { type InstanceLogs, openTerminalRequestSchema, type TerminalSession } from "@highstate/project/api";
import type { TerminalManager } from "../../terminals/index.js";
import type { DesignerContext } from "../context.js";
import { HttpError, NotFoundError, readJson, sendJson } from "../http.js";
import { instanceDetails, instancePage, requireInstance, stateOf, terminalSpecsOf } from "../project-views.js";
import type { Router } from "../router.js";

export function instanceRoutes(router: Router, context: DesignerContext, terminals: () => Promise<TerminalManager>): void {
  const { sessions, orchestrator } = context;

  router.get("/api/projects/:project/instances/:instanceId/details", async ({ response, params }) => {
    const session = await sessions.session(params.project!);
    sendJson(response, 200, await instanceDetails(context, session, params.instanceId!));
  });

  router.get("/api/projects/:project/instances/:instanceId/logs", async ({ response, params }) => {
    const session = await sessions.session(params.project!);
    const instance = requireInstance(session, params.instanceId!);
    const body: InstanceLogs = {
      instanceId: instance.id,
      entries: await orchestrator.logs.entries(session.name, instance.id, instance.uid),
    };
    sendJson(response, 200, body);
  });

  router.get("/api/projects/:project/instances/:instanceId/pages/:page", async ({ response, params }) => {
    const session = await sessions.session(params.project!);
    sendJson(response, 200, await instancePage(context, session, params.instanceId!, params.page!));
  });

  router.post("/api/projects/:project/instances/:instanceId/terminals/:terminal", async ({ request, response, params }) => {
    const body = await readJson(request, openTerminalRequestSchema);
    const session = await sessions.session(params.project!);
    const instance = requireInstance(session, params.instanceId!);
    const { specs, locked } = terminalSpecsOf(context, session, await stateOf(context, session, instance));
    const spec = specs.find((item) => item.name === params.terminal);
    if (!spec) {
      if (locked)
        throw new HttpError(
          423,
          "locked",
          `The terminals of "${instance.id}" are stored encrypted; unlock project "${session.name}" with its password to open them.`,
        );
      throw new NotFoundError(
        `"${instance.id}" has no terminal "${params.terminal}"${specs.length > 0 ? ` (it has ${specs.map((item) => `"${item.name}"`).join(", ")})` : ""}; run it to refresh its outputs.`,
      );
    }
    const opened: TerminalSession = await (await terminals()).open(spec, { cols: body.cols, rows: body.rows });
    sendJson(response, 201, opened);
  });
}
