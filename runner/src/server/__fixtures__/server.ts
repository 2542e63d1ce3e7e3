/**
 * Starts a real designer server on a free loopback port for a test (with the fake engine unless one
 * is given) and stops it when the test ends.
 */
import { onTestFinished } from "vitest";
import { FakeEngine } from "../../testing/index.js";
import type { ProjectSnapshot } from "@highstate/project/api";
import { type DesignerServerOptions, startDesignerServer } from "../designer-server.js";
import { ApiClient } from "./client.js";
import { fixtureWorkspace } from "./workspace.js";

export async function startTestServer(options: Partial<DesignerServerOptions> = {}) {
  const workspace = options.workspace ?? (await fixtureWorkspace());
  const engine = options.engine ?? new FakeEngine({ defaultBehavior: { resourceCount: 2 } });
  const server = await startDesignerServer({ workspace, port: 0, engine, ...options });
  onTestFinished(() => server.close({ force: true }));
  return { server, workspace, engine, client: new ApiClient(server.port, server.token) };
}

/** Creates a project through the API and returns its snapshot. */
export async function createProject(client: ApiClient, name = "demo", password = "correct horse battery"): Promise<ProjectSnapshot> {
  const response = await client.request("POST", "/api/projects", { name, password });
  if (response.status !== 201) throw new Error(`creating project "${name}" → ${response.status}: ${response.text}`);
  return response.json<ProjectSnapshot>();
}

/** Applies mutations and returns the response. */
export function mutate(client: ApiClient, project: string, revision: number, mutations: unknown[]) {
  return client.request("POST", `/api/projects/${project}/mutations`, { revision, mutations });
}
