import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "@highstate/contract";
import type {
  ApiError,
  InstanceDetails,
  InstanceLogs,
  OperationInfo,
  PlanResponse,
  ProjectSnapshot,
  ServerEvent,
  TerminalSession,
} from "@highstate/project/api";
import { beforeAll, describe, expect, test } from "vitest";
import { FakeEngine } from "../testing/index.js";
import { binaryReceived, nextMessage } from "./__fixtures__/client.js";
import { createProject, mutate, startTestServer } from "./__fixtures__/server.js";
import { ensureContractBuilt } from "./__fixtures__/workspace.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const outputs = {
  server: { value: { host: "a.example" }, secret: false },
  adminToken: { value: "OUTPUT-SECRET-91b2", secret: true },
  $statusFields: {
    value: [
      { name: "host", title: "Host", value: "a.example", secret: false },
      { name: "root", title: "Root password", value: "FIELD-SECRET-44aa", secret: true },
    ],
    secret: false,
  },
  $pages: { value: [{ name: "readme", title: "Read me", blocks: [{ type: "markdown", content: "# Hello" }] }], secret: false },
  $terminals: {
    value: [
      {
        type: "ssh",
        name: "shell",
        title: "Shell",
        host: "127.0.0.1",
        port: 1,
        user: "root",
        credentials: { password: "TERMINAL-SECRET-77cd" },
      },
    ],
    secret: true,
  },
};

const instancePath = "/api/projects/demo/instances/acme.machine.v1%3Aa";

async function setup(engine = new FakeEngine({ behaviors: { "acme.machine.v1:a": { outputs, resourceCount: 3 } } })) {
  const started = await startTestServer({ engine });
  await createProject(started.client);
  const added = await mutate(started.client, "demo", 1, [
    { op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } },
    { op: "add-instance", type: "acme.kube.v1", name: "k" },
    { op: "connect", instanceId: "acme.kube.v1:k", input: "servers", source: { instanceId: "acme.machine.v1:a", output: "server" } },
  ]);
  expect(added.status, added.text).toBe(200);
  return started;
}

describe("operations", () => {
  test("up runs in the background, streams events to every client, and leaves outputs without secret values", async () => {
    const { client } = await setup();
    const first = await client.openSocket("/api/events");
    const second = await client.openSocket("/api/events");

    const plan = await client.get<PlanResponse>("/api/projects/demo/plan");
    expect(plan.layers).toEqual([["acme.machine.v1:a"], ["acme.kube.v1:k"]]);

    const started = await client.request("POST", "/api/projects/demo/operations", {
      type: "up",
      instanceIds: ["acme.kube.v1:k"],
      includeDependencies: true,
    });
    expect(started.status, started.text).toBe(202);
    const operation = started.json<OperationInfo>();
    expect(operation).toMatchObject({ project: "demo", type: "up", instanceIds: ["acme.machine.v1:a", "acme.kube.v1:k"] });

    for (const ws of [first, second]) {
      const done = await nextMessage<ServerEvent>(
        ws,
        (message) => message.type === "operation" && message.operation.id === operation.id && message.operation.finishedAt !== undefined,
      );
      expect(done).toMatchObject({
        operation: { state: "completed", results: { "acme.machine.v1:a": "succeeded", "acme.kube.v1:k": "succeeded" } },
      });
      const engineEvent = await nextMessage<ServerEvent>(
        ws,
        (message) => message.type === "engine-event" && message.instanceId === "acme.machine.v1:a",
      );
      expect(engineEvent).toMatchObject({ operationId: operation.id, project: "demo" });
      const status = await nextMessage<ServerEvent>(
        ws,
        (message) => message.type === "instance-status" && message.instanceId === "acme.machine.v1:a" && message.status.state === "created",
      );
      expect(status).toMatchObject({ project: "demo", status: { resourceCount: 3 } });
      ws.close();
    }

    const detailsResponse = await client.request("GET", `${instancePath}/details`);
    const details = detailsResponse.json<InstanceDetails>();
    expect(details.status).toMatchObject({ state: "created", resourceCount: 3, outdated: false });
    expect(details.outputs).toEqual({ server: { host: "a.example" }, adminToken: { secret: true } });
    expect(details.statusFields).toEqual([
      { name: "host", title: "Host", value: "a.example", secret: false },
      { name: "root", title: "Root password", value: null, secret: true },
    ]);
    expect(details.terminals).toEqual([{ name: "shell", title: "Shell", type: "ssh" }]);
    expect(details.pages).toEqual([{ name: "readme", title: "Read me" }]);
    expect(details.resolvedInputs).toEqual({});

    const snapshotResponse = await client.request("GET", "/api/projects/demo");
    const snapshot = snapshotResponse.json<ProjectSnapshot>();
    expect(snapshot.statuses["acme.machine.v1:a"]).toMatchObject({ state: "created", resourceCount: 3 });
    expect(snapshot.statusFields["acme.machine.v1:a"]?.[1]).toEqual({ name: "root", title: "Root password", value: null, secret: true });
    // What the card offers to open: names and titles only (the secret terminal's credentials stay out).
    expect(snapshot.offers).toEqual({
      "acme.machine.v1:a": { terminals: [{ name: "shell", title: "Shell", type: "ssh" }], pages: [{ name: "readme", title: "Read me" }] },
    });
    for (const text of [detailsResponse.text, snapshotResponse.text]) {
      for (const secret of ["OUTPUT-SECRET-91b2", "FIELD-SECRET-44aa", "TERMINAL-SECRET-77cd"]) expect(text).not.toContain(secret);
    }

    const kubeDetails = await client.get<InstanceDetails>("/api/projects/demo/instances/acme.kube.v1%3Ak/details");
    expect(kubeDetails.resolvedInputs).toEqual({ servers: [{ instanceId: "acme.machine.v1:a", output: "server" }], primary: [] });

    expect(await client.get<Page>(`${instancePath}/pages/readme`)).toEqual({
      name: "readme",
      title: "Read me",
      blocks: [{ type: "markdown", content: "# Hello" }],
    });
    expect((await client.request("GET", `${instancePath}/pages/nope`)).status).toBe(404);

    const logs = await client.get<InstanceLogs>(`${instancePath}/logs`);
    expect(logs.instanceId).toBe("acme.machine.v1:a");
    expect(logs.entries.some((entry) => entry.operationId === operation.id && entry.event.type === "summary")).toBe(true);

    const operations = await client.get<OperationInfo[]>("/api/projects/demo/operations");
    expect(operations.map((item) => item.id)).toEqual([operation.id]);
  });

  test("an instance with resources cannot be removed; a running operation can be cancelled", async () => {
    const engine = new FakeEngine({ behaviors: { "acme.machine.v1:a": { outputs, resourceCount: 1 } } });
    const { client, server } = await setup(engine);
    expect((await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] })).status).toBe(
      202,
    );
    await server.orchestrator.idle();
    const ws = await client.openSocket("/api/events");
    const snapshot = await client.get<ProjectSnapshot>("/api/projects/demo");
    const removal = await mutate(client, "demo", snapshot.revision, [{ op: "remove-instance", instanceId: "acme.machine.v1:a" }]);
    expect(removal.status).toBe(409);
    expect(removal.json<ApiError>().error).toMatchObject({ field: "mutations.0.instanceId" });
    expect(removal.json<ApiError>().error.message).toContain("destroy it");

    engine.setBehavior("acme.machine.v1:a", { hang: true });
    const refresh = (
      await client.request("POST", "/api/projects/demo/operations", { type: "refresh", instanceIds: ["acme.machine.v1:a"] })
    ).json<OperationInfo>();
    const busy = await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] });
    expect(busy.status).toBe(409);
    const cancelled = await client.request("POST", `/api/operations/${refresh.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(["cancelling", "cancelled"]).toContain(cancelled.json<OperationInfo>().state);
    const final = await nextMessage<ServerEvent>(
      ws,
      (message) => message.type === "operation" && message.operation.id === refresh.id && message.operation.finishedAt !== undefined,
    );
    expect(final).toMatchObject({ operation: { state: "cancelled" } });
    expect((await client.request("POST", "/api/operations/nope/cancel", {})).status).toBe(404);
    ws.close();
  });

  test("operations need an unlocked project and known instances; bad requests name the field", async () => {
    const first = await setup();
    await first.server.close();
    const { client } = await startTestServer({ workspace: first.workspace });
    const locked = await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] });
    expect(locked.status).toBe(409);
    expect(locked.json<ApiError>().error.message).toContain("unlock");
    const badType = await client.request("POST", "/api/projects/demo/operations", { type: "explode", instanceIds: ["acme.machine.v1:a"] });
    expect(badType.json<ApiError>().error).toMatchObject({ code: "bad-request", field: "type" });
    await client.request("POST", "/api/projects/demo/unlock", { password: "correct horse battery" });
    const unknown = await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:ghost"] });
    expect(unknown.status).toBe(404);
  });

  test("offers of a locked project name what cannot be listed until it is unlocked", async () => {
    const first = await setup();
    await first.client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] });
    await first.server.orchestrator.idle();
    await first.server.close({ force: true });
    // A new server does not hold the password: the project is locked, the encrypted terminals unreadable.
    const { client } = await startTestServer({ workspace: first.workspace, engine: first.engine });
    const locked = await client.get<ProjectSnapshot>("/api/projects/demo");
    expect(locked.unlocked).toBe(false);
    expect(locked.offers).toEqual({
      "acme.machine.v1:a": { terminals: [], pages: [{ name: "readme", title: "Read me" }], locked: ["terminals"] },
    });
    const unlocked = await client.request("POST", "/api/projects/demo/unlock", { password: "correct horse battery" });
    expect(unlocked.status, unlocked.text).toBe(200);
    expect(unlocked.json<ProjectSnapshot>().offers).toEqual({
      "acme.machine.v1:a": { terminals: [{ name: "shell", title: "Shell", type: "ssh" }], pages: [{ name: "readme", title: "Read me" }] },
    });
  });

  test("a terminal stored encrypted needs the unlocked project; an unreachable host is reported", async () => {
    const { client, server } = await setup();
    expect((await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] })).status).toBe(
      202,
    );
    await server.orchestrator.idle();
    const missing = await client.request("POST", `${instancePath}/terminals/nope`, {});
    expect(missing.status).toBe(404);
    const opened = await client.request("POST", `${instancePath}/terminals/shell`, { cols: 100, rows: 30 });
    // Port 1 on loopback refuses connections: the SSH error reaches the client as it is.
    expect(opened.status, opened.text).toBe(502);
    expect(opened.text).not.toContain("TERMINAL-SECRET-77cd");
  });

  test("a local terminal opens through the API and is bridged on its WebSocket, which also checks the Origin", async () => {
    const engine = new FakeEngine({
      behaviors: {
        "acme.machine.v1:a": {
          outputs: {
            server: outputs.server,
            $terminals: { value: [{ type: "local", name: "echo", command: ["/bin/echo", "terminal-ok"] }], secret: false },
          },
        },
      },
    });
    const { client, server } = await setup(engine);
    await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] });
    await server.orchestrator.idle();
    const opened = await client.request("POST", `${instancePath}/terminals/echo`, { cols: 80, rows: 24 });
    expect(opened.status, opened.text).toBe(201);
    const session = opened.json<TerminalSession>();
    expect(session.url).toBe(`/api/terminals/${session.sessionId}`);
    await expect(client.openSocket(session.url, { origin: "http://evil.example" })).rejects.toThrow("status 403");
    const ws = await client.openSocket(session.url, { origin: `http://127.0.0.1:${server.port}` });
    const exit = await nextMessage<{ type: string; code?: number }>(ws, (message) => message.type === "exit");
    expect(exit.code).toBe(0);
    expect(binaryReceived(ws).toString("utf8")).toContain("terminal-ok");
  });

  test("close() cancels running operations (forcing them after the grace period), refuses new ones meanwhile and releases the lock", async () => {
    const engine = new FakeEngine({ behaviors: { "acme.machine.v1:a": { hang: true, ignoreGracefulCancel: true } } });
    const { client, server, workspace } = await setup(engine);
    const started = (
      await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] })
    ).json<OperationInfo>();
    expect(started.state).toBe("running");
    const closing = server.close();
    const refused = await client.request("POST", "/api/projects/demo/operations", { type: "preview", instanceIds: ["acme.kube.v1:k"] });
    expect(refused.status).toBe(503);
    expect(server.orchestrator.get(started.id)?.state).toBe("cancelling");
    // The graceful cancel is ignored by this engine; a forced close stops it.
    await server.close({ force: true });
    await closing;
    expect(server.orchestrator.get(started.id)?.state).toBe("cancelled");
    await expect(readFile(join(workspace, ".highstate", "workspace.lock"))).rejects.toThrow();
  });
});
