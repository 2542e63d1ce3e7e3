import { createHash, timingSafeEqual } from "node:crypto";
import { InvalidHostKeyError } from "./errors.js";

/** An SSH public key parsed from an OpenSSH public key line (`ssh-ed25519 AAAA… comment`). */
export interface PinnedHostKey {
  /** The key type named in the line, e.g. `ssh-ed25519`. */
  type: string;
  /** The raw key blob (the base64-decoded second field), as the server sends it during key exchange. */
  blob: Buffer;
  /** `SHA256:…` fingerprint as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

const keyTypePattern = /^(ssh-(ed25519|ed448|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;

/**
 * Parses an OpenSSH public key line. Leading `known_hosts`-style fields (host patterns, options) are
 * skipped, so a line copied from `known_hosts` works too.
 */
export function parseHostKey(line: string): PinnedHostKey {
  const fields = line.trim().split(/\s+/);
  const index = fields.findIndex((field) => keyTypePattern.test(field));
  if (index === -1) throw new InvalidHostKeyError(line, "no known key type such as ssh-ed25519");
  const type = fields[index] as string;
  const encoded = fields[index + 1];
  if (!encoded || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new InvalidHostKeyError(line, "the base64 key data is missing");
  const blob = Buffer.from(encoded, "base64");
  const embeddedType = readSshString(blob);
  if (embeddedType !== type) throw new InvalidHostKeyError(line, `the key data is of type "${embeddedType ?? "unknown"}", not "${type}"`);
  return { type, blob, fingerprint: fingerprintOf(blob) };
}

/** The OpenSSH `SHA256:` fingerprint of a raw public key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Whether the key a server offered is exactly the pinned key. */
export function hostKeyMatches(pinned: PinnedHostKey, offered: Buffer): boolean {
  return pinned.blob.length === offered.length && timingSafeEqual(pinned.blob, offered);
}

/**
 * The host key signature algorithms to offer for a pinned key type, so a server holding several host
 * keys (RSA, ECDSA, Ed25519) presents the pinned one rather than another legitimate key that would
 * not match. `undefined` leaves the client's defaults.
 */
export function hostKeyAlgorithmsFor(type: string): string[] | undefined {
  if (type === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  if (type === "ssh-ed25519" || type === "ssh-dss" || type.startsWith("ecdsa-sha2-")) return [type];
  return undefined;
}

/** The first length-prefixed string of an SSH wire blob: the key type. */
function readSshString(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > 64 || 4 + length > blob.length) return undefined;
  return blob.subarray(4, 4 + length).toString("latin1");
}
