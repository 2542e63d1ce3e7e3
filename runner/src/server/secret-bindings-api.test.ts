/**
 * Secret bindings over the API: the snapshot names secrets of a file written before bindings existed,
 * a refused unlock names every place that is not bound (and where a moved value came from), and
 * `POST …/secrets/accept` binds them with the password.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AcceptSecretsResponse, ApiError, ProjectSnapshot, RevealSecretResponse } from "@highstate/project/api";
import { beforeAll, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { removeSecretBindings, swapSecureValues } from "../secrets/__fixtures__/secrets-file.js";
import type { ApiClient } from "./__fixtures__/client.js";
import { createProject, mutate, startTestServer } from "./__fixtures__/server.js";
import { ensureContractBuilt } from "./__fixtures__/workspace.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const password = "the right password";
const a = "acme.machine.v1:a";
const b = "acme.machine.v1:b";
const acceptPath = "/api/projects/demo/secrets/accept";
const secretsOf = (id: string) => `/api/projects/demo/instances/${encodeURIComponent(id)}/secrets`;

/** A workspace with project "demo": instances a and b, each with a password secret (bound), the server closed. */
async function twoMachines(): Promise<{ workspace: string; file: string }> {
  const first = await startTestServer();
  await createProject(first.client, "demo", password);
  await mutate(first.client, "demo", 1, [
    { op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } },
    { op: "add-instance", type: "acme.machine.v1", name: "b", args: { endpoint: "b.example" } },
  ]);
  for (const [id, value] of [
    [a, "password-of-a"],
    [b, "password-of-b"],
  ] as const)
    expect((await first.client.request("PUT", secretsOf(id), { set: { password: value } })).status).toBe(200);
  await first.server.close();
  return { workspace: first.workspace, file: join(first.workspace, "Pulumi.demo.yaml") };
}

/** A commit swaps the two ciphertexts (their bindings stay where they were). */
async function swap(file: string): Promise<void> {
  await swapSecureValues(file, { instanceId: a, name: "password" }, { instanceId: b, name: "password" });
}

function bindingsIn(text: string): Record<string, Record<string, string>> | undefined {
  return (parseYaml(text) as { config: Record<string, Record<string, Record<string, string>> | undefined> }).config[
    "highstate:secretBindings"
  ];
}

async function reveal(client: ApiClient, id: string) {
  return client.request("POST", `${secretsOf(id)}/password/reveal`, { password });
}

describe("secret bindings over the API", () => {
  test("a file without bindings: the snapshot names its secrets with the warning; accepting all binds them and the warning is gone", async () => {
    const { workspace, file } = await twoMachines();
    await removeSecretBindings(file, workspace);
    const { client } = await startTestServer({ workspace });

    const locked = await client.get<ProjectSnapshot>("/api/projects/demo");
    expect(locked.unboundSecrets?.places, "listed without the password").toEqual([
      { instanceId: a, name: "password" },
      { instanceId: b, name: "password" },
    ]);
    const unlock = await client.request("POST", "/api/projects/demo/unlock", { password });
    expect(unlock.status, unlock.text).toBe(200);
    const unlocked = unlock.json<ProjectSnapshot>();
    expect(unlocked.unlocked).toBe(true);
    expect(unlocked.unboundSecrets?.places).toEqual(locked.unboundSecrets?.places);
    expect(unlocked.unboundSecrets?.warning).toContain(`"${file}"`);
    expect(unlocked.unboundSecrets?.warning).toContain("2 secrets");

    const accept = await client.request("POST", acceptPath, { password, all: true });
    expect(accept.status, accept.text).toBe(200);
    const body = accept.json<AcceptSecretsResponse>();
    expect(body.accepted).toEqual([
      { instanceId: a, name: "password", kind: "unbound" },
      { instanceId: b, name: "password", kind: "unbound" },
    ]);
    expect(body.remaining).toEqual([]);
    expect(body.project.unlocked).toBe(true);
    expect(body.project.unboundSecrets).toBeUndefined();
    expect(body.project.revision, "clients hear about the change").toBeGreaterThan(unlocked.revision);
    const bindings = bindingsIn(await readFile(file, "utf8"));
    expect(Object.keys(bindings ?? {})).toEqual([a, b]);
    expect(bindings?.[a]?.password).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect((await client.get<ProjectSnapshot>("/api/projects/demo")).unboundSecrets).toBeUndefined();
    expect((await reveal(client, a)).json<RevealSecretResponse>().value).toBe("password-of-a");
  });

  test("a refused unlock names each place, what happened to it and where the value came from; accepting one, then the other, unlocks", async () => {
    const { workspace, file } = await twoMachines();
    await swap(file);
    const { client } = await startTestServer({ workspace });

    const unlock = await client.request("POST", "/api/projects/demo/unlock", { password });
    expect(unlock.status).toBe(409);
    const error = unlock.json<ApiError>().error;
    expect(error.code).toBe("secrets-not-bound");
    expect(error.bindings).toEqual({
      file,
      bindingsRemoved: false,
      places: [
        { instanceId: a, name: "password", kind: "mismatch", movedFrom: { instanceId: b, name: "password" } },
        { instanceId: b, name: "password", kind: "mismatch", movedFrom: { instanceId: a, name: "password" } },
      ],
    });
    expect(unlock.text).not.toContain("password-of-");

    const one = await client.request("POST", acceptPath, { password, instanceId: a, name: "password" });
    expect(one.status, one.text).toBe(200);
    const first = one.json<AcceptSecretsResponse>();
    expect(first.accepted).toEqual([{ instanceId: a, name: "password", kind: "mismatch", movedFrom: { instanceId: b, name: "password" } }]);
    expect(first.remaining).toEqual([
      { instanceId: b, name: "password", kind: "mismatch", movedFrom: { instanceId: a, name: "password" } },
    ]);
    expect(first.project.unlocked, "still locked while a value is not bound").toBe(false);
    expect((await client.request("POST", "/api/projects/demo/unlock", { password })).json<ApiError>().error.bindings?.places).toEqual([
      { instanceId: b, name: "password", kind: "mismatch" },
    ]);

    // Every secret of an instance (no name).
    const rest = await client.request("POST", acceptPath, { password, instanceId: b });
    expect(rest.status, rest.text).toBe(200);
    expect(rest.json<AcceptSecretsResponse>()).toMatchObject({
      accepted: [{ instanceId: b, name: "password", kind: "mismatch" }],
      remaining: [],
      project: { unlocked: true },
    });
    // The values stay where they were moved to.
    expect((await reveal(client, a)).json<RevealSecretResponse>().value).toBe("password-of-b");
    expect((await reveal(client, b)).json<RevealSecretResponse>().value).toBe("password-of-a");
  });

  test("a wrong password is refused and writes nothing; in an unlocked project it stays unlocked", async () => {
    const { workspace, file } = await twoMachines();
    await removeSecretBindings(file, workspace);
    const { client } = await startTestServer({ workspace });
    expect((await client.request("POST", "/api/projects/demo/unlock", { password })).status).toBe(200);
    const before = await readFile(file, "utf8");

    const wrong = await client.request("POST", acceptPath, { password: "a wrong password", all: true });
    expect(wrong.status).toBe(401);
    expect(wrong.json<ApiError>().error.code).toBe("incorrect-password");
    expect(wrong.json<ApiError>().error.message).toContain(`"${file}"`);
    expect(await readFile(file, "utf8")).toBe(before);
    const snapshot = await client.get<ProjectSnapshot>("/api/projects/demo");
    expect(snapshot.unlocked).toBe(true);
    expect(snapshot.unboundSecrets?.places).toHaveLength(2);

    // The password is required even though the project is unlocked: accepting is a trust decision.
    const without = await client.request("POST", acceptPath, { all: true });
    expect(without.status).toBe(400);
    expect(without.json<ApiError>().error.field).toBe("password");
    expect(await readFile(file, "utf8")).toBe(before);
  });

  test("nothing to accept changes nothing; an unknown secret is 404 and a request naming neither all nor an instance is 400", async () => {
    const { workspace, file } = await twoMachines();
    const { client } = await startTestServer({ workspace });
    const before = await readFile(file, "utf8");

    const nothing = await client.request("POST", acceptPath, { password, all: true });
    expect(nothing.status, nothing.text).toBe(200);
    expect(nothing.json<AcceptSecretsResponse>()).toMatchObject({ accepted: [], remaining: [], project: { unlocked: true } });
    expect(nothing.json<AcceptSecretsResponse>().project.unboundSecrets).toBeUndefined();
    expect(await readFile(file, "utf8")).toBe(before);

    const unknown = await client.request("POST", acceptPath, { password, instanceId: a, name: "token" });
    expect(unknown.status).toBe(404);
    expect(unknown.json<ApiError>().error).toMatchObject({ code: "not-found" });
    expect(unknown.json<ApiError>().error.message).toContain(`has no secret "token" of "${a}" (it has "password")`);

    const neither = await client.request("POST", acceptPath, { password });
    expect(neither.status).toBe(400);
    expect(neither.json<ApiError>().error.field).toBe("instanceId");
    const both = await client.request("POST", acceptPath, { password, all: true, instanceId: a });
    expect(both.status).toBe(400);
    const nameOnly = await client.request("POST", acceptPath, { password, name: "password" });
    expect(nameOnly.status).toBe(400);
    expect(await readFile(file, "utf8")).toBe(before);
  });
});
