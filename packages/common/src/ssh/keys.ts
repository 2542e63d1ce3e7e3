import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import ssh2 from "ssh2";
import type { SshKeyPair, SshKeyType } from "../entities/ssh.js";
import { InvalidSshPrivateKeyError, InvalidSshPublicKeyError } from "./errors.js";

const { utils } = ssh2;

/** Maps an SSH wire algorithm name to the entity's key type. */
export function keyTypeOfAlgorithm(algorithm: string): SshKeyType | undefined {
  if (algorithm === "ssh-ed25519") return "ed25519";
  if (algorithm === "ssh-rsa") return "rsa";
  if (algorithm.startsWith("ecdsa-sha2-")) return "ecdsa";
  return undefined;
}

/** Reads the algorithm name at the start of an SSH public key blob (an SSH `string`). */
export function algorithmOfKeyBlob(blob: Buffer): string {
  if (blob.length < 4) throw new InvalidSshPublicKeyError(blob.toString("base64"), "the key blob is truncated");
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) {
    throw new InvalidSshPublicKeyError(blob.toString("base64"), "the key blob does not start with an algorithm name");
  }
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** Formats a public key blob as an OpenSSH public key line, `<algorithm> <base64>`. */
export function formatSshPublicKey(blob: Buffer): string {
  return `${algorithmOfKeyBlob(blob)} ${blob.toString("base64")}`;
}

/** Decodes an OpenSSH public key line into its algorithm and blob, checking that the two agree. */
export function parseSshPublicKey(line: string): { algorithm: string; blob: Buffer; comment?: string } {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2) throw new InvalidSshPublicKeyError(line, 'expected "<algorithm> <base64 key> [comment]"');
  const [algorithm, base64, ...comment] = parts as [string, string, ...string[]];
  if (!/^[A-Za-z0-9+/]+={0,3}$/.test(base64)) throw new InvalidSshPublicKeyError(line, "the key is not base64");
  const blob = Buffer.from(base64, "base64");
  const embedded = algorithmOfKeyBlob(blob);
  if (embedded !== algorithm) throw new InvalidSshPublicKeyError(line, `the line says "${algorithm}" but the key is "${embedded}"`);
  return { algorithm, blob, ...(comment.length > 0 ? { comment: comment.join(" ") } : {}) };
}

/**
 * The SHA-256 fingerprint of a public key as `ssh-keygen -lf` prints it: `SHA256:` followed by the
 * unpadded base64 of the digest of the key blob. Accepts an OpenSSH public key line or the raw blob.
 */
export function sshFingerprint(publicKey: string | Buffer): string {
  const blob = typeof publicKey === "string" ? parseSshPublicKey(publicKey).blob : publicKey;
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Normalises pasted key text: Windows line endings, surrounding blank space, a single trailing newline. */
function normalizeKeyText(text: string): string {
  return `${text.replace(/\r\n?/g, "\n").trim()}\n`;
}

/**
 * Parses a private key (OpenSSH `BEGIN OPENSSH PRIVATE KEY` or PEM) into a key pair with its public
 * key and fingerprint.
 *
 * @param source What the key is, for error messages, for example `secret "sshPrivateKey"`.
 * @throws InvalidSshPrivateKeyError when the text is not an unencrypted ed25519, ECDSA or RSA private key.
 */
export function parseSshPrivateKey(text: string, source = "the private key"): SshKeyPair {
  if (typeof text !== "string" || text.trim() === "")
    throw new InvalidSshPrivateKeyError(source, "it is empty; paste the whole key including the BEGIN and END lines");
  const privateKey = normalizeKeyText(text);
  if (/^(ssh-|ecdsa-)/.test(privateKey)) {
    throw new InvalidSshPrivateKeyError(source, "this is a public key; paste the private key (the file without .pub)");
  }
  if (!privateKey.includes("PRIVATE KEY-----")) {
    throw new InvalidSshPrivateKeyError(source, 'it has no "-----BEGIN … PRIVATE KEY-----" line; paste the whole key file');
  }
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new InvalidSshPrivateKeyError(
      source,
      encrypted
        ? 'it is protected by a passphrase; remove it with `ssh-keygen -p -N "" -f <key file>` and paste the result'
        : `it could not be parsed (${parsed.message})`,
      { cause: parsed },
    );
  }
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  if (keys.length !== 1) throw new InvalidSshPrivateKeyError(source, `it holds ${keys.length} keys; paste exactly one`);
  const key = keys[0]!;
  if (!key.isPrivateKey()) throw new InvalidSshPrivateKeyError(source, "it holds no private part");
  const blob = key.getPublicSSH();
  const algorithm = algorithmOfKeyBlob(blob);
  const type = keyTypeOfAlgorithm(algorithm);
  if (!type) throw new InvalidSshPrivateKeyError(source, `keys of type "${algorithm}" are not supported; use ed25519, ECDSA or RSA`);
  return { type, publicKey: `${algorithm} ${blob.toString("base64")}`, fingerprint: sshFingerprint(blob), privateKey };
}

/** An SSH wire `string`: a 32-bit big-endian length, then the bytes. */
function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

const pkcs8Ed25519Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * Builds an ed25519 key pair from its 32-byte seed, with the private key encoded in OpenSSH format
 * exactly as `ssh-keygen -t ed25519` writes it (unencrypted, 70-column base64).
 *
 * ssh2's own generator is not used: it drops a leading zero byte of the public key (as if it were an
 * mpint), so about one key in 256 comes out 31 bytes long and no SSH implementation can read it.
 */
export function ed25519KeyPairFromSeed(seed: Buffer, comment = ""): SshKeyPair {
  if (seed.length !== 32) throw new RangeError(`An ed25519 seed is 32 bytes, not ${seed.length}`);
  const privateKeyObject = createPrivateKey({ key: Buffer.concat([pkcs8Ed25519Prefix, seed]), format: "der", type: "pkcs8" });
  const publicRaw = Buffer.from(createPublicKey(privateKeyObject).export({ format: "jwk" }).x!, "base64url");
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(publicRaw)]);
  const check = randomBytes(4);
  let section = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(publicRaw),
    sshString(Buffer.concat([seed, publicRaw])),
    sshString(comment),
  ]);
  const padding = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: padding }, (_, index) => index + 1))]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    count,
    sshString(publicBlob),
    sshString(section),
  ]).toString("base64");
  const lines = body.match(/.{1,70}/g) ?? [];
  const privateKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
  return { type: "ed25519", publicKey: formatSshPublicKey(publicBlob), fingerprint: sshFingerprint(publicBlob), privateKey };
}

/** Generates a new ed25519 key pair; the private key is in OpenSSH format, as `ssh-keygen -t ed25519` writes it. */
export function generateSshKeyPair(comment = ""): SshKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(pkcs8Ed25519Prefix.length);
  return ed25519KeyPairFromSeed(Buffer.from(seed), comment);
}
