import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ensureContractBuilt } from "../../registry/__fixtures__/plugin-workspace.js";
import { editSecretsFile, removeSecretBindings, securePath, swapSecureValues } from "../../secrets/__fixtures__/secrets-file.js";
import { cliWorkspace, runCli } from "../__fixtures__/cli-harness.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const env = { HIGHSTATE_PASSWORD: "correct horse" };
const web = "acme.machine.v1:web";
const db = "acme.machine.v1:db";

/** Project "prod": machines "web" and "db", each with a secret "token" set through the CLI. */
async function twoMachines(): Promise<{ dir: string; file: string }> {
  const dir = await cliWorkspace({ project: "prod" });
  for (const name of ["web", "db"]) {
    expect((await runCli(["instances", "add", "acme.machine.v1", name], { cwd: dir })).code).toBe(0);
    expect((await runCli(["secrets", "set", name, "token"], { cwd: dir, env, stdin: `token-of-${name}` })).code).toBe(0);
  }
  return { dir, file: join(dir, "Pulumi.prod.yaml") };
}

const tokenPath = (instanceId: string) => securePath(instanceId, "token");

async function swapTokens(file: string): Promise<void> {
  await swapSecureValues(file, { instanceId: web, name: "token" }, { instanceId: db, name: "token" });
}

describe("secrets bound to their place, on the command line", () => {
  it("every command that reads secrets refuses swapped values, naming the file, the instance and the secret; nothing is written", async () => {
    const { dir, file } = await twoMachines();
    await swapTokens(file);
    const before = await readFile(file);
    const withEnv = { ...env, HIGHSTATE_NEW_PASSWORD: "new horse", HIGHSTATE_ENGINE: "fake" };
    for (const [argv, stdin] of [
      [["secrets", "get", "web", "token"]],
      [["secrets", "set", "web", "token"], "new value"],
      [["secrets", "delete", "db", "token"]],
      [["secrets", "change-password"]],
      [["plan"]],
      [["up", "web"]],
      [["preview", "--all"]],
      [["instances", "rename", "web", "www"]],
    ] as Array<[string[], string?]>) {
      const run = await runCli(argv, { cwd: dir, env: withEnv, ...(stdin !== undefined ? { stdin } : {}) });
      const what = `${argv.join(" ")}: ${run.stdout}${run.stderr}`;
      expect(run.code, what).not.toBe(0);
      expect(run.stderr, what).toContain(`The secrets in "${file}" are not bound to their place`);
      expect(run.stderr, what).toContain(`secret "token" of "${db}" does not match its binding`);
      expect(run.stderr, what).toContain(`secret "token" of "${web}" does not match its binding`);
      expect(run.stderr, what).toContain(`highstate secrets accept ${db} token`);
      expect(run.stderr, what).not.toMatch(/\n\s+at /);
      expect(`${run.stdout}${run.stderr}`, what).not.toContain("token-of-");
      expect(Buffer.compare(await readFile(file), before), what).toBe(0);
    }
    // Listing names needs no password and reads no value.
    expect((await runCli(["secrets", "list"], { cwd: dir })).code).toBe(0);
  });

  it("refuses a value edited by hand; `secrets accept` binds it after checking the password, then it reads", async () => {
    const { dir, file } = await twoMachines();
    const yaml = parse(await readFile(file, "utf8")) as { config: Record<string, Record<string, Record<string, { secure: string }>>> };
    // Replace web's token with an older ciphertext of db's (valid under the project key).
    await editSecretsFile(file, (doc) => doc.setIn(tokenPath(web), yaml.config["highstate:secrets"]![db]!.token!.secure));
    const refused = await runCli(["secrets", "get", "web", "token"], { cwd: dir, env });
    expect(refused.code).toBe(1);
    // db's binding covers that ciphertext, so the error says where it came from (db itself is fine).
    expect(refused.stderr).toContain(
      `secret "token" of "${web}" does not match its binding (it holds the value of secret "token" of "${db}": moved or copied here)`,
    );
    expect(refused.stderr).not.toContain(`secret "token" of "${db}" does not match`);

    const wrong = await runCli(["secrets", "accept", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "wrong" } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password .*is incorrect/);
    const accepted = await runCli(["secrets", "accept", "web", "token"], { cwd: dir, env });
    expect(accepted).toEqual({
      code: 0,
      stdout: `Accepted secret "token" of "${web}" (moved or edited) and bound it to its place.\n`,
      stderr: "",
    });
    expect(await runCli(["secrets", "get", "web", "token"], { cwd: dir, env })).toEqual({ code: 0, stdout: "token-of-db\n", stderr: "" });
    expect(await runCli(["secrets", "accept", "--all"], { cwd: dir, env })).toEqual({
      code: 0,
      stdout: "Nothing to accept: every secret in Pulumi.prod.yaml is bound to its place.\n",
      stderr: "",
    });
  });

  it("accepts a swap one secret at a time or with --all, and checks its arguments", async () => {
    const { dir, file } = await twoMachines();
    await swapTokens(file);
    const one = await runCli(["secrets", "accept", "web", "token"], { cwd: dir, env });
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(`Accepted secret "token" of "${web}" (moved or edited) and bound it to its place.\n`);
    expect(one.stderr).toContain(
      `Still not bound (commands that read secrets refuse the project until these are restored or accepted): "token" of "${db}".`,
    );
    expect((await runCli(["secrets", "get", "web", "token"], { cwd: dir, env })).code).toBe(1);
    const all = await runCli(["secrets", "accept", "--all"], { cwd: dir, env });
    expect(all.stdout).toBe(`Accepted secret "token" of "${db}" (moved or edited) and bound it to its place.\n`);
    expect((await runCli(["secrets", "get", "web", "token"], { cwd: dir, env })).stdout).toBe("token-of-db\n");
    expect((await runCli(["secrets", "get", "db", "token"], { cwd: dir, env })).stdout).toBe("token-of-web\n");

    expect((await runCli(["secrets", "accept"], { cwd: dir, env })).code).toBe(2);
    expect((await runCli(["secrets", "accept", "web", "--all"], { cwd: dir, env })).code).toBe(2);
    const missing = await runCli(["secrets", "accept", "web", "nope"], { cwd: dir, env });
    // A name the file lacks is a usage error (exit 2), like an unknown instance.
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `Error: "${file}" has no secret "nope" of "${web}" (it has "token"); nothing was accepted. Check the instance id and secret name.\n`,
    ]);
  });

  it("warns about a file written before bindings existed until the first write binds it", async () => {
    const { dir, file } = await twoMachines();
    // An older Highstate wrote no bindings.
    await removeSecretBindings(file);
    // This workspace has seen the file bound, so removing every binding is refused here…
    const stripped = await runCli(["secrets", "get", "web", "token"], { cwd: dir, env });
    expect(stripped.code).toBe(1);
    expect(stripped.stderr).toContain('the whole "highstate:secretBindings" section was removed');
    // …while a workspace that has not (a fresh clone, or one used only by an older Highstate) reads it with a warning.
    await rm(join(dir, ".highstate", "secret-bindings-seen"));
    const get = await runCli(["secrets", "get", "web", "token"], { cwd: dir, env });
    expect(get.code).toBe(0);
    expect(get.stdout).toBe("token-of-web\n");
    expect(get.stderr).toContain(`The 2 secrets in "${file}" are not bound to their instances and names yet`);
    expect(get.stderr).toContain("`highstate secrets accept --all`");
    expect((await runCli(["secrets", "set", "web", "token"], { cwd: dir, env, stdin: "rotated" })).code).toBe(0);
    expect(await runCli(["secrets", "get", "db", "token"], { cwd: dir, env })).toEqual({ code: 0, stdout: "token-of-db\n", stderr: "" });
    await swapTokens(file);
    expect((await runCli(["secrets", "get", "db", "token"], { cwd: dir, env })).code).toBe(1);
  });

  it("renaming an instance moves its bindings with the password, and refuses without one", async () => {
    const { dir, file } = await twoMachines();
    const before = await readFile(file);
    const refused = await runCli(["instances", "rename", "web", "www"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("HIGHSTATE_PASSWORD");
    expect(Buffer.compare(await readFile(file), before)).toBe(0);
    expect((await runCli(["instances", "list"], { cwd: dir })).stdout).toContain(web);

    expect(await runCli(["instances", "rename", "web", "www"], { cwd: dir, env })).toMatchObject({ code: 0, stderr: "" });
    const yaml = parse(await readFile(file, "utf8")) as { config: Record<string, Record<string, unknown>> };
    expect(Object.keys(yaml.config["highstate:secretBindings"]!).sort()).toEqual([db, "acme.machine.v1:www"]);
    expect(await runCli(["secrets", "get", "www", "token"], { cwd: dir, env })).toEqual({ code: 0, stdout: "token-of-web\n", stderr: "" });
    // An instance without secrets renames without a password.
    expect((await runCli(["instances", "add", "acme.app.v1", "shop"], { cwd: dir })).code).toBe(0);
    expect((await runCli(["instances", "rename", "shop", "store"], { cwd: dir })).code).toBe(0);
  });
});
