import * as crypto from "node:crypto";

const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random token of `length` letters and digits (no look-alikes): 40 characters carry about 233 bits. */
export function generateToken(length = 40): string {
  let token = "";
  for (let index = 0; index < length; index++) token += alphabet[crypto.randomInt(alphabet.length)];
  return token;
}

type Argon2Sync = (
  algorithm: "argon2id",
  parameters: { message: string; nonce: Buffer; parallelism: number; tagLength: number; memory: number; passes: number },
) => Buffer;

/**
 * The Argon2id PHC string of a token, as Vaultwarden's `ADMIN_TOKEN` accepts it, so the pod never
 * holds the token itself. The salt is derived from the token, so the same token gives the same hash
 * on every run (no needless restarts). On Node.js without `crypto.argon2Sync` (before 24.7) the token
 * is returned as it is, which Vaultwarden also accepts.
 */
export function vaultwardenAdminTokenHash(token: string): string {
  const argon2Sync = (crypto as unknown as { argon2Sync?: Argon2Sync }).argon2Sync;
  if (typeof argon2Sync !== "function") return token;
  const salt = crypto.createHash("sha256").update(`highstate vaultwarden admin token\n${token}`).digest().subarray(0, 16);
  const parameters = { memory: 19456, passes: 2, parallelism: 1 };
  const hash = argon2Sync("argon2id", { message: token, nonce: salt, tagLength: 32, ...parameters });
  const b64 = (value: Buffer) => value.toString("base64").replace(/=+$/, "");
  return `$argon2id$v=19$m=${parameters.memory},t=${parameters.passes},p=${parameters.parallelism}$${b64(salt)}$${b64(hash)}`;
}
