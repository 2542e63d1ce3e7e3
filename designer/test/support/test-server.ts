/**
 * The runner's real designer server, started in this process for the designer's browser tests and its
 * benchmark: a throw-away workspace, the given component definitions as its registry (built the way
 * the runner builds an installed package's), the runner's `FakeEngine` running units, and projects
 * seeded on disk the way the server writes them (project file, encrypted secrets file, instance
 * states). Everything the browser sees comes from the real routes, validation and orchestrator.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { AnyComponent, Entity, Project } from "@highstate/contract";
import type { InstanceStatus, ProjectSnapshot } from "@highstate/project/api";
import { type DesignerServer, startDesignerServer } from "@highstate/runner";
import {
  buildRegistryFromDefinitions,
  FakeEngine,
  type FakeEngineOptions,
  type PluginPackage,
  serializeProject,
  WorkspaceRegistry,
  workspacePaths,
} from "@highstate/runner/testing";
import { apiClient } from "./api-client.ts";

/** A component package given as its definitions. */
export interface TestPackage {
  name: string;
  entities: Entity[];
  components: AnyComponent[];
}

/** A project to create before the server starts. */
export interface SeedProject {
  password: string;
  project: Project;
  /** Instance id → what its last run left (`created` with a resource count, or `failed` with an error). */
  statuses?: Record<string, InstanceStatus>;
}

export interface TestServer {
  /** The URL to open (with the access token in its fragment). */
  url: string;
  /** The server's address, e.g. `http://127.0.0.1:40123/`. */
  baseUrl: string;
  /** The URL of a route (`/projects/lab`) with a query (`bench=1`), carrying the access token. */
  urlFor(route?: string, query?: string): string;
  workspace: string;
  /** The engine running units: set per-instance behaviour (failures, delays) and read its calls. */
  engine: FakeEngine;
  server: DesignerServer;
  /** Calls the HTTP API with the access token; throws with the server's message unless it answers 2xx. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** The project model as the server holds it now. */
  project(name: string): Promise<Project>;
  /** Stops the server (running operations are stopped) and removes the workspace. */
  close(): Promise<void>;
}

/** The registry of in-memory definitions, as `loadWorkspaceRegistry` would build it from installed packages. */
function inMemoryRegistry(workspace: string, packages: TestPackage[]): WorkspaceRegistry {
  const plugins: PluginPackage[] = packages.map((pkg) => ({
    name: pkg.name,
    version: "0.1.0",
    dir: join(workspace, "node_modules", pkg.name),
    realDir: join(workspace, "node_modules", pkg.name),
    definitionsFile: join(workspace, "node_modules", pkg.name, "dist/definitions.js"),
    definitions: "./dist/definitions.js",
    linked: true,
    definitionsMtimeMs: 0,
    definitionsSize: 0,
    dependencies: [],
  }));
  const imported = packages.map((pkg, index) => ({ package: plugins[index]!, entities: pkg.entities, components: pkg.components }));
  const build = buildRegistryFromDefinitions(imported);
  return new WorkspaceRegistry(workspace, build.registry, plugins, build.problems, false, "in-memory", build.definitions, imported);
}

/** Starts the real designer server on 127.0.0.1 (a free port) with the fake engine. */
export async function startTestServer(options: {
  packages: TestPackage[];
  /** The built app to serve (`dist/`, or the bench build). */
  assetsDir: string;
  /** The fake engine's behaviour (default: runs take 1 s and create 3 resources). */
  engine?: FakeEngineOptions;
  projects?: Record<string, SeedProject>;
}): Promise<TestServer> {
  const workspace = await mkdtemp(join(tmpdir(), "highstate-designer-test-"));
  await writeFile(join(workspace, "package.json"), `${JSON.stringify({ name: "infra", private: true, type: "module" }, null, 2)}\n`);
  await writeFile(join(workspace, "Pulumi.yaml"), "name: infra\nruntime: nodejs\n");
  const registry = inMemoryRegistry(workspace, options.packages);
  const engine = new FakeEngine(options.engine ?? { defaultBehavior: { delayMs: 1000, resourceCount: 3 } });
  const start = () => startDesignerServer({ workspace, port: 0, engine, registry, assetsDir: options.assetsDir, parallelism: 2 });
  const client = (server: DesignerServer) => apiClient(server.baseUrl, server.token);

  const seeds = Object.entries(options.projects ?? {});
  if (seeds.length > 0) {
    // The server creates each project (its secrets file is encrypted with the password); the model and
    // the instance states are then written where the server keeps them, before it starts for real.
    const creator = await start();
    try {
      for (const [name, seed] of seeds) await client(creator)("POST", "/api/projects", { name, password: seed.password });
    } finally {
      await creator.close({ force: true });
    }
    const paths = workspacePaths(workspace);
    for (const [name, seed] of seeds) {
      await writeFile(paths.projectFile(name), serializeProject(seed.project));
      const at = new Date().toISOString();
      for (const instance of seed.project.instances) {
        const status = seed.statuses?.[instance.id];
        if (!status || (status.state !== "created" && status.state !== "failed")) continue;
        const file = paths.instanceStateFile(name, instance.uid);
        await mkdir(dirname(file), { recursive: true });
        const state = {
          version: 1,
          uid: instance.uid,
          instanceId: instance.id,
          status: status.state,
          resourceCount: status.resourceCount ?? 0,
          ...(status.state === "failed" ? { lastError: { operation: "up", message: status.error ?? "failed", at } } : {}),
          ...(status.drift ? { drift: status.drift } : {}),
        };
        await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
      }
    }
  }

  const server = await start();
  const request = client(server);
  try {
    for (const [name, seed] of seeds) await request("POST", `/api/projects/${name}/unlock`, { password: seed.password });
  } catch (error) {
    await server.close({ force: true });
    throw error;
  }
  return {
    url: server.url,
    baseUrl: server.baseUrl,
    urlFor: (route = "", query = "") => `${server.baseUrl}${query ? `?${query}` : ""}#token=${server.token}${route ? `#${route}` : ""}`,
    workspace,
    engine,
    server,
    request,
    async project(name) {
      return (await request<ProjectSnapshot>("GET", `/api/projects/${encodeURIComponent(name)}`)).project;
    },
    async close() {
      await server.close({ force: true });
      await rm(workspace, { recursive: true, force: true });
    },
  };
}
