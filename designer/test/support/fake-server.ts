/**
 * An in-memory stand-in for `highstate designer` used by the designer's UI tests and its benchmark:
 * the same HTTP routes and `/api/events` socket as `@highstate/project/api`, projects kept in memory,
 * a fake engine whose runs take about a second and stream engine events. It serves the built app
 * from `dist/`. The end-to-end tests run against the real server; this one keeps the UI tests fast
 * and independent of the runner's internals.
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import {
  type AnyComponent,
  argsValidatorFromDefinitions,
  buildRegistry,
  type Entity,
  type Project,
  type Registry,
  validateProject,
} from "@highstate/contract";
import { applyMutations, MutationRefusedError } from "@highstate/project";
import type { EngineEvent, InstanceStatus, OperationInfo, ProjectMutation, ProjectSnapshot, ServerEvent } from "@highstate/project/api";
import { WebSocketServer } from "ws";

export interface FakeProject {
  password: string;
  project: Project;
  revision: number;
  unlocked: boolean;
  statuses: Record<string, InstanceStatus>;
  /** Instance id → secret name → value. */
  secrets: Record<string, Record<string, string>>;
  statusFields: ProjectSnapshot["statusFields"];
}

export interface FakeServer {
  url: string;
  registry: Registry;
  projects: Map<string, FakeProject>;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Starts the fake server on 127.0.0.1 with the given definitions; `projects` seeds projects. */
export async function startFakeServer(options: {
  assetsDir: string;
  packages: Array<{ name: string; entities: Entity[]; components: AnyComponent[] }>;
  projects?: Record<string, Omit<FakeProject, "revision" | "statuses" | "secrets" | "statusFields"> & Partial<FakeProject>>;
  /** How long a fake run of one instance takes, in milliseconds. */
  runMs?: number;
}): Promise<FakeServer> {
  const registry = buildRegistry(
    options.packages.map((pkg) => ({ package: { name: pkg.name, version: "0.1.0" }, entities: pkg.entities, components: pkg.components })),
  );
  const validateArgs = argsValidatorFromDefinitions(options.packages.flatMap((pkg) => pkg.components));
  const projects = new Map<string, FakeProject>();
  for (const [name, seed] of Object.entries(options.projects ?? {})) {
    projects.set(name, { revision: 1, statuses: {}, secrets: {}, statusFields: {}, ...seed });
  }
  const operations = new Map<string, OperationInfo & { cancelled?: boolean }>();
  const logs = new Map<string, Array<{ time: string; operationId: string; event: EngineEvent }>>();
  const sockets = new Set<import("ws").WebSocket>();
  const broadcast = (event: ServerEvent) => {
    const text = JSON.stringify(event);
    for (const socket of sockets) socket.send(text);
  };
  const runMs = options.runMs ?? 1200;

  const snapshot = (name: string, state: FakeProject): ProjectSnapshot => {
    const statuses: Record<string, InstanceStatus> = {};
    for (const instance of state.project.instances) {
      statuses[instance.id] = registry.components[instance.type]
        ? (state.statuses[instance.id] ?? { state: "not-created", outdated: false })
        : { state: "unknown-component", outdated: false };
    }
    return {
      name,
      revision: state.revision,
      project: state.project,
      unlocked: state.unlocked,
      problems: validateProject(state.project, registry, { validateArgs }),
      statuses,
      secrets: Object.fromEntries(Object.entries(state.secrets).map(([id, values]) => [id, Object.keys(values).sort()])),
      statusFields: state.statusFields,
      offers: {},
    };
  };
  const get = (name: string): FakeProject => {
    const state = projects.get(name);
    if (!state) throw new HttpError(404, "not-found", `project "${name}" does not exist; create it first`);
    return state;
  };
  const setStatus = (project: string, state: FakeProject, instanceId: string, status: InstanceStatus) => {
    state.statuses[instanceId] = status;
    broadcast({ type: "instance-status", project, instanceId, status });
  };
  const engineEvent = (operationId: string, project: string, instanceId: string, event: EngineEvent) => {
    const time = new Date().toISOString();
    const list = logs.get(`${project}/${instanceId}`) ?? [];
    list.push({ time, operationId, event });
    logs.set(`${project}/${instanceId}`, list);
    broadcast({ type: "engine-event", operationId, project, instanceId, event, time });
  };

  const runOperation = async (project: string, state: FakeProject, operation: OperationInfo & { cancelled?: boolean }) => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (const id of operation.instanceIds)
      setStatus(project, state, id, {
        ...(state.statuses[id] ?? { state: "not-created", outdated: false }),
        state: "pending",
        operation: operation.type,
      });
    for (const id of operation.instanceIds) {
      if (operation.cancelled) {
        operation.results[id] = "cancelled";
        setStatus(project, state, id, { state: "not-created", outdated: false });
        continue;
      }
      operation.results[id] = "running";
      broadcast({ type: "operation", operation });
      const total = 4;
      engineEvent(operation.id, project, id, { type: "log", message: `${operation.type} of "${id}" started` });
      for (let done = 0; done < total; done++) {
        if (operation.cancelled) break;
        setStatus(project, state, id, { state: "running", outdated: false, operation: operation.type, progress: { done, total } });
        engineEvent(operation.id, project, id, {
          type: "resource",
          urn: `urn:pulumi:${id}::r${done}`,
          resourceType: "command:remote:Command",
          name: `step-${done}`,
          op: "create",
          status: "started",
        });
        await sleep(runMs / total);
        engineEvent(operation.id, project, id, {
          type: "resource",
          urn: `urn:pulumi:${id}::r${done}`,
          resourceType: "command:remote:Command",
          name: `step-${done}`,
          op: "create",
          status: "done",
        });
      }
      if (operation.cancelled) {
        operation.results[id] = "cancelled";
        engineEvent(operation.id, project, id, { type: "diagnostic", severity: "warning", message: "cancelled by the user" });
        setStatus(project, state, id, { state: "failed", outdated: false, error: "cancelled by the user" });
        continue;
      }
      const instance = state.project.instances.find((item) => item.id === id);
      if (instance?.args.endpoint === "fail.invalid") {
        operation.results[id] = "failed";
        engineEvent(operation.id, project, id, {
          type: "diagnostic",
          severity: "error",
          message: `cannot connect to "fail.invalid": name does not resolve`,
        });
        setStatus(project, state, id, {
          state: "failed",
          outdated: false,
          error: `cannot connect to "fail.invalid": name does not resolve`,
          operation: operation.type,
        });
        continue;
      }
      operation.results[id] = "succeeded";
      engineEvent(operation.id, project, id, {
        type: "summary",
        changes: operation.type === "destroy" ? { delete: total } : { create: total },
        resourceCount: total,
        durationMs: runMs,
      });
      setStatus(
        project,
        state,
        id,
        operation.type === "destroy"
          ? { state: "not-created", outdated: false }
          : { state: "created", outdated: false, resourceCount: total, operation: operation.type },
      );
      if (operation.type === "up")
        state.statusFields[id] = [
          { name: "hostname", title: "Hostname", value: `${instance?.name ?? "host"}.example.internal`, secret: false },
        ];
    }
    operation.state = operation.cancelled ? "cancelled" : Object.values(operation.results).includes("failed") ? "failed" : "completed";
    operation.finishedAt = new Date().toISOString();
    broadcast({ type: "operation", operation });
    state.revision++;
    broadcast({ type: "project-changed", project, revision: state.revision });
  };

  const route = async (method: string, path: string, request: IncomingMessage): Promise<[number, unknown]> => {
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (method === "GET" && path === "/api/session")
      return [200, { workspace: "/tmp/fake-workspace", runnerVersion: "0.0.0-fake", registryProblems: [] }];
    if (method === "GET" && path === "/api/registry") return [200, registry];
    if (method === "GET" && path === "/api/projects") {
      return [
        200,
        {
          projects: [...projects.entries()]
            .map(([name, state]) => ({ name, instanceCount: state.project.instances.length, unlocked: state.unlocked }))
            .sort((a, b) => a.name.localeCompare(b.name)),
        },
      ];
    }
    if (method === "POST" && path === "/api/projects") {
      const input = await body(request);
      const name = String(input.name ?? "");
      if (!/^[a-z][a-z0-9-]{0,62}$/.test(name))
        throw new HttpError(400, "bad-request", "project names use lower-case letters, digits and dashes, starting with a letter", {
          field: "name",
        });
      if (String(input.password ?? "").length < 8)
        throw new HttpError(400, "bad-request", "the password must have at least 8 characters", { field: "password" });
      if (projects.has(name)) throw new HttpError(409, "conflict", `project "${name}" already exists`, { field: "name" });
      projects.set(name, {
        password: String(input.password),
        project: { version: 1, instances: [], hubs: [] },
        revision: 1,
        unlocked: true,
        statuses: {},
        secrets: {},
        statusFields: {},
      });
      broadcast({ type: "projects-changed" });
      return [201, snapshot(name, projects.get(name)!)];
    }
    if (parts[0] === "api" && parts[1] === "projects" && parts[2]) {
      const name = parts[2];
      const state = get(name);
      const rest = parts.slice(3);
      if (method === "GET" && rest.length === 0) return [200, snapshot(name, state)];
      if (method === "POST" && rest[0] === "unlock") {
        const input = await body(request);
        if (input.password !== state.password)
          throw new HttpError(401, "incorrect-password", `the password of project "${name}" is not correct`);
        state.unlocked = true;
        return [200, snapshot(name, state)];
      }
      if (method === "POST" && rest[0] === "mutations") {
        const input = await body(request);
        if (input.revision !== state.revision)
          throw new HttpError(409, "conflict", "the project changed; reload it and try again", { revision: state.revision });
        try {
          state.project = applyMutations(state.project, registry, input.mutations as ProjectMutation[]);
        } catch (error) {
          if (!(error instanceof MutationRefusedError)) throw error;
          throw new HttpError(400, "bad-request", error.message, { field: `mutations.${error.index}.${error.field}` });
        }
        state.revision++;
        broadcast({ type: "project-changed", project: name, revision: state.revision });
        return [200, snapshot(name, state)];
      }
      if (rest[0] === "instances" && rest[1]) {
        const instanceId = rest[1];
        if (method === "PUT" && rest[2] === "secrets") {
          if (!state.unlocked) throw new HttpError(423, "locked", `project "${name}" is locked; unlock it first`);
          const input = await body(request);
          const values = { ...(state.secrets[instanceId] ?? {}), ...((input.set as Record<string, string>) ?? {}) };
          for (const secret of (input.clear as string[]) ?? []) delete values[secret];
          state.secrets[instanceId] = values;
          state.revision++;
          broadcast({ type: "project-changed", project: name, revision: state.revision });
          return [200, { instanceId, secrets: Object.keys(values).sort() }];
        }
        if (method === "POST" && rest[2] === "secrets" && rest[3] && rest[4] === "reveal") {
          const value = state.secrets[instanceId]?.[rest[3]];
          if (value === undefined) throw new HttpError(404, "not-found", `secret "${rest[3]}" of "${instanceId}" is not set`);
          return [200, { name: rest[3], value }];
        }
        if (method === "GET" && rest[2] === "logs") return [200, { instanceId, entries: logs.get(`${name}/${instanceId}`) ?? [] }];
        if (method === "GET" && rest[2] === "details") {
          return [
            200,
            {
              instanceId,
              status: snapshot(name, state).statuses[instanceId],
              outputs: {},
              statusFields: state.statusFields[instanceId] ?? [],
              terminals: [],
              pages: [],
              resolvedInputs: {},
            },
          ];
        }
      }
      if (method === "GET" && rest[0] === "operations")
        return [200, [...operations.values()].filter((operation) => operation.project === name).reverse()];
      if (method === "POST" && rest[0] === "operations") {
        if (!state.unlocked) throw new HttpError(423, "locked", `project "${name}" is locked; unlock it first`);
        const input = await body(request);
        const operation: OperationInfo = {
          id: `op-${operations.size + 1}`,
          project: name,
          type: input.type as OperationInfo["type"],
          instanceIds: input.instanceIds as string[],
          state: "running",
          startedAt: new Date().toISOString(),
          results: Object.fromEntries((input.instanceIds as string[]).map((id) => [id, "pending" as const])),
        };
        operations.set(operation.id, operation);
        broadcast({ type: "operation", operation });
        void runOperation(name, state, operation);
        return [202, operation];
      }
    }
    if (method === "POST" && parts[0] === "api" && parts[1] === "operations" && parts[3] === "cancel") {
      const operation = operations.get(parts[2]!);
      if (!operation) throw new HttpError(404, "not-found", `operation "${parts[2]}" does not exist`);
      operation.cancelled = true;
      operation.state = "cancelling";
      broadcast({ type: "operation", operation });
      return [200, operation];
    }
    throw new HttpError(404, "not-found", `no route for ${method} ${path}`);
  };

  const server = createServer(async (request, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    try {
      if (url.pathname.startsWith("/api/")) {
        const [status, result] = await route(request.method ?? "GET", url.pathname, request);
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(result));
        return;
      }
      const relative = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, "");
      let file = join(options.assetsDir, relative || "index.html");
      if (!(await stat(file).catch(() => undefined))?.isFile()) file = join(options.assetsDir, "index.html");
      response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      response.end(await readFile(file));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const code = error instanceof HttpError ? error.code : "internal";
      response.writeHead(status, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          error: {
            code,
            message: error instanceof Error ? error.message : String(error),
            ...(error instanceof HttpError ? error.extra : {}),
          },
        }),
      );
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    if (!request.url?.startsWith("/api/events")) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      ws.send(JSON.stringify({ type: "hello", serverTime: new Date().toISOString() } satisfies ServerEvent));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    registry,
    projects,
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
