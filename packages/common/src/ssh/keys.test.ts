import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidSshPrivateKeyError, InvalidSshPublicKeyError } from "./errors.js";
import { ed25519KeyPairFromSeed, generateSshKeyPair, parseSshPrivateKey, parseSshPublicKey, sshFingerprint } from "./keys.js";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "highstate-keys-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function keygen(type: string, extra: string[] = []): Promise<{ privateKey: string; publicKey: string; fingerprint: string }> {
  const file = join(dir, `${type}-${Math.random().toString(36).slice(2)}`);
  await run("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "test", "-f", file, ...extra]);
  const { stdout } = await run("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`]);
  return {
    privateKey: await readFile(file, "utf8"),
    publicKey: (await readFile(`${file}.pub`, "utf8")).trim(),
    fingerprint: stdout.split(" ")[1]!,
  };
}

describe("generateSshKeyPair", () => {
  it("generates an ed25519 key in OpenSSH format that ssh-keygen accepts, with the same fingerprint", async () => {
    const pair = generateSshKeyPair();
    expect(pair.type).toBe("ed25519");
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=*$/);
    const file = join(dir, "generated");
    await writeFile(file, pair.privateKey, { mode: 0o600 });
    const derived = await run("ssh-keygen", ["-y", "-f", file]);
    expect(derived.stdout.trim().split(" ").slice(0, 2).join(" ")).toBe(pair.publicKey);
    await writeFile(`${file}.pub`, `${pair.publicKey}\n`);
    const listed = await run("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`]);
    expect(listed.stdout.split(" ")[1]).toBe(pair.fingerprint);
  });

  it("encodes keys whose public key starts with a zero byte correctly (ssh2's generator drops that byte)", async () => {
    let seed: Buffer | undefined;
    for (let counter = 0; counter < 10_000 && !seed; counter++) {
      const candidate = createHash("sha256").update(`seed-${counter}`).digest();
      const publicBlob = Buffer.from(ed25519KeyPairFromSeed(candidate).publicKey.split(" ")[1]!, "base64");
      if (publicBlob[4 + 11 + 4] === 0) seed = candidate;
    }
    expect(seed).toBeDefined();
    const pair = ed25519KeyPairFromSeed(seed!, "zero");
    expect(Buffer.from(pair.publicKey.split(" ")[1]!, "base64")).toHaveLength(51);
    expect(parseSshPrivateKey(pair.privateKey)).toEqual({ ...pair, privateKey: pair.privateKey });
    const file = join(dir, "zero");
    await writeFile(file, pair.privateKey, { mode: 0o600 });
    const derived = await run("ssh-keygen", ["-y", "-f", file]);
    expect(derived.stdout.trim().split(" ").slice(0, 2).join(" ")).toBe(pair.publicKey);
  });

  it("generates keys that always parse", () => {
    for (let index = 0; index < 1000; index++) {
      const pair = generateSshKeyPair();
      expect(parseSshPrivateKey(pair.privateKey).publicKey).toBe(pair.publicKey);
    }
  });

  it("generates a different key each time", () => {
    expect(generateSshKeyPair().publicKey).not.toBe(generateSshKeyPair().publicKey);
  });
});

describe("parseSshPrivateKey", () => {
  it.each(["ed25519", "ecdsa", "rsa"])("reads a %s key made by ssh-keygen", async (type) => {
    const made = await keygen(type);
    const pair = parseSshPrivateKey(made.privateKey);
    expect(pair.type).toBe(type);
    expect(pair.publicKey).toBe(made.publicKey.split(" ").slice(0, 2).join(" "));
    expect(pair.fingerprint).toBe(made.fingerprint);
  });

  it("reads a PEM RSA key and normalises Windows line endings and blank space", async () => {
    const made = await keygen("rsa", ["-m", "PEM"]);
    expect(made.privateKey).toContain("BEGIN RSA PRIVATE KEY");
    const pair = parseSshPrivateKey(`\n  ${made.privateKey.replace(/\n/g, "\r\n")}  \n\n`);
    expect(pair.fingerprint).toBe(made.fingerprint);
    expect(pair.privateKey).toBe(made.privateKey);
  });

  it("rejects an empty value, a public key, garbage and an encrypted key with a clear message", async () => {
    const source = 'secret "privateKey"';
    expect(() => parseSshPrivateKey("  ", source)).toThrow(/secret "privateKey" cannot be used: it is empty/);
    const made = await keygen("ed25519");
    expect(() => parseSshPrivateKey(made.publicKey, source)).toThrow(/this is a public key/);
    expect(() => parseSshPrivateKey("hello world", source)).toThrow(/BEGIN … PRIVATE KEY/);
    expect(() => parseSshPrivateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----", source)).toThrow(
      InvalidSshPrivateKeyError,
    );
    const file = join(dir, "encrypted");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret-pass", "-f", file]);
    expect(() => parseSshPrivateKey(readFileSync(file, "utf8"), source)).toThrow(/protected by a passphrase/);
  });
});

describe("public keys and fingerprints", () => {
  it("computes ssh-keygen's fingerprint from a public key line", async () => {
    const made = await keygen("ecdsa");
    expect(sshFingerprint(made.publicKey)).toBe(made.fingerprint);
    expect(parseSshPublicKey(made.publicKey)).toMatchObject({ algorithm: "ecdsa-sha2-nistp256", comment: "test" });
  });

  it("rejects malformed public keys", () => {
    expect(() => parseSshPublicKey("ssh-ed25519")).toThrow(InvalidSshPublicKeyError);
    expect(() => parseSshPublicKey("ssh-ed25519 !!!")).toThrow(/not base64/);
    const ed = generateSshKeyPair().publicKey.split(" ")[1]!;
    expect(() => parseSshPublicKey(`ssh-rsa ${ed}`)).toThrow(/the line says "ssh-rsa" but the key is "ssh-ed25519"/);
  });
});
