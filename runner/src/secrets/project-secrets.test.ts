import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UnreadableFileError } from "../fs/errors.js";
import { testdir } from "../test-utils/testdir.js";
import {
  IncorrectPasswordError,
  NoProjectPasswordError,
  ProjectPasswordExistsError,
  SecretRebindLockedError,
  SecretsChangedOnDiskError,
  SecretsLockedError,
} from "./errors.js";
import { createPassphraseCrypter } from "./passphrase-crypter.js";
import { ProjectSecrets } from "./project-secrets.js";

const vectorE = {
  passphrase: "correct horse battery staple",
  salt: "v1:3ZcVRCMzEbk=:v1:A4wYnaSVLIkK0AhS:2SrOnSDh9wVGmoyZt97KYJN3WfDDHA==",
  checkValue: "v1:A4wYnaSVLIkK0AhS:2SrOnSDh9wVGmoyZt97KYJN3WfDDHA==",
};

const server = "common.existing-server.v1:web";
const db = "databases.postgresql.v1:main";

async function fileWithVectorE(extra = ""): Promise<string> {
  const dir = await testdir({
    "Pulumi.prod.yaml": [
      `encryptionsalt: ${vectorE.salt}`,
      "config:",
      "  aws:region: eu-west-1",
      "  highstate:secrets:",
      `    ${server}:`,
      "      sshPassword:",
      `        secure: ${vectorE.checkValue}`,
      extra,
    ].join("\n"),
  });
  return join(dir, "Pulumi.prod.yaml");
}

async function expectUnreadable(file: string, expected: { problem: RegExp; path?: string; line?: number }): Promise<void> {
  const before = await readFile(file);
  const error = await ProjectSecrets.open(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnreadableFileError);
  const unreadable = error as UnreadableFileError;
  expect(unreadable.file).toBe(file);
  expect(unreadable.problem).toMatch(expected.problem);
  expect(unreadable.message).toContain(`"${file}"`);
  if (expected.path !== undefined) expect(unreadable.location?.path).toBe(expected.path);
  if (expected.line !== undefined) expect(unreadable.location?.line).toBe(expected.line);
  expect(await readFile(file)).toEqual(before);
}

describe("ProjectSecrets", () => {
  it("reads a file in Pulumi's format (vector E) and lists secrets without the password", async () => {
    const file = await fileWithVectorE();
    const secrets = await ProjectSecrets.open(file);
    expect(secrets.hasPassword).toBe(true);
    expect(secrets.isUnlocked).toBe(false);
    expect(secrets.listSecrets()).toEqual({ [server]: ["sshPassword"] });
    expect(secrets.has(server, "sshPassword")).toBe(true);
    expect(() => secrets.get(server, "sshPassword")).toThrow(SecretsLockedError);
    await secrets.unlock(vectorE.passphrase);
    expect(secrets.get(server, "sshPassword")).toBe("pulumi");
  });

  it("creates a password, writes sorted, nested secure values Pulumi can decrypt, and keeps other config", async () => {
    const dir = await testdir({ "Pulumi.dev.yaml": "config:\n  zeta:key: 1\n  aws:region: eu-west-1\n" });
    const file = join(dir, "Pulumi.dev.yaml");
    const secrets = await ProjectSecrets.open(file);
    await expect(secrets.set(server, "sshPassword", "x")).rejects.toBeInstanceOf(NoProjectPasswordError);
    await secrets.create("p4ss");
    await expect(secrets.create("again")).rejects.toBeInstanceOf(ProjectPasswordExistsError);
    await secrets.setMany(server, { sshPassword: "hunter2", apiToken: "t0ken" });
    await secrets.set(db, "rootPassword", "r00t: with colon");

    const text = await readFile(file, "utf8");
    const lines = text.split("\n");
    // The user's keys keep their order; what Highstate adds is nested under config and sorted.
    expect(lines.slice(0, 5)).toEqual(["config:", "  zeta:key: 1", "  aws:region: eu-west-1", "  highstate:secrets:", `    ${server}:`]);
    expect(text).toMatch(/\n {6}apiToken:\n {8}secure: v1:[^\n]+\n {6}sshPassword:\n {8}secure: v1:/);
    expect(text).toMatch(/\nencryptionsalt: v1:[^\n]+\n$/);
    expect(text).not.toContain("hunter2");

    const yaml = parse(text) as { encryptionsalt: string; config: Record<string, Record<string, Record<string, { secure: string }>>> };
    const crypter = await createPassphraseCrypter("p4ss", yaml.encryptionsalt);
    expect(crypter.decrypt(yaml.config["highstate:secrets"]![db]!.rootPassword!.secure)).toBe("r00t: with colon");

    const reopened = await ProjectSecrets.open(file);
    await reopened.unlock("p4ss");
    expect(reopened.getInstanceSecrets(server)).toEqual({ apiToken: "t0ken", sshPassword: "hunter2" });
  });

  it("refuses a wrong password before writing anything", async () => {
    const file = await fileWithVectorE();
    const before = await readFile(file);
    const secrets = await ProjectSecrets.open(file);
    const error = await secrets.unlock("wrong").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IncorrectPasswordError);
    expect((error as IncorrectPasswordError).message).toContain(file);
    await expect(secrets.changePassword("wrong", "new")).rejects.toBeInstanceOf(IncorrectPasswordError);
    await expect(secrets.set(server, "x", "y")).rejects.toBeInstanceOf(SecretsLockedError);
    expect(await readFile(file)).toEqual(before);
  });

  it("keeps the ciphertext when a secret is set to the value it has", async () => {
    const file = await fileWithVectorE();
    const secrets = await ProjectSecrets.open(file);
    await secrets.unlock(vectorE.passphrase);
    await secrets.set(server, "sshPassword", "pulumi");
    // The first write to a file without bindings binds its values; the ciphertext stays.
    const bound = await readFile(file, "utf8");
    expect(bound).toContain(`secure: ${vectorE.checkValue}`);
    expect(bound).toContain("highstate:secretBindings:");
    await secrets.set(server, "sshPassword", "pulumi");
    expect(await readFile(file, "utf8")).toBe(bound);
    await secrets.set(server, "sshPassword", "changed");
    expect(await readFile(file, "utf8")).not.toContain(`secure: ${vectorE.checkValue}`);
    expect(secrets.get(server, "sshPassword")).toBe("changed");
  });

  it("deletes secrets and removes them with the instance without the password; moving bound ones on rename needs it", async () => {
    const file = await fileWithVectorE();
    const writer = await ProjectSecrets.open(file);
    await writer.unlock(vectorE.passphrase);
    await writer.set(server, "apiToken", "t");
    await writer.set(db, "rootPassword", "r");

    const secrets = await ProjectSecrets.open(file);
    const before = await readFile(file);
    expect(secrets.renameNeedsPassword(server)).toBe(true);
    await expect(secrets.renameInstance(server, "common.existing-server.v1:web-2")).rejects.toBeInstanceOf(SecretRebindLockedError);
    expect(await readFile(file)).toEqual(before);
    await secrets.unlock(vectorE.passphrase);
    await secrets.renameInstance(server, "common.existing-server.v1:web-2");
    secrets.lock();
    expect(secrets.listSecrets()).toEqual({ "common.existing-server.v1:web-2": ["apiToken", "sshPassword"], [db]: ["rootPassword"] });
    await secrets.delete("common.existing-server.v1:web-2", "apiToken");
    await secrets.removeInstance(db);
    expect(secrets.listSecrets()).toEqual({ "common.existing-server.v1:web-2": ["sshPassword"] });
    await secrets.unlock(vectorE.passphrase);
    expect(secrets.get("common.existing-server.v1:web-2", "sshPassword")).toBe("pulumi");
    expect(await readFile(file, "utf8")).not.toContain(db);
  });

  it("changes the password by re-encrypting every value in one write", async () => {
    const file = await fileWithVectorE();
    const secrets = await ProjectSecrets.open(file);
    await secrets.unlock(vectorE.passphrase);
    await secrets.set(db, "rootPassword", "r00t");
    const change = await secrets.changePassword(vectorE.passphrase, "n3w password");
    expect(change.previous.encryptionSalt).toBe(vectorE.salt);
    expect(change.current.encryptionSalt).not.toBe(vectorE.salt);

    const reopened = await ProjectSecrets.open(file);
    expect(reopened.encryptionSalt).toBe(change.current.encryptionSalt);
    await expect(reopened.unlock(vectorE.passphrase)).rejects.toBeInstanceOf(IncorrectPasswordError);
    await reopened.unlock("n3w password");
    expect(reopened.get(db, "rootPassword")).toBe("r00t");
    expect(reopened.get(server, "sshPassword")).toBe("pulumi");
    expect(await readFile(file, "utf8")).toContain("aws:region: eu-west-1");
  });

  it("keeps changes made on disk by someone else", async () => {
    const file = await fileWithVectorE();
    const first = await ProjectSecrets.open(file);
    const second = await ProjectSecrets.open(file);
    await first.unlock(vectorE.passphrase);
    await second.unlock(vectorE.passphrase);
    await first.set(db, "rootPassword", "one");
    await second.set(server, "apiToken", "two");
    const reopened = await ProjectSecrets.open(file);
    expect(reopened.listSecrets()).toEqual({ [server]: ["apiToken", "sshPassword"], [db]: ["rootPassword"] });
  });

  it("sees changes made on disk after a refresh", async () => {
    const file = await fileWithVectorE();
    const reader = await ProjectSecrets.open(file);
    const writer = await ProjectSecrets.open(file);
    await writer.unlock(vectorE.passphrase);
    await writer.set(db, "rootPassword", "r");
    expect(reader.listSecrets()).toEqual({ [server]: ["sshPassword"] });
    await reader.refresh();
    expect(reader.listSecrets()).toEqual({ [server]: ["sshPassword"], [db]: ["rootPassword"] });
    await reader.unlock(vectorE.passphrase);
    await writer.changePassword(vectorE.passphrase, "changed");
    await expect(reader.refresh()).rejects.toBeInstanceOf(SecretsChangedOnDiskError);
    expect(reader.isUnlocked).toBe(false);
  });

  it("refuses to write with a key the file no longer uses", async () => {
    const file = await fileWithVectorE();
    const first = await ProjectSecrets.open(file);
    const second = await ProjectSecrets.open(file);
    await first.unlock(vectorE.passphrase);
    await second.unlock(vectorE.passphrase);
    await second.changePassword(vectorE.passphrase, "other");
    const before = await readFile(file);
    await expect(first.set(db, "rootPassword", "x")).rejects.toBeInstanceOf(SecretsChangedOnDiskError);
    expect(first.isUnlocked).toBe(false);
    expect(await readFile(file)).toEqual(before);
  });

  it("writes nothing for a project without a file until there is something to store", async () => {
    const dir = await testdir();
    const file = join(dir, "Pulumi.new.yaml");
    const secrets = await ProjectSecrets.open(file);
    expect(secrets.hasPassword).toBe(false);
    expect(secrets.listSecrets()).toEqual({});
    await secrets.removeInstance(server);
    await expect(readFile(file)).rejects.toMatchObject({ code: "ENOENT" });
    await secrets.create("pw");
    expect(await readFile(file, "utf8")).toMatch(/^encryptionsalt: v1:\S+\n$/);
  });
});

describe("ProjectSecrets with files it cannot read", () => {
  it("names a malformed encryptionsalt and leaves the file untouched", async () => {
    const dir = await testdir({ "Pulumi.p.yaml": "config: {}\nencryptionsalt: v1:not-base64!:v1:AAAA:AAAA\n" });
    await expectUnreadable(join(dir, "Pulumi.p.yaml"), {
      problem: /"encryptionsalt" is malformed: the salt is not valid base64/,
      path: "encryptionsalt",
      line: 2,
    });
  });

  it("names a salt that is not a string", async () => {
    const dir = await testdir({ "Pulumi.p.yaml": "encryptionsalt:\n  nested: true\n" });
    await expectUnreadable(join(dir, "Pulumi.p.yaml"), { problem: /must be a string, found a mapping/, path: "encryptionsalt" });
  });

  it("names the key of a malformed secure value", async () => {
    const file = await fileWithVectorE(`    ${db}:\n      rootPassword:\n        secure: v1:short:AAAA\n`);
    await expectUnreadable(file, {
      problem: /malformed secure value: the nonce is not valid base64/,
      path: `config["highstate:secrets"]["${db}"].rootPassword.secure`,
      line: 10,
    });
  });

  it("refuses secrets stored in plain text", async () => {
    const file = await fileWithVectorE(`    ${db}:\n      rootPassword: plain\n`);
    await expectUnreadable(file, { problem: /never in plain text/, path: `config["highstate:secrets"]["${db}"].rootPassword`, line: 9 });
  });

  it("reports YAML syntax errors with line and column", async () => {
    const dir = await testdir({ "Pulumi.p.yaml": "encryptionsalt: a\nconfig:\n  key: [unclosed\n" });
    await expectUnreadable(join(dir, "Pulumi.p.yaml"), { problem: /invalid YAML/ });
  });

  it("refuses secure values without an encryptionsalt, other secrets providers and non-mappings", async () => {
    const noSalt = await testdir({
      "Pulumi.p.yaml": `config:\n  highstate:secrets:\n    a:\n      b:\n        secure: ${vectorE.checkValue}\n`,
    });
    await expectUnreadable(join(noSalt, "Pulumi.p.yaml"), { problem: /no "encryptionsalt"/ });
    const provider = await testdir({ "Pulumi.p.yaml": "secretsprovider: awskms://alias/x\n" });
    await expectUnreadable(join(provider, "Pulumi.p.yaml"), { problem: /secrets provider "awskms:\/\/alias\/x"/, path: "secretsprovider" });
    const list = await testdir({ "Pulumi.p.yaml": "- a\n- b\n" });
    await expectUnreadable(join(list, "Pulumi.p.yaml"), { problem: /must be a YAML mapping/ });
  });

  it("refuses an empty file (truncated?) instead of taking it as a project without a password", async () => {
    for (const text of ["", "\n  \n", "# only a comment\n", "---\n"]) {
      const dir = await testdir({ "Pulumi.p.yaml": text });
      await expectUnreadable(join(dir, "Pulumi.p.yaml"), { problem: /the file is empty \(was it truncated\?\)/ });
      expect(await readFile(join(dir, "Pulumi.p.yaml"), "utf8")).toBe(text);
    }
    // A missing file is a project without a password.
    const dir = await testdir();
    expect((await ProjectSecrets.open(join(dir, "Pulumi.p.yaml"))).hasPassword).toBe(false);
  });

  it("rewrites nothing when only read", async () => {
    const file = await fileWithVectorE();
    await writeFile(file, `${await readFile(file, "utf8")}\n# a comment\n`);
    const before = await readFile(file);
    const secrets = await ProjectSecrets.open(file);
    await secrets.unlock(vectorE.passphrase);
    secrets.getInstanceSecrets(server);
    expect(await readFile(file)).toEqual(before);
  });

  it("keeps comments, tags and key order of the untouched parts when it writes, as Pulumi's writer does", async () => {
    const file = await fileWithVectorE();
    const original = (await readFile(file, "utf8"))
      .replace(
        `encryptionsalt: ${vectorE.salt}`,
        `# Secrets of project prod: encrypted, safe to commit.\nencryptionsalt: ${vectorE.salt} # keep this line`,
      )
      .replace("  aws:region: eu-west-1", "  zeta:first: !!str 0123 # a tagged string\n  aws:region: eu-west-1 # the region");
    await writeFile(file, original);
    const secrets = await ProjectSecrets.open(file);
    await secrets.unlock(vectorE.passphrase);
    await secrets.set(db, "rootPassword", "s3cret");
    await secrets.set(server, "sshPassword", "changed");
    const text = await readFile(file, "utf8");
    for (const kept of [
      "# Secrets of project prod: encrypted, safe to commit.",
      "# keep this line",
      "zeta:first: !!str",
      "# a tagged string",
      "aws:region: eu-west-1 # the region",
    ]) {
      expect(text).toContain(kept);
    }
    expect(text.indexOf("zeta:first")).toBeLessThan(text.indexOf("aws:region"));
    const reopened = await ProjectSecrets.open(file);
    await reopened.unlock(vectorE.passphrase);
    expect(reopened.getInstanceSecrets(server)).toEqual({ sshPassword: "changed" });
    expect(reopened.getInstanceSecrets(db)).toEqual({ rootPassword: "s3cret" });
    await reopened.delete(db, "rootPassword");
    await reopened.delete(server, "sshPassword");
    const emptied = await readFile(file, "utf8");
    expect(emptied).toContain("# keep this line");
    expect(emptied).not.toContain("highstate:secrets");
    expect(parse(emptied)).toMatchObject({ encryptionsalt: vectorE.salt, config: { "zeta:first": "0123", "aws:region": "eu-west-1" } });
  });
});
