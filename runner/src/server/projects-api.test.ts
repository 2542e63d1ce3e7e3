import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApiError, ProjectList, ProjectSnapshot } from "@highstate/project/api";
import { beforeAll, describe, expect, test } from "vitest";
import { nextMessage } from "./__fixtures__/client.js";
import { createProject, mutate, startTestServer } from "./__fixtures__/server.js";
import { ensureContractBuilt } from "./__fixtures__/workspace.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const machine = (name: string, args: Record<string, unknown> = { endpoint: `${name}.example` }) => ({
  op: "add-instance",
  type: "acme.machine.v1",
  name,
  args,
});

describe("projects", () => {
  test("create with a password, list, read, and the project file on disk", async () => {
    const { client, workspace } = await startTestServer();
    const created = await createProject(client, "demo");
    expect(created).toMatchObject({
      name: "demo",
      revision: 1,
      unlocked: true,
      project: { version: 1, instances: [], hubs: [] },
      problems: [],
    });
    expect(await client.get<ProjectList>("/api/projects")).toEqual({ projects: [{ name: "demo", instanceCount: 0, unlocked: true }] });
    expect(JSON.parse(await readFile(join(workspace, "projects", "demo.json"), "utf8"))).toEqual({ version: 1 });
    const secretsFile = await readFile(join(workspace, "Pulumi.demo.yaml"), "utf8");
    expect(secretsFile).toMatch(/^encryptionsalt: v1:/m);
  });

  test("request bodies are validated and errors name the field", async () => {
    const { client } = await startTestServer();
    const short = await client.request("POST", "/api/projects", { name: "demo", password: "short" });
    expect(short.status).toBe(400);
    expect(short.json<ApiError>().error).toMatchObject({ code: "bad-request", field: "password" });
    const badName = await client.request("POST", "/api/projects", { name: "Demo!", password: "long enough" });
    expect(badName.json<ApiError>().error.field).toBe("name");
    const extra = await client.request("POST", "/api/projects", { name: "demo", password: "long enough", admin: true });
    expect(extra.status).toBe(400);
    expect(extra.json<ApiError>().error.message).toContain('"admin"');
    const notJson = await client.request("POST", "/api/projects", "{oops", { "content-type": "application/json" });
    expect(notJson.status).toBe(400);
    await createProject(client, "demo");
    const again = await client.request("POST", "/api/projects", { name: "demo", password: "long enough" });
    expect(again.status).toBe(409);
    expect((await client.request("GET", "/api/projects/nope")).status).toBe(404);
  });

  test("a fresh server sees the project locked; a wrong password is 401, the right one unlocks", async () => {
    const first = await startTestServer();
    await createProject(first.client, "demo", "the right password");
    await first.server.close();
    const { client } = await startTestServer({ workspace: first.workspace });
    expect((await client.get<ProjectSnapshot>("/api/projects/demo")).unlocked).toBe(false);
    const wrong = await client.request("POST", "/api/projects/demo/unlock", { password: "the wrong password" });
    expect(wrong.status).toBe(401);
    expect(wrong.json<ApiError>().error.code).toBe("incorrect-password");
    const right = await client.request("POST", "/api/projects/demo/unlock", { password: "the right password" });
    expect(right.status).toBe(200);
    expect(right.json<ProjectSnapshot>().unlocked).toBe(true);
  });

  test("a project file this version cannot read is listed with the reason, refused with 422 and left untouched", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client, "good");
    const file = join(workspace, "projects", "broken.json");
    await writeFile(file, '{ "version": 1, "instances": [ ');
    const list = await client.get<ProjectList>("/api/projects");
    expect(list.projects.map((project) => project.name)).toEqual(["broken", "good"]);
    expect(list.projects[0]!.unreadable).toContain("broken.json");
    const read = await client.request("GET", "/api/projects/broken");
    expect(read.status).toBe(422);
    expect(read.json<ApiError>().error.code).toBe("unreadable");
    expect((await mutate(client, "broken", 1, [{ op: "add-hub", hubId: "hub:x" }])).status).toBe(422);
    expect(await readFile(file, "utf8")).toBe('{ "version": 1, "instances": [ ');
  });

  test("rename moves the project file and its secrets", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client, "demo");
    const renamed = await client.request("POST", "/api/projects/demo/rename", { newName: "prod" });
    expect(renamed.status).toBe(200);
    expect(renamed.json<ProjectSnapshot>()).toMatchObject({ name: "prod", unlocked: true });
    await expect(readFile(join(workspace, "projects", "prod.json"), "utf8")).resolves.toContain('"version"');
    await expect(readFile(join(workspace, "Pulumi.prod.yaml"), "utf8")).resolves.toContain("encryptionsalt");
    await expect(readFile(join(workspace, "projects", "demo.json"))).rejects.toThrow();
  });
});

describe("mutations", () => {
  test("a batch applies atomically, bumps the revision and is broadcast", async () => {
    const { client } = await startTestServer();
    await createProject(client);
    const ws = await client.openSocket("/api/events");
    const response = await mutate(client, "demo", 1, [
      machine("a"),
      machine("b"),
      { op: "add-instance", type: "acme.kube.v1", name: "k", position: { x: 10, y: 20 } },
      { op: "connect", instanceId: "acme.kube.v1:k", input: "servers", source: { instanceId: "acme.machine.v1:a", output: "server" } },
      { op: "add-hub", hubId: "hub:all", title: "All" },
      { op: "connect-hub", hubId: "hub:all", source: { instanceId: "acme.machine.v1:b", output: "server" } },
      { op: "inject-hub", instanceId: "acme.kube.v1:k", hubId: "hub:all" },
      { op: "move", nodeId: "hub:all", position: { x: 5, y: 6 } },
      { op: "set-args", instanceId: "acme.machine.v1:b", args: { endpoint: "b.example", port: 2222 } },
      { op: "rename-instance", instanceId: "acme.machine.v1:b", newName: "bee" },
    ]);
    expect(response.status, response.text).toBe(200);
    const snapshot = response.json<ProjectSnapshot>();
    expect(snapshot.revision).toBe(2);
    expect(snapshot.project.instances.map((instance) => instance.id).sort()).toEqual([
      "acme.kube.v1:k",
      "acme.machine.v1:a",
      "acme.machine.v1:bee",
    ]);
    const kube = snapshot.project.instances.find((instance) => instance.id === "acme.kube.v1:k")!;
    expect(kube.inputs).toEqual({ servers: [{ instanceId: "acme.machine.v1:a", output: "server" }] });
    expect(kube.injectionInputs).toEqual(["hub:all"]);
    expect(snapshot.project.hubs[0]).toMatchObject({
      id: "hub:all",
      title: "All",
      inputs: [{ instanceId: "acme.machine.v1:bee", output: "server" }],
      position: { x: 5, y: 6 },
    });
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.statuses["acme.machine.v1:a"]).toMatchObject({ state: "not-created", outdated: false });
    expect(await nextMessage(ws, (message: { type: string }) => message.type === "project-changed")).toEqual({
      type: "project-changed",
      project: "demo",
      revision: 2,
    });
    ws.close();
  });

  test("a stale revision gets 409 with the current revision, and nothing changes", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client);
    expect((await mutate(client, "demo", 1, [machine("a")])).status).toBe(200);
    const file = join(workspace, "projects", "demo.json");
    const before = await readFile(file, "utf8");
    const stale = await mutate(client, "demo", 1, [{ op: "remove-instance", instanceId: "acme.machine.v1:a" }, machine("c")]);
    expect(stale.status).toBe(409);
    expect(stale.json<ApiError>().error).toMatchObject({ code: "conflict", revision: 2 });
    expect(await readFile(file, "utf8")).toBe(before);
    expect((await client.get<ProjectSnapshot>("/api/projects/demo")).revision).toBe(2);
  });

  test("mutations are validated against the registry, naming the mutation and field; nothing of the batch is kept", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client);
    const file = join(workspace, "projects", "demo.json");
    const before = await readFile(file, "utf8");
    const cases: Array<[unknown[], string]> = [
      [[{ op: "add-instance", type: "acme.nothing.v1", name: "x" }], "mutations.0.type"],
      [[machine("a"), machine("a")], "mutations.1.name"],
      [[machine("a", { endpoint: "x", port: 70000 })], "mutations.0.args.port"],
      [[machine("a", { endpoint: "x", colour: "red" })], "mutations.0.args"],
      [[machine("Bad Name")], "mutations.0.name"],
      [
        [
          machine("a"),
          { op: "add-instance", type: "acme.kube.v1", name: "k" },
          { op: "connect", instanceId: "acme.kube.v1:k", input: "nope", source: { instanceId: "acme.machine.v1:a", output: "server" } },
        ],
        "mutations.2.input",
      ],
      [[{ op: "remove-instance", instanceId: "acme.machine.v1:ghost" }], "mutations.0.instanceId"],
      [[{ op: "teleport" }], "mutations.0.op"],
    ];
    for (const [mutations, field] of cases) {
      const response = await mutate(client, "demo", 1, mutations);
      expect(response.status, JSON.stringify(mutations)).toBe(400);
      const error = response.json<ApiError>().error;
      expect(error.field?.startsWith(field), `${error.field} for ${JSON.stringify(mutations)}`).toBe(true);
    }
    expect(await readFile(file, "utf8")).toBe(before);
    expect((await client.get<ProjectSnapshot>("/api/projects/demo")).revision).toBe(1);
  });

  test("an edit made on disk bumps the revision, so a client holding the old one gets 409", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client);
    await writeFile(join(workspace, "projects", "demo.json"), `${JSON.stringify({ version: 1, hubs: [{ id: "hub:x" }] }, null, 2)}\n`);
    expect((await mutate(client, "demo", 1, [machine("a")])).status).toBe(409);
    const snapshot = await client.get<ProjectSnapshot>("/api/projects/demo");
    expect(snapshot.revision).toBe(2);
    expect(snapshot.project.hubs.map((hub) => hub.id)).toEqual(["hub:x"]);
  });

  test("validation problems appear in the snapshot", async () => {
    const { client } = await startTestServer();
    await createProject(client);
    const snapshot = (await mutate(client, "demo", 1, [{ op: "add-instance", type: "acme.kube.v1", name: "k" }])).json<ProjectSnapshot>();
    expect(snapshot.problems).toEqual([expect.objectContaining({ code: "missing-input", instanceId: "acme.kube.v1:k", input: "servers" })]);
  });
});
