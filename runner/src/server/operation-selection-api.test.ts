/**
 * The designer's "Run with dependencies" and "Run everything outdated" (the selection route: what an
 * operation would run, in order) and its structured preview (what `up` would do per resource).
 */

import type { ApiError, InstanceLogs, OperationInfo, OperationSelection, ProjectSnapshot } from "@highstate/project/api";
import { beforeAll, describe, expect, test } from "vitest";
import { FakeEngine } from "../testing/index.js";
import { createProject, mutate, startTestServer } from "./__fixtures__/server.js";
import { ensureContractBuilt } from "./__fixtures__/workspace.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const A = "acme.machine.v1:a";
const B = "acme.machine.v1:b";
const Z = "acme.machine.v1:z";
const K = "acme.kube.v1:k";
const J = "acme.kube.v1:j";

/** Machines a, b, z; kube k takes servers from a; kube j from a and b. */
async function setup(engine = new FakeEngine({ defaultBehavior: { resourceCount: 2 } })) {
  const started = await startTestServer({ engine });
  await createProject(started.client);
  const added = await mutate(started.client, "demo", 1, [
    { op: "add-instance", type: "acme.kube.v1", name: "j" },
    { op: "add-instance", type: "acme.machine.v1", name: "z", args: { endpoint: "z.example" } },
    { op: "add-instance", type: "acme.machine.v1", name: "b", args: { endpoint: "b.example" } },
    { op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } },
    { op: "add-instance", type: "acme.kube.v1", name: "k" },
    { op: "connect", instanceId: K, input: "servers", source: { instanceId: A, output: "server" } },
    { op: "connect", instanceId: J, input: "servers", source: { instanceId: A, output: "server" } },
    { op: "connect", instanceId: J, input: "servers", source: { instanceId: B, output: "server" } },
  ]);
  expect(added.status, added.text).toBe(200);
  return { ...started, revision: added.json<ProjectSnapshot>().revision };
}

async function run(client: Awaited<ReturnType<typeof setup>>["client"], body: Record<string, unknown>): Promise<OperationInfo> {
  const started = await client.request("POST", "/api/projects/demo/operations", body);
  expect(started.status, started.text).toBe(202);
  const operation = started.json<OperationInfo>();
  for (;;) {
    const list = await client.get<OperationInfo[]>("/api/projects/demo/operations");
    const current = list.find((item) => item.id === operation.id)!;
    if (current.finishedAt !== undefined) return current;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function select(client: Awaited<ReturnType<typeof setup>>["client"], body: Record<string, unknown>) {
  return client.request("POST", "/api/projects/demo/operations/selection", body);
}

describe("the selection route", () => {
  test("lists an instance's dependencies that need a run first, in the order the operation then runs them", async () => {
    const { client } = await setup();
    const response = await select(client, { type: "up", instanceIds: [J], includeDependencies: true });
    expect(response.status, response.text).toBe(200);
    const selection = response.json<OperationSelection>();
    expect(selection.layers).toEqual([[B, A], [J]]);
    expect(selection.instanceIds).toEqual([B, A, J]);
    expect(selection.instances).toEqual([
      { id: B, layer: 0, requested: false, reasons: ["not created"] },
      { id: A, layer: 0, requested: false, reasons: ["not created"] },
      { id: J, layer: 1, requested: true, reasons: ["not created"] },
    ]);
    expect(selection.excluded).toEqual([]);

    // Starting with exactly these instances runs them in exactly this order.
    const operation = await run(client, { type: "up", instanceIds: selection.instanceIds });
    expect(operation.instanceIds).toEqual(selection.instanceIds);
    expect(operation.state).toBe("completed");

    // Now created and up to date: only j itself is left to run (it was asked for).
    const again = (await select(client, { type: "up", instanceIds: [J], includeDependencies: true })).json<OperationSelection>();
    expect(again.instances).toEqual([{ id: J, layer: 0, requested: true, reasons: [] }]);
  });

  test("selects every instance that is not created or is outdated, with why, like `highstate up --outdated`", async () => {
    const { client, revision } = await setup();
    await run(client, { type: "up", instanceIds: [A, K], includeDependencies: true });
    const edited = await mutate(client, "demo", revision, [{ op: "set-args", instanceId: A, args: { endpoint: "a2.example" } }]);
    expect(edited.status, edited.text).toBe(200);

    const selection = (await select(client, { outdated: true })).json<OperationSelection>();
    expect(selection.type).toBe("up");
    expect(selection.layers).toEqual([
      [Z, B, A],
      [J, K],
    ]);
    const byId = Object.fromEntries(selection.instances.map((item) => [item.id, item]));
    expect(byId[A]).toEqual({ id: A, layer: 0, requested: true, reasons: ["args changed"] });
    expect(byId[K]).toEqual({ id: K, layer: 1, requested: true, reasons: ['upstream "acme.machine.v1:a" is outdated'] });
    expect(byId[Z]!.reasons).toEqual(["not created"]);
    const operation = await run(client, { type: "up", instanceIds: selection.instanceIds });
    expect(operation.instanceIds).toEqual(selection.instanceIds);

    const nothing = (await select(client, { outdated: true })).json<OperationSelection>();
    expect(nothing).toEqual({ type: "up", instanceIds: [], layers: [], instances: [], excluded: [] });
  });

  test("leaves out outdated instances that cannot run and says why", async () => {
    const { client, revision } = await setup();
    // A kube without servers (a required input) cannot run.
    const broken = await mutate(client, "demo", revision, [{ op: "add-instance", type: "acme.kube.v1", name: "lonely" }]);
    expect(broken.status, broken.text).toBe(200);
    const selection = (await select(client, { outdated: true })).json<OperationSelection>();
    expect(selection.instanceIds).toEqual([Z, B, A, J, K]);
    expect(selection.excluded).toEqual([{ id: "acme.kube.v1:lonely", reason: expect.stringContaining("servers") }]);
  });

  test("a run without dependencies is refused with the designer's way to include them", async () => {
    const { client } = await setup();
    const refused = await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: [K] });
    expect(refused.status).toBe(409);
    const error = refused.json<ApiError>().error;
    expect(error.code).toBe("needs-dependencies");
    expect(error.message).toContain(`"${K}" takes inputs from "${A}", which is not created`);
    expect(error.message).toContain('"Run with dependencies"');
    // The selection without dependencies says the same.
    const selection = await select(client, { instanceIds: [K] });
    expect(selection.status).toBe(409);
    expect(selection.json<ApiError>().error.code).toBe("needs-dependencies");
  });

  test("rejects unknown instances and ambiguous requests", async () => {
    const { client } = await setup();
    const unknown = await select(client, { instanceIds: ["acme.machine.v1:nope"] });
    expect(unknown.status).toBe(404);
    expect(unknown.json<ApiError>().error.message).toContain('no instance "acme.machine.v1:nope"');
    const both = await select(client, { instanceIds: [A], outdated: true });
    expect(both.status).toBe(400);
    expect(both.json<ApiError>().error).toMatchObject({ field: "instanceIds", message: expect.stringContaining("not both") });
    const neither = await select(client, {});
    expect(neither.status).toBe(400);
  });
});

describe("the structured preview", () => {
  test("a preview reports per instance what up would create, update, replace or delete, without values", async () => {
    const engine = new FakeEngine({ defaultBehavior: { resourceCount: 2 } });
    const { client } = await setup(engine);
    const fresh = await run(client, { type: "preview", instanceIds: [A] });
    expect(fresh.previews?.[A]).toEqual({
      changes: [
        { kind: "create", urn: expect.stringContaining("::fake:index:Resource::a-1"), type: "fake:index:Resource", name: "a-1" },
        { kind: "create", urn: expect.stringContaining("::fake:index:Resource::a-2"), type: "fake:index:Resource", name: "a-2" },
      ],
      counts: { create: 2, update: 0, replace: 0, delete: 0, import: 0 },
      unchanged: 0,
    });

    await run(client, { type: "up", instanceIds: [A] });
    engine.setBehavior(A, {
      steps: [
        { op: "replace", type: "acme:index:Disk", name: "data", keys: ["size"], diffs: ["size", "labels"] },
        { op: "update", type: "acme:index:Dns", name: "record", diffs: ["ttl"] },
      ],
      resourceCount: 3,
    });
    const preview = await run(client, { type: "preview", instanceIds: [A] });
    expect(preview.state).toBe("completed");
    expect(preview.previews?.[A]).toEqual({
      changes: [
        {
          kind: "replace",
          urn: expect.stringContaining("::acme:index:Disk::data"),
          type: "acme:index:Disk",
          name: "data",
          changedKeys: ["size", "labels"],
          replaceKeys: ["size"],
        },
        {
          kind: "update",
          urn: expect.stringContaining("::acme:index:Dns::record"),
          type: "acme:index:Dns",
          name: "record",
          changedKeys: ["ttl"],
        },
      ],
      counts: { create: 0, update: 1, replace: 1, delete: 0, import: 0 },
      unchanged: 1,
    });
    // The instance's log warns about the replacement.
    const logs = await client.get<InstanceLogs>(`/api/projects/demo/instances/${encodeURIComponent(A)}/logs`);
    expect(logs.entries.map((entry) => entry.event)).toContainEqual({
      type: "diagnostic",
      severity: "warning",
      message: 'up would replace acme:index:Disk "data" because "size" changed: the old resource is deleted, with whatever it holds.',
    });
  });
});
