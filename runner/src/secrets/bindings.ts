/**
 * Bindings tie each `secure:` value of `Pulumi.<project>.yaml` to its place. Pulumi's passphrase format
 * encrypts without associated data, so a ciphertext decrypts wherever it is put: swapping two values
 * would move, say, a server password into a field whose value is sent somewhere else. Next to the
 * values, under a config key of its own (`highstate:secretBindings`), each secret gets
 * `hmac-sha256:<hex>` over (instance id, secret name, ciphertext), keyed from the project password.
 * The `secure:` values themselves stay exactly as Pulumi writes them (no associated data is added).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { SecretBindingProblem } from "./errors.js";
import { deriveKey, parseEncryptionSalt } from "./passphrase-crypter.js";

/** The config key (namespace `highstate`) under which the bindings live: instance id → secret name → binding. */
export const secretBindingsConfigKey = "highstate:secretBindings";

/** The shape of one binding. */
export const secretBindingPattern = /^hmac-sha256:[0-9a-f]{64}$/;

const bindingKeyLabel = "highstate:secret-binding:v1";

/** Computes and checks bindings with one project's key. */
export interface SecretBinder {
  /** The binding of a secure value stored as secret `name` of `instanceId`. */
  bind(instanceId: string, name: string, secureValue: string): string;
  /** Whether `binding` is the binding of that value at that place (compared in constant time). */
  matches(instanceId: string, name: string, secureValue: string, binding: string): boolean;
}

/** Makes a binder from raw key bytes (production keys come from {@link deriveSecretBinder}). */
export function secretBinderFromBytes(bytes: Uint8Array): SecretBinder {
  const key = Buffer.from(bytes);
  const bind = (instanceId: string, name: string, secureValue: string): string =>
    // A JSON array keeps the three parts apart unambiguously, whatever characters they hold.
    `hmac-sha256:${createHmac("sha256", key)
      .update(JSON.stringify([instanceId, name, secureValue]))
      .digest("hex")}`;
  return {
    bind,
    matches(instanceId, name, secureValue, binding) {
      const expected = Buffer.from(bind(instanceId, name, secureValue));
      const actual = Buffer.from(binding);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

/**
 * Derives the binding key of a project from its password and `encryptionsalt`, from the (cached) PBKDF2
 * key of the passphrase crypter with a label of its own, so it is as hard to forge a binding as to guess
 * the password. The caller checks the password first (with `createPassphraseCrypter`).
 */
export async function deriveSecretBinder(password: string, encryptionSalt: string): Promise<SecretBinder> {
  const { salt } = parseEncryptionSalt(encryptionSalt);
  const projectKey = await deriveKey(password, salt);
  return secretBinderFromBytes(createHmac("sha256", projectKey).update(bindingKeyLabel).digest());
}

/** What {@link checkBindings} found. */
export interface BindingCheck {
  /** Whether the file has any binding (a file without any was written before bindings existed). */
  bound: boolean;
  /** Secrets that may not be read: mismatches, and (in a bound file) values without a binding. */
  problems: SecretBindingProblem[];
  /** Secrets without a binding in a file that has none yet (read with a warning, bound on the next write). */
  unbound: Array<{ instanceId: string; name: string }>;
}

/** At most this many HMACs are computed to find where moved values came from ({@link SecretBindingProblem}'s `movedFrom`). */
const maxOriginChecks = 50_000;

/** Whether a file's bindings section holds any binding. */
export function hasBindings(bindings: Record<string, Record<string, string>>): boolean {
  return Object.values(bindings).some((names) => Object.keys(names).length > 0);
}

/** Checks every secret against its binding. Bindings without a secret (a deleted value) are ignored. */
export function checkBindings(
  secrets: Record<string, Record<string, string>>,
  bindings: Record<string, Record<string, string>>,
  binder: SecretBinder,
): BindingCheck {
  const bound = hasBindings(bindings);
  const problems: SecretBindingProblem[] = [];
  const unbound: Array<{ instanceId: string; name: string }> = [];
  for (const instanceId of Object.keys(secrets).sort()) {
    const values = secrets[instanceId]!;
    for (const name of Object.keys(values).sort()) {
      const binding =
        Object.hasOwn(bindings, instanceId) && Object.hasOwn(bindings[instanceId]!, name) ? bindings[instanceId]![name] : undefined;
      if (binding === undefined) {
        if (bound) problems.push({ instanceId, name, kind: "unbound" });
        else unbound.push({ instanceId, name });
      } else if (!binder.matches(instanceId, name, values[name]!, binding)) problems.push({ instanceId, name, kind: "mismatch" });
    }
  }
  // Each lookup computes one HMAC per binding: a file where everything changed (re-encrypted by another
  // tool) is reported without origins rather than slowly.
  const bindingCount = Object.values(bindings).reduce((count, names) => count + Object.keys(names).length, 0);
  if (problems.length * bindingCount <= maxOriginChecks) {
    for (const problem of problems) {
      const from = movedFrom(problem, secrets[problem.instanceId]![problem.name]!, bindings, binder);
      if (from) problem.movedFrom = from;
    }
  }
  return { bound, problems, unbound };
}

/**
 * The other place whose binding covers `secureValue` (the binding is over the ciphertext, so a value
 * moved or copied from there still matches the binding it left behind), if any.
 */
function movedFrom(
  place: { instanceId: string; name: string },
  secureValue: string,
  bindings: Record<string, Record<string, string>>,
  binder: SecretBinder,
): { instanceId: string; name: string } | undefined {
  for (const instanceId of Object.keys(bindings).sort()) {
    for (const name of Object.keys(bindings[instanceId]!).sort()) {
      if (instanceId === place.instanceId && name === place.name) continue;
      if (binder.matches(instanceId, name, secureValue, bindings[instanceId]![name]!)) return { instanceId, name };
    }
  }
  return undefined;
}
