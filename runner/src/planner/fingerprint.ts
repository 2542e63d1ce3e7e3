/**
 * Instance fingerprints: what an instance ran with, in hashed form, so the planner can tell what
 * changed since its last successful `up`. The engine records `computeInstanceFingerprint(…)` of the
 * run in the instance state when `up` succeeds, together with `digestOutputs(…)` of the new outputs;
 * the planner computes the same fingerprint from the current project and compares.
 *
 * Plain values (args, non-secret outputs) are hashed with SHA-256. Secret values (the instance's
 * secrets, secret outputs) are hashed with HMAC-SHA256 under a key derived from the project key, so a
 * fingerprint on disk gives no shortcut for guessing a weak secret.
 */
import { createHmac, hash } from "node:crypto";
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
  /** Input name → the digests of the upstream outputs feeding it (from {@link digestOutputs}), in resolution order. */
  inputs: Record<string, readonly string[]>;
}

/** The digest recorded for an upstream output that has no recorded value (not created, or not returned). */
export const missingOutputDigest = "none";

/** The digest of an instance without secrets; needs no key, so such instances are checked without a password. */
export const emptySecretsDigest = "none";

/**
 * The own keys of a record in code-unit order (what `Array.prototype.sort` gives strings). An insertion
 * sort in place: records here have a handful of keys, and the built-in sort allocates scratch space on
 * every call, which adds up over thousands of instances.
 */
export function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let position = 1; position < keys.length; position += 1) {
    const key = keys[position]!;
    let slot = position;
    while (slot > 0 && keys[slot - 1]! > key) {
      keys[slot] = keys[slot - 1]!;
      slot -= 1;
    }
    keys[slot] = key;
  }
  return keys;
}

/** Whether every member is a string, a number, a boolean, `null`, `undefined` or a function (no nested objects). */
function holdsOnlyPlainValues(record: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const key of keys) {
    const item = record[key];
    const type = typeof item;
    if (item !== null && type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined" && type !== "function") return false;
  }
  return true;
}

/** Serialises a JSON-like value with object keys sorted, for hashing (`undefined` members are dropped, as JSON does). */
export function canonicalStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let text = "[";
    for (let position = 0; position < value.length; position += 1) {
      const item: unknown = value[position];
      text += `${position > 0 ? "," : ""}${item === undefined ? "null" : canonicalStringify(item)}`;
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  if (typeof (record as { toJSON?: unknown }).toJSON === "function") return canonicalStringify((record as { toJSON: () => unknown }).toJSON());
  const keys = sortedKeys(record);
  // The usual args object holds only plain values: JSON.stringify with the sorted keys as its
  // property list writes exactly the same text in one go.
  if (holdsOnlyPlainValues(record, keys)) return JSON.stringify(record, keys);
  let text = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === "function") continue;
    text += `${first ? "" : ","}${JSON.stringify(key)}:${canonicalStringify(item)}`;
    first = false;
  }
  return `${text}}`;
}

/** `sha256:<hex>` of a plain (non-secret) value's canonical JSON. */
export function digestValue(value: unknown): string {
  return `sha256:${hash("sha256", canonicalStringify(value), "hex")}`;
}

/** A key for digesting secret values, derived from one project's password and salt. */
export interface FingerprintKey {
  /** `hmac-sha256:<hex>` of a value's canonical JSON. */
  digest(value: unknown): string;
}

/** Makes a fingerprint key from raw key bytes (tests; production keys come from {@link deriveFingerprintKey}). */
export function fingerprintKeyFromBytes(bytes: Uint8Array): FingerprintKey {
  const key = Buffer.from(bytes);
  return { digest: (value) => `hmac-sha256:${createHmac("sha256", key).update(canonicalStringify(value)).digest("hex")}` };
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

/**
 * Digests each output of a run (name → value and whether it is secret). Secret outputs need the key.
 *
 * @throws Error when a secret output is given without a key.
 */
export function digestOutputs(outputs: Record<string, { value: unknown; secret: boolean }>, key: FingerprintKey | undefined): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const [name, output] of Object.entries(outputs)) {
    if (output.secret) {
      if (!key) throw new Error(`Output "${name}" is secret: digesting it needs the project's fingerprint key (deriveFingerprintKey)`);
      digests[name] = key.digest(output.value);
    } else {
      digests[name] = digestValue(output.value);
    }
  }
  return digests;
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
    args: digestValue(input.args),
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
  if (before.package !== after.package) reasons.push(`component now comes from "${after.package}@${after.version}" (was "${before.package}@${before.version}")`);
  else if (before.version !== after.version) reasons.push(`component package "${after.package}" updated (${before.version} → ${after.version})`);
  if (previous.args !== current.args) reasons.push("args changed");
  if (previous.secrets !== undefined && current.secrets !== undefined && previous.secrets !== current.secrets) reasons.push("secrets changed");
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
