import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ApiError,
  type InstanceSecretsInfo,
  type ProjectSnapshot,
  type RevealSecretResponse,
  revealWithoutPasswordMs,
} from "@highstate/project/api";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { parseDocument, parse as parseYaml } from "yaml";
import { createProject, mutate, startTestServer } from "./__fixtures__/server.js";
import { ensureContractBuilt } from "./__fixtures__/workspace.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const sentinel = "SENTINEL-hunter2-7f3a9c";
const secretsPath = "/api/projects/demo/instances/acme.machine.v1%3Aa/secrets";

/** Every file under `dir` except `node_modules`, as path → content. */
async function workspaceFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || path.includes(`${join(dir, "node_modules")}`)) continue;
    files.set(path, await readFile(path, "utf8"));
  }
  return files;
}

/** Collects every leaf under an object, with its path. */
function leaves(value: unknown, path: string[] = []): Array<[string, unknown]> {
  if (value === null || typeof value !== "object") return [[path.join("."), value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, [...path, key]));
}

describe("secrets over the API", () => {
  test("a secret set through the API is never returned, is stored only as a secure value, and can be revealed on request", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client);
    expect(
      (await mutate(client, "demo", 1, [{ op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } }]))
        .status,
    ).toBe(200);

    const set = await client.request("PUT", secretsPath, { set: { password: sentinel } });
    expect(set.status, set.text).toBe(200);
    expect(set.json<InstanceSecretsInfo>()).toEqual({ instanceId: "acme.machine.v1:a", secrets: ["password"] });
    expect(set.text).not.toContain(sentinel);

    const snapshot = await client.request("GET", "/api/projects/demo");
    expect(snapshot.json<ProjectSnapshot>().secrets).toEqual({ "acme.machine.v1:a": ["password"] });
    expect(snapshot.json<ProjectSnapshot>().revision, "setting a secret is a change clients hear about").toBe(3);
    expect(snapshot.text).not.toContain(sentinel);
    const details = await client.request("GET", "/api/projects/demo/instances/acme.machine.v1%3Aa/details");
    expect(details.status).toBe(200);
    expect(details.text).not.toContain(sentinel);

    const yamlText = await readFile(join(workspace, "Pulumi.demo.yaml"), "utf8");
    expect(yamlText).not.toContain(sentinel);
    const document = parseYaml(yamlText) as { encryptionsalt: string; config: Record<string, unknown> };
    expect(document.encryptionsalt).toMatch(/^v1:/);
    // Besides the secure values, only their bindings (HMACs, not secret) are stored.
    const bindingLeaves = leaves(document.config).filter(([path]) => path.startsWith("highstate:secretBindings."));
    expect(bindingLeaves.map(([path]) => path)).toEqual(["highstate:secretBindings.acme.machine.v1:a.password"]);
    for (const [, value] of bindingLeaves) expect(String(value)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    const secretLeaves = leaves(document.config).filter(([path]) => !path.startsWith("highstate:secretBindings."));
    expect(secretLeaves.length).toBeGreaterThan(0);
    for (const [path, value] of secretLeaves) {
      expect(path, "every config value is a secure value").toMatch(/\.secure$/);
      expect(String(value)).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    }
    expect(secretLeaves.map(([path]) => path)).toEqual(["highstate:secrets.acme.machine.v1:a.password.secure"]);
    for (const [file, content] of await workspaceFiles(workspace)) expect(content, file).not.toContain(sentinel);

    const revealed = await client.request("POST", `${secretsPath}/password/reveal`);
    expect(revealed.status).toBe(200);
    expect(revealed.json<RevealSecretResponse>()).toEqual({ name: "password", value: sentinel });

    const cleared = await client.request("PUT", secretsPath, { clear: ["password"] });
    expect(cleared.json<InstanceSecretsInfo>().secrets).toEqual([]);
    expect((await client.request("POST", `${secretsPath}/password/reveal`)).status).toBe(404);
  });

  test("secret names and values are checked against the component", async () => {
    const { client } = await startTestServer();
    await createProject(client);
    await mutate(client, "demo", 1, [{ op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } }]);
    const unknown = await client.request("PUT", secretsPath, { set: { colour: "red" } });
    expect(unknown.status).toBe(400);
    expect(unknown.json<ApiError>().error).toMatchObject({ field: "set.colour" });
    expect(unknown.json<ApiError>().error.message).toContain('"password"');
    const missing = await client.request("PUT", "/api/projects/demo/instances/acme.machine.v1%3Aghost/secrets", { set: { password: "x" } });
    expect(missing.status).toBe(404);
  });

  test("a locked project refuses to set or reveal secrets", async () => {
    const first = await startTestServer();
    await createProject(first.client, "demo", "the right password");
    await mutate(first.client, "demo", 1, [{ op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } }]);
    await first.client.request("PUT", secretsPath, { set: { password: sentinel } });
    await first.server.close();
    const { client } = await startTestServer({ workspace: first.workspace });
    const snapshot = await client.get<ProjectSnapshot>("/api/projects/demo");
    expect(snapshot.unlocked).toBe(false);
    expect(snapshot.secrets).toEqual({ "acme.machine.v1:a": ["password"] });
    const set = await client.request("PUT", secretsPath, { set: { password: "other" } });
    expect(set.status).toBe(423);
    expect((await client.request("POST", `${secretsPath}/password/reveal`)).status).toBe(423);
    await client.request("POST", "/api/projects/demo/unlock", { password: "the right password" });
    expect((await client.request("POST", `${secretsPath}/password/reveal`)).json<RevealSecretResponse>().value).toBe(sentinel);
  });

  test("revealing asks for the password again once a minute has passed since it was entered, and checks it", async () => {
    const { client } = await startTestServer();
    await createProject(client, "demo", "the right password");
    await mutate(client, "demo", 1, [{ op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } }]);
    await client.request("PUT", secretsPath, { set: { password: sentinel } });
    const reveal = (body: unknown = {}) => client.request("POST", `${secretsPath}/password/reveal`, body);
    expect((await reveal()).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + revealWithoutPasswordMs + 1000 });
    try {
      // Still unlocked (units can run), but the plaintext needs the password.
      expect((await client.get<ProjectSnapshot>("/api/projects/demo")).unlocked).toBe(true);
      const required = await reveal();
      expect(required.status).toBe(401);
      expect(required.json<ApiError>().error).toMatchObject({ code: "password-required", field: "password" });
      expect(required.text).not.toContain(sentinel);
      const wrong = await reveal({ password: "a wrong password" });
      expect(wrong.status).toBe(401);
      expect(wrong.json<ApiError>().error.code).toBe("incorrect-password");
      expect(wrong.text).not.toContain(sentinel);
      const right = await reveal({ password: "the right password" });
      expect(right.json<RevealSecretResponse>().value).toBe(sentinel);
      // Entering it opens the window again.
      expect((await reveal()).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  test("values moved between places on disk lock the project: unlock, reveal and runs are refused naming the file, instance and secret", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client, "demo", "the right password");
    await mutate(client, "demo", 1, [
      { op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } },
      { op: "add-instance", type: "acme.machine.v1", name: "b", args: { endpoint: "b.example" } },
    ]);
    const pathOf = (name: string) => `/api/projects/demo/instances/acme.machine.v1%3A${name}/secrets`;
    expect((await client.request("PUT", pathOf("a"), { set: { password: "password-of-a" } })).status).toBe(200);
    expect((await client.request("PUT", pathOf("b"), { set: { password: "password-of-b" } })).status).toBe(200);

    // A commit swaps the two ciphertexts.
    const file = join(workspace, "Pulumi.demo.yaml");
    const doc = parseDocument(await readFile(file, "utf8"));
    const at = (name: string) => ["config", "highstate:secrets", `acme.machine.v1:${name}`, "password", "secure"];
    const a = doc.getIn(at("a"));
    doc.setIn(at("a"), doc.getIn(at("b")));
    doc.setIn(at("b"), a);
    await writeFile(file, doc.toString());

    const snapshot = await client.get<ProjectSnapshot>("/api/projects/demo");
    expect(snapshot.unlocked, "the swap is noticed on the next read and locks the project").toBe(false);
    const reveal = await client.request("POST", `${pathOf("a")}/password/reveal`, { password: "the right password" });
    expect(reveal.status).not.toBe(200);
    expect(reveal.text).not.toContain("password-of-");
    const unlock = await client.request("POST", "/api/projects/demo/unlock", { password: "the right password" });
    expect(unlock.status).toBe(409);
    const error = unlock.json<ApiError>().error;
    expect(error.code).toBe("secrets-not-bound");
    expect(error.message).toContain(`"${file}"`);
    expect(error.message).toContain('secret "password" of "acme.machine.v1:a" does not match its binding');
    expect(error.message).toContain("highstate secrets accept");
    expect(unlock.text).not.toContain("password-of-");
    const run = await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] });
    expect(run.status).toBeGreaterThanOrEqual(400);
    // A rename would need to re-bind the secrets, which needs the key.
    const rename = await mutate(client, "demo", snapshot.revision, [
      { op: "rename-instance", instanceId: "acme.machine.v1:a", newName: "c" },
    ]);
    expect(rename.status).toBe(423);
    expect(rename.json<ApiError>().error.message).toContain("acme.machine.v1:a");
  });

  test("renaming an instance in an unlocked project moves its secrets with their bindings", async () => {
    const { client, workspace } = await startTestServer();
    await createProject(client, "demo", "the right password");
    await mutate(client, "demo", 1, [{ op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } }]);
    await client.request("PUT", secretsPath, { set: { password: sentinel } });
    const revision = (await client.get<ProjectSnapshot>("/api/projects/demo")).revision;
    const rename = await mutate(client, "demo", revision, [{ op: "rename-instance", instanceId: "acme.machine.v1:a", newName: "c" }]);
    expect(rename.status, rename.text).toBe(200);
    const document = parseYaml(await readFile(join(workspace, "Pulumi.demo.yaml"), "utf8")) as {
      config: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.config["highstate:secretBindings"]!)).toEqual(["acme.machine.v1:c"]);
    const revealed = await client.request("POST", "/api/projects/demo/instances/acme.machine.v1%3Ac/secrets/password/reveal");
    expect(revealed.json<RevealSecretResponse>().value).toBe(sentinel);
  });
});
