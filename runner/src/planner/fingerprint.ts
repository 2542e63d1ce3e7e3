/**
 * Instance fingerprints: what an instance ran with, in hashed form, so the planner can tell what
 * changed since its last successful `up`. The engine records `computeInstanceFingerprint(…)` of the
 * run in the instance state when `up` succeeds; the planner computes the same fingerprint from the
 * current project and compares. Inputs are fingerprinted by the hashes the instance state store keeps
 * of the upstream outputs (`outputHashes`: `hashJson` of a plain value, a hash of the ciphertext of a
 * secret one).
 *
 * Args are hashed with SHA-256 (`hashJson`). The instance's secrets are hashed with HMAC-SHA256 under a
 * key derived from the project key, so a fingerprint on disk gives no shortcut for guessing a weak secret.
 */
import { createHmac, hash } from "node:crypto";
import { canonicalJson, hashJson, sortedKeys } from "../fs/canonical.js";
import { createPassphraseCrypter, deriveKey, parseEncryptionSalt } from "../secrets/passphrase-crypter.js";

/** Bumped when the way fingerprints are computed changes (instances then show as outdated once). */
export const fingerprintFormat = 1;

/** What an instance ran with, hashed. Stored by the engine after a successful `up`. */
export interface InstanceFingerprint {
  /** {@link fingerprintFormat} at the time it was computed. */
  format: number;
  /** The component type and the package (and version) that defined it. */
  component: { type: string; package: string; version: string };
  /** `sha256:<hex>` of the args as the user set them. */
  args: string;
  /** Keyed digest of the instance's secrets (see {@link digestSecrets}); absent when it could not be computed. */
  secrets?: string;
  /** Input name → digest of the upstream output digests feeding it, in resolution order. */
  inputs: Record<string, string>;
}

/** What {@link computeInstanceFingerprint} needs. */
export interface FingerprintInput {
  /** The component type id. */
  componentType: string;
  /** The package defining the component and its version. */
  package: { name: string; version: string };
  /** The args as the user set them. */
  args: Record<string, unknown>;
  /** The digest of the instance's secrets from {@link digestSecrets}, when known. */
  secretsDigest?: string;
  /** Input name → the hashes of the upstream outputs feeding it (their states' `outputHashes`), in resolution order. */
  inputs: Record<string, readonly string[]>;
}

/** The digest recorded for an upstream output that has no recorded value (not created, or not returned). */
export const missingOutputDigest = "none";

/** The digest of an instance without secrets; needs no key, so such instances are checked without a password. */
export const emptySecretsDigest = "none";

/** A key for digesting secret values, derived from one project's password and salt. */
export interface FingerprintKey {
  /** `hmac-sha256:<hex>` of a value's canonical JSON. */
  digest(value: unknown): string;
}

/** Makes a fingerprint key from raw key bytes (tests; production keys come from {@link deriveFingerprintKey}). */
export function fingerprintKeyFromBytes(bytes: Uint8Array): FingerprintKey {
  const key = Buffer.from(bytes);
  return { digest: (value) => `hmac-sha256:${createHmac("sha256", key).update(canonicalJson(value)).digest("hex")}` };
}

/**
 * Derives the fingerprint key of a project from its password and the `encryptionsalt` of its secrets
 * file. It reuses the (cached) PBKDF2 key of the passphrase crypter, so guessing the password from a
 * fingerprint costs as much as guessing it from the secrets file.
 *
 * @throws IncorrectPasswordError when the password does not match the salt's check value.
 */
export async function deriveFingerprintKey(password: string, encryptionSalt: string): Promise<FingerprintKey> {
  // Checks the password first: a wrong one would make every secret look changed.
  await createPassphraseCrypter(password, encryptionSalt);
  const { salt } = parseEncryptionSalt(encryptionSalt);
  const projectKey = await deriveKey(password, salt);
  return fingerprintKeyFromBytes(createHmac("sha256", projectKey).update("highstate:instance-fingerprint:v1").digest());
}

/** The digest of an instance's secrets (name → value). No secrets need no key. */
export function digestSecrets(secrets: Record<string, unknown>, key: FingerprintKey | undefined): string | undefined {
  if (Object.keys(secrets).length === 0) return emptySecretsDigest;
  return key?.digest(secrets);
}

/** Computes an instance's fingerprint. The engine stores it after a successful `up`; the planner compares against it. */
export function computeInstanceFingerprint(input: FingerprintInput): InstanceFingerprint {
  const inputs: Record<string, string> = {};
  for (const name of sortedKeys(input.inputs)) {
    const digests = input.inputs[name]!;
    inputs[name] = digests.length === 0 ? missingOutputDigest : `sha256:${hash("sha256", digests.join("\n"), "hex")}`;
  }
  return {
    format: fingerprintFormat,
    component: { type: input.componentType, package: input.package.name, version: input.package.version },
    args: hashJson(input.args),
    ...(input.secretsDigest !== undefined ? { secrets: input.secretsDigest } : {}),
    inputs,
  };
}

/**
 * Says what changed between the fingerprint of the last successful run and the current one, as short
 * reasons (`args changed`, `input "cluster" changed`, …). Secrets are compared only when both are known.
 */
export function describeFingerprintChanges(previous: InstanceFingerprint, current: InstanceFingerprint): string[] {
  if (previous.format !== current.format) return ["last run was recorded by another version of the runner"];
  const reasons: string[] = [];
  const { component: before } = previous;
  const { component: after } = current;
  if (before.package !== after.package)
    reasons.push(`component now comes from "${after.package}@${after.version}" (was "${before.package}@${before.version}")`);
  else if (before.version !== after.version)
    reasons.push(`component package "${after.package}" updated (${before.version} → ${after.version})`);
  if (previous.args !== current.args) reasons.push("args changed");
  if (previous.secrets !== undefined && current.secrets !== undefined && previous.secrets !== current.secrets)
    reasons.push("secrets changed");
  let changed: string[] | undefined;
  for (const name in current.inputs) {
    if ((previous.inputs[name] ?? missingOutputDigest) !== current.inputs[name]) {
      changed ??= [];
      changed.push(name);
    }
  }
  for (const name in previous.inputs) {
    if (!Object.hasOwn(current.inputs, name) && previous.inputs[name] !== missingOutputDigest) {
      changed ??= [];
      changed.push(name);
    }
  }
  if (changed) for (const name of changed.sort()) reasons.push(`input "${name}" changed`);
  return reasons;
}
