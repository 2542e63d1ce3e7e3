import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { InvalidWireGuardKeyError } from "./errors.js";

/** A WireGuard key as `wg` prints it: 32 bytes in standard base64 (44 characters ending in `=`). */
export const wireGuardKeyPattern = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Whether `text` is a well-formed WireGuard key (32 bytes of base64). */
export function isWireGuardKey(text: string): boolean {
  return wireGuardKeyPattern.test(text);
}

/**
 * Decodes a WireGuard key to its 32 bytes.
 *
 * @param what names the key in the error, for example `secret "privateKey" of "laptop"`.
 * @throws InvalidWireGuardKeyError when the text is not 32 bytes of base64.
 */
export function decodeWireGuardKey(text: string, what = "the key"): Buffer {
  const trimmed = text.trim();
  if (!isWireGuardKey(trimmed)) throw new InvalidWireGuardKeyError(what);
  return Buffer.from(trimmed, "base64");
}

const pkcs8X25519Prefix = Buffer.from("302e020100300506032b656e04220420", "hex");

/**
 * Generates a WireGuard private key the way `wg genkey` does: 32 random bytes from the operating
 * system's CSPRNG, clamped for Curve25519 (RFC 7748 §5), in base64.
 */
export function generatePrivateKey(): string {
  // Node generates the scalar with its own CSPRNG; exporting it as JWK gives the raw 32 bytes.
  const { privateKey } = generateKeyPairSync("x25519");
  const jwk = privateKey.export({ format: "jwk" }) as { d: string };
  return clamp(Buffer.from(jwk.d, "base64url")).toString("base64");
}

function clamp(bytes: Buffer): Buffer {
  bytes[0]! &= 248;
  bytes[31]! &= 127;
  bytes[31]! |= 64;
  return bytes;
}

/**
 * The clamped form of a private key, which `wg` stores and shows (`wg showconf`); the public key is
 * the same either way.
 */
export function clampPrivateKey(privateKey: string, what = "the private key"): string {
  return clamp(decodeWireGuardKey(privateKey, what)).toString("base64");
}

/**
 * The public key of a WireGuard private key (what `wg pubkey` prints): X25519 of the clamped scalar
 * and the base point, in base64.
 *
 * @throws InvalidWireGuardKeyError when the private key is not 32 bytes of base64.
 */
export function derivePublicKey(privateKey: string, what = "the private key"): string {
  const bytes = decodeWireGuardKey(privateKey, what);
  // A raw X25519 scalar wrapped in its fixed PKCS#8 header (RFC 8410), the one import Node accepts without the public half.
  const key = createPrivateKey({ key: Buffer.concat([pkcs8X25519Prefix, bytes]), format: "der", type: "pkcs8" });
  const jwk = createPublicKey(key).export({ format: "jwk" }) as { x: string };
  return Buffer.from(jwk.x, "base64url").toString("base64");
}

/** Generates 32 random bytes in base64: a preshared key, or the key material of a network. */
export function generatePresharedKey(): string {
  return randomBytes(32).toString("base64");
}

/** The label mixed into every derived pair key; part of the derivation, never change it. */
export const pairKeyLabel = "highstate.wireguard.pair-psk.v1";

/**
 * Derives the preshared key of one pair of peers in a network with the `secure` mode. Both sides
 * compute the same key from the network's key material and the two public keys, without exchanging
 * anything; every other pair gets a different key.
 *
 * The derivation (version 1, stable — changing any step changes every link's key and breaks every
 * tunnel built with it):
 *
 * 1. decode the network key material and both public keys from base64 (32 bytes each);
 * 2. order the two public keys by their bytes (unsigned, lexicographic), so the order of the
 *    arguments does not matter;
 * 3. PSK = HMAC-SHA256(key = network key material, message = UTF-8 `highstate.wireguard.pair-psk.v1`,
 *    one zero byte, the smaller public key, the larger public key);
 * 4. encode the 32-byte result in base64.
 *
 * @throws InvalidWireGuardKeyError when a key is not 32 bytes of base64, or both public keys are the same.
 */
export function derivePairPresharedKey(networkKey: string, publicKeyA: string, publicKeyB: string): string {
  const material = decodeWireGuardKey(networkKey, "the network's preshared key material");
  const a = decodeWireGuardKey(publicKeyA, "the first public key");
  const b = decodeWireGuardKey(publicKeyB, "the second public key");
  const order = Buffer.compare(a, b);
  if (order === 0) throw new InvalidWireGuardKeyError("the pair of public keys", "a peer cannot be paired with itself");
  const [low, high] = order < 0 ? [a, b] : [b, a];
  return createHmac("sha256", material)
    .update(Buffer.from(pairKeyLabel, "utf8"))
    .update(Buffer.from([0]))
    .update(low)
    .update(high)
    .digest("base64");
}
