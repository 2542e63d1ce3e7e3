import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { testdir } from "../test-utils/testdir.js";
import { editSecretsFile, removeSecretBindings, securePath, swapSecureValues } from "./__fixtures__/secrets-file.js";
import { secretBindingPattern, secretBindingsConfigKey } from "./bindings.js";
import { NoSuchSecretError, SecretBindingError, SecretDecryptionError, SecretRebindLockedError, SecretsLockedError } from "./errors.js";
import { createPassphraseCrypter } from "./passphrase-crypter.js";
import { boundSaltsFileName, ProjectSecrets } from "./project-secrets.js";

const password = "b1nd1ng password";
const server = "common.existing-server.v1:web";
const endpoint = "acme.webhook.v1:hook";

type SecretsYaml = {
  encryptionsalt: string;
  config: Record<string, Record<string, Record<string, unknown>>>;
};

/** A project file written by Highstate: a server password and a webhook URL, both bound. */
async function boundFile(): Promise<string> {
  const dir = await testdir({});
  const file = join(dir, "Pulumi.prod.yaml");
  const secrets = await ProjectSecrets.open(file);
  await secrets.create(password);
  await secrets.setMany(server, { sshPassword: "server-root-password", apiToken: "server-api-token" });
  await secrets.set(endpoint, "url", "https://hooks.example/123");
  return file;
}

/** Edits the YAML text in place (as a committer would), keeping everything else. */
async function swapServerPasswordIntoWebhook(file: string): Promise<void> {
  await swapSecureValues(file, { instanceId: server, name: "sshPassword" }, { instanceId: endpoint, name: "url" });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("secrets bound to their place", () => {
  it("writes one binding per secret under a config key of its own, leaving the secure values in Pulumi's format", async () => {
    const file = await boundFile();
    const yaml = parse(await readFile(file, "utf8")) as SecretsYaml;
    const bindings = yaml.config[secretBindingsConfigKey]!;
    expect(Object.keys(bindings).sort()).toEqual([endpoint, server].sort());
    expect(Object.keys(bindings[server]!).sort()).toEqual(["apiToken", "sshPassword"]);
    for (const names of Object.values(bindings)) for (const binding of Object.values(names)) expect(binding).toMatch(secretBindingPattern);
    // The secure values are plain Pulumi values (no associated data): Pulumi's algorithm decrypts them.
    const crypter = await createPassphraseCrypter(password, yaml.encryptionsalt);
    const secure = yaml.config["highstate:secrets"]![server]!.sshPassword as { secure: string };
    expect(Object.keys(secure)).toEqual(["secure"]);
    expect(crypter.decrypt(secure.secure)).toBe("server-root-password");
    // Every binding differs: each covers its own instance, name and ciphertext.
    const all = Object.values(bindings).flatMap((names) => Object.values(names));
    expect(new Set(all).size).toBe(3);
  });

  it("refuses a file where two values were swapped: unlock, change-password and a re-read while unlocked; nothing is written", async () => {
    const file = await boundFile();
    const reader = await ProjectSecrets.open(file);
    await reader.unlock(password);
    expect(reader.get(endpoint, "url")).toBe("https://hooks.example/123");

    await swapServerPasswordIntoWebhook(file);
    const before = await readFile(file);

    const secrets = await ProjectSecrets.open(file);
    const error = await caught(secrets.unlock(password));
    expect(error).toBeInstanceOf(SecretBindingError);
    const binding = error as SecretBindingError;
    expect(binding.file).toBe(file);
    // Each value still matches the binding it left behind, so where it came from is known.
    expect(binding.problems).toEqual([
      { instanceId: endpoint, name: "url", kind: "mismatch", movedFrom: { instanceId: server, name: "sshPassword" } },
      { instanceId: server, name: "sshPassword", kind: "mismatch", movedFrom: { instanceId: endpoint, name: "url" } },
    ]);
    expect(binding.message).toContain(`"${file}"`);
    expect(binding.message).toContain(
      `secret "url" of "${endpoint}" does not match its binding (it holds the value of secret "sshPassword" of "${server}": moved or copied here)`,
    );
    expect(binding.message).toContain(`secret "sshPassword" of "${server}"`);
    expect(binding.message).toContain(`highstate secrets accept ${endpoint} url`);
    expect(binding.message).toContain("--all");
    expect(secrets.isUnlocked).toBe(false);
    expect(() => secrets.get(endpoint, "url")).toThrow(SecretsLockedError);
    expect(await caught(secrets.changePassword(password, "new"))).toBeInstanceOf(SecretBindingError);
    expect(await caught(secrets.set(server, "apiToken", "x"))).toBeInstanceOf(SecretsLockedError);

    // A session unlocked before the swap notices it on the next re-read and locks.
    expect(await caught(reader.refresh())).toBeInstanceOf(SecretBindingError);
    expect(reader.isUnlocked).toBe(false);
    expect(() => reader.get(endpoint, "url")).toThrow(SecretsLockedError);
    expect(await readFile(file)).toEqual(before);
  });

  it("refuses a value edited by hand and a value copied to a place without a binding", async () => {
    const file = await boundFile();
    const yaml = parse(await readFile(file, "utf8")) as SecretsYaml;
    const crypter = await createPassphraseCrypter(password, yaml.encryptionsalt);
    // A valid ciphertext under the project key (e.g. from an old revision or made with `pulumi config set --secret`).
    await editSecretsFile(file, (doc) => doc.setIn(securePath(endpoint, "url"), crypter.encrypt("https://attacker.example/")));
    const edited = await caught((await ProjectSecrets.open(file)).unlock(password));
    // No binding in the file covers the new value: where it came from is unknown.
    expect((edited as SecretBindingError).problems).toEqual([{ instanceId: endpoint, name: "url", kind: "mismatch" }]);
    expect((edited as SecretBindingError).message).toContain("or edited by hand");

    const copied = await boundFile();
    await editSecretsFile(copied, (doc) => doc.setIn(securePath(endpoint, "token"), doc.getIn(securePath(server, "apiToken"))));
    const unbound = await caught((await ProjectSecrets.open(copied)).unlock(password));
    expect((unbound as SecretBindingError).problems).toEqual([
      { instanceId: endpoint, name: "token", kind: "unbound", movedFrom: { instanceId: server, name: "apiToken" } },
    ]);
    expect((unbound as SecretBindingError).message).toContain(
      `secret "token" of "${endpoint}" has no binding (it holds the value of secret "apiToken" of "${server}": copied or moved here)`,
    );
  });

  it("accepts an intentional move: one secret, then the rest, with the password; the accepted values read where they are", async () => {
    const file = await boundFile();
    await swapServerPasswordIntoWebhook(file);
    const secrets = await ProjectSecrets.open(file);
    const partly = await secrets.accept(password, [{ instanceId: endpoint, name: "url" }]);
    expect(partly.accepted).toEqual([
      { instanceId: endpoint, name: "url", kind: "mismatch", movedFrom: { instanceId: server, name: "sshPassword" } },
    ]);
    expect(partly.remaining).toEqual([
      { instanceId: server, name: "sshPassword", kind: "mismatch", movedFrom: { instanceId: endpoint, name: "url" } },
    ]);
    expect(secrets.isUnlocked).toBe(false);
    // The binding "url" left behind was replaced by the accepted one, so the origin is no longer known.
    const stillMoved = [{ instanceId: server, name: "sshPassword", kind: "mismatch" }];
    expect(((await caught(secrets.unlock(password))) as SecretBindingError).problems).toEqual(stillMoved);

    const rest = await secrets.accept(password, "all");
    expect(rest).toEqual({ accepted: stillMoved, remaining: [] });
    expect(secrets.isUnlocked).toBe(true);
    expect(secrets.get(endpoint, "url")).toBe("server-root-password");

    const reopened = await ProjectSecrets.open(file);
    await reopened.unlock(password);
    expect(reopened.get(server, "sshPassword")).toBe("https://hooks.example/123");
    expect(await reopened.accept(password, "all")).toEqual({ accepted: [], remaining: [] });
  });

  it("refuses to accept with a wrong password, a value of another password, or a secret that is not set; nothing is written", async () => {
    const file = await boundFile();
    const foreign = await createPassphraseCrypter("another project's password");
    await editSecretsFile(file, (doc) => doc.setIn(securePath(endpoint, "url"), foreign.encrypt("x")));
    const before = await readFile(file);
    const secrets = await ProjectSecrets.open(file);
    expect(((await caught(secrets.accept("wrong", "all"))) as Error).name).toBe("IncorrectPasswordError");
    expect(await caught(secrets.accept(password, [{ instanceId: endpoint, name: "url" }]))).toBeInstanceOf(SecretDecryptionError);
    const missing = await caught(secrets.accept(password, [{ instanceId: endpoint, name: "nope" }]));
    expect(missing).toBeInstanceOf(NoSuchSecretError);
    expect((missing as Error).message).toBe(
      `"${file}" has no secret "nope" of "${endpoint}" (it has "url"); nothing was accepted. Check the instance id and secret name.`,
    );
    expect(await readFile(file)).toEqual(before);
  });

  it("a wrong password or name given to accept leaves an unlocked project unlocked; a file changed meanwhile does not get the old key back", async () => {
    const file = await boundFile();
    const secrets = await ProjectSecrets.open(file);
    await secrets.unlock(password);
    expect(((await caught(secrets.accept("wrong", "all"))) as Error).name).toBe("IncorrectPasswordError");
    expect(secrets.isUnlocked).toBe(true);
    expect(await caught(secrets.accept(password, [{ instanceId: endpoint, name: "nope" }]))).toBeInstanceOf(NoSuchSecretError);
    expect(secrets.get(endpoint, "url")).toBe("https://hooks.example/123");

    await swapServerPasswordIntoWebhook(file);
    expect(((await caught(secrets.accept("wrong", "all"))) as Error).name).toBe("IncorrectPasswordError");
    expect(secrets.isUnlocked, "the swapped file was never checked with the key at hand").toBe(false);
  });

  it("reads a file written before bindings existed with a warning, binds it on the first write, then notices swaps", async () => {
    const dir = await testdir({});
    const file = join(dir, "Pulumi.prod.yaml");
    const writer = await ProjectSecrets.open(file);
    await writer.create(password);
    const crypter = writer.crypter;
    // An old file: secure values, no bindings, a comment to keep.
    await writeFile(
      file,
      [
        "# production secrets",
        `encryptionsalt: ${crypter.encryptionSalt}`,
        "config:",
        "  aws:region: eu-west-1 # the region",
        "  highstate:secrets:",
        `    ${server}:`,
        "      sshPassword:",
        `        secure: ${crypter.encrypt("server-root-password")}`,
        `    ${endpoint}:`,
        "      url:",
        `        secure: ${crypter.encrypt("https://hooks.example/123")}`,
        "",
      ].join("\n"),
    );
    const old = await ProjectSecrets.open(file);
    expect(old.unboundSecrets()).toEqual([
      { instanceId: endpoint, name: "url" },
      { instanceId: server, name: "sshPassword" },
    ]);
    expect(old.bindingWarning()).toContain(`The 2 secrets in "${file}" are not bound`);
    expect(old.bindingWarning()).toContain("highstate secrets accept --all");
    // Read as it is (no write on read), and a rename moves unbound values without the password.
    const before = await readFile(file, "utf8");
    expect(old.renameNeedsPassword(server)).toBe(false);
    await old.unlock(password);
    expect(old.get(server, "sshPassword")).toBe("server-root-password");
    expect(await readFile(file, "utf8")).toBe(before);

    // The first write binds every value, keeping comments and key order.
    await old.set(server, "apiToken", "t");
    const bound = await readFile(file, "utf8");
    expect(bound.startsWith("# production secrets\nencryptionsalt: ")).toBe(true);
    expect(bound).toContain("  aws:region: eu-west-1 # the region\n  highstate:secrets:\n");
    expect(old.unboundSecrets()).toEqual([]);
    expect(old.bindingWarning()).toBeUndefined();
    const yaml = parse(bound) as SecretsYaml;
    expect(Object.keys(yaml.config[secretBindingsConfigKey]![endpoint]!)).toEqual(["url"]);
    expect(Object.keys(yaml.config[secretBindingsConfigKey]![server]!).sort()).toEqual(["apiToken", "sshPassword"]);

    await swapServerPasswordIntoWebhook(file);
    expect(await caught((await ProjectSecrets.open(file)).unlock(password))).toBeInstanceOf(SecretBindingError);
  });

  it("accept --all binds a file written before bindings existed", async () => {
    const dir = await testdir({});
    const file = join(dir, "Pulumi.prod.yaml");
    const crypter = await createPassphraseCrypter(password);
    await writeFile(
      file,
      `encryptionsalt: ${crypter.encryptionSalt}\nconfig:\n  highstate:secrets:\n    ${server}:\n      a:\n        secure: ${crypter.encrypt("1")}\n      b:\n        secure: ${crypter.encrypt("2")}\n`,
    );
    const secrets = await ProjectSecrets.open(file);
    // Naming one secret of an unbound file binds them all (a file is bound as a whole).
    const result = await secrets.accept(password, [{ instanceId: server, name: "a" }]);
    expect(result.accepted.map((item) => item.name)).toEqual(["a", "b"]);
    expect(result.remaining).toEqual([]);
    expect(secrets.unboundSecrets()).toEqual([]);
  });

  it("moves bindings with a rename made with the password; without it a bound instance is not renamed", async () => {
    const file = await boundFile();
    const locked = await ProjectSecrets.open(file);
    const before = await readFile(file);
    expect(locked.renameNeedsPassword(server)).toBe(true);
    expect(locked.renameNeedsPassword(endpoint)).toBe(true);
    expect(locked.renameNeedsPassword("unknown.v1:x")).toBe(false);
    const refused = await caught(locked.renameInstance(server, "common.existing-server.v1:web-2"));
    expect(refused).toBeInstanceOf(SecretRebindLockedError);
    expect((refused as Error).message).toContain(`"${server}"`);
    expect((refused as Error).message).toContain(`"${file}"`);
    expect(await readFile(file)).toEqual(before);

    await locked.unlock(password);
    await locked.renameInstance(server, "common.existing-server.v1:web-2");
    const yaml = parse(await readFile(file, "utf8")) as SecretsYaml;
    expect(Object.keys(yaml.config[secretBindingsConfigKey]!).sort()).toEqual([endpoint, "common.existing-server.v1:web-2"].sort());
    const reopened = await ProjectSecrets.open(file);
    await reopened.unlock(password);
    expect(reopened.get("common.existing-server.v1:web-2", "sshPassword")).toBe("server-root-password");
    // Deleting needs no key: the binding goes with the value.
    reopened.lock();
    await reopened.removeInstance(endpoint);
    await reopened.delete("common.existing-server.v1:web-2", "apiToken");
    const after = parse(await readFile(file, "utf8")) as SecretsYaml;
    expect(after.config[secretBindingsConfigKey]).toEqual({
      "common.existing-server.v1:web-2": { sshPassword: expect.stringMatching(secretBindingPattern) },
    });
    await reopened.unlock(password);
    expect(reopened.getInstanceSecrets("common.existing-server.v1:web-2")).toEqual({ sshPassword: "server-root-password" });
  });

  it("re-binds every value with the new key when the password changes", async () => {
    const file = await boundFile();
    const secrets = await ProjectSecrets.open(file);
    await secrets.unlock(password);
    const bindingsBefore = (parse(await readFile(file, "utf8")) as SecretsYaml).config[secretBindingsConfigKey];
    await secrets.changePassword(password, "new password");
    const bindingsAfter = (parse(await readFile(file, "utf8")) as SecretsYaml).config[secretBindingsConfigKey];
    expect(bindingsAfter).not.toEqual(bindingsBefore);
    const reopened = await ProjectSecrets.open(file);
    await reopened.unlock("new password");
    expect(reopened.get(endpoint, "url")).toBe("https://hooks.example/123");
  });

  it("refuses a malformed binding with the file and key path", async () => {
    const file = await boundFile();
    await editSecretsFile(file, (doc) => doc.setIn(["config", secretBindingsConfigKey, server, "sshPassword"], "sha1:00"));
    const error = await caught(ProjectSecrets.open(file));
    expect((error as Error).name).toBe("UnreadableFileError");
    expect((error as Error).message).toContain(`"${file}"`);
    expect((error as Error).message).toContain("sshPassword");
    expect((error as Error).message).toContain("hmac-sha256:");
  });

  it("refuses a file whose bindings were all removed in a workspace that has seen it bound; a fresh clone reads it with the warning", async () => {
    const file = await boundFile();
    const memory = join(dirname(file), ".highstate", boundSaltsFileName);
    expect((await stat(memory)).mode & 0o777).toBe(0o600);
    expect(await readFile(memory, "utf8")).not.toContain(password);
    await removeSecretBindings(file);
    await swapServerPasswordIntoWebhook(file);
    const secrets = await ProjectSecrets.open(file);
    const error = await caught(secrets.unlock(password));
    expect(error).toBeInstanceOf(SecretBindingError);
    expect((error as SecretBindingError).message).toContain('the whole "highstate:secretBindings" section was removed');
    expect((error as SecretBindingError).problems.map((problem) => problem.kind)).toEqual(["unbound", "unbound", "unbound"]);
    // Accepting them on purpose binds them again.
    expect((await secrets.accept(password, "all")).accepted).toHaveLength(3);
    expect(secrets.get(endpoint, "url")).toBe("server-root-password");

    // Without the workspace's memory (a fresh clone), such a file reads like one written before bindings.
    await removeSecretBindings(file);
    await rm(join(dirname(file), ".highstate"), { recursive: true });
    const fresh = await ProjectSecrets.open(file);
    expect(fresh.bindingWarning()).toContain("not bound");
    await fresh.unlock(password);
  });
});
