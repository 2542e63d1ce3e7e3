import { randomBytes } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import {
  type CertificateAndKey,
  createCertificateAuthority,
  generatePrivateKey,
  InvalidPemError,
  loadCertificate,
  loadPrivateKey,
  privateKeyPem,
} from "./certificates.js";

const base64Pem = (label: string) =>
  z
    .string()
    .min(1)
    .refine((value) => Buffer.from(value, "base64").toString("utf8").includes(`-----BEGIN ${label}`), {
      message: `must be base64 of a PEM ${label.toLowerCase()}`,
    });

const certAndKeySchema = z.object({ cert: base64Pem("CERTIFICATE"), key: base64Pem("") }).strict();
const tokenSchema = z.string().regex(/^[0-9a-z]{6}\.[0-9a-z]{16}$/, "must be a token like abcdef.0123456789abcdef");
const base64Key32 = z
  .string()
  .refine((value) => Buffer.from(value, "base64").length === 32 && Buffer.from(value, "base64").toString("base64") === value, {
    message: "must be standard base64 of 32 bytes",
  });

/**
 * The cluster secrets: every CA, key and token of a Talos cluster, in the JSON shape of
 * `talos_machine_secrets` / `@pulumiverse/talos` (certificates and keys as base64 of PEM), so a
 * bundle made by either can be used.
 */
export const secretsBundleSchema = z
  .object({
    /** The cluster's identity for discovery. */
    cluster: z.object({ id: z.string().min(1), secret: base64Key32 }).strict(),
    /** The Kubernetes bootstrap token and the secret that encrypts Kubernetes secrets at rest. */
    secrets: z
      .object({
        bootstrapToken: tokenSchema,
        secretboxEncryptionSecret: base64Key32.optional(),
        aescbcEncryptionSecret: base64Key32.optional(),
      })
      .strict()
      .refine((value) => (value.secretboxEncryptionSecret === undefined) !== (value.aescbcEncryptionSecret === undefined), {
        message: "needs exactly one of secretboxEncryptionSecret and aescbcEncryptionSecret",
      }),
    /** The token workers use to get their Talos API certificate from trustd. */
    trustdinfo: z.object({ token: tokenSchema }).strict(),
    /** The certificate authorities (and the service account key). */
    certs: z
      .object({
        etcd: certAndKeySchema,
        k8s: certAndKeySchema,
        k8sAggregator: certAndKeySchema,
        k8sServiceaccount: z.object({ key: base64Pem("") }).strict(),
        os: certAndKeySchema,
      })
      .strict(),
  })
  .strict();
export type SecretsBundle = z.output<typeof secretsBundleSchema>;

/** Thrown when a stored secrets bundle is not a usable bundle. */
export class InvalidSecretsBundleError extends Error {
  override name = "InvalidSecretsBundleError";
}

const tokenAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A random string over `[0-9a-z]`, without modulo bias (bytes ≥ 252 are drawn again). */
function randomToken(length: number): string {
  let result = "";
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 252) continue;
      result += tokenAlphabet[byte % 36];
      if (result.length === length) break;
    }
  }
  return result;
}

/** A Kubernetes-style token `[0-9a-z]{6}.[0-9a-z]{16}`, as Talos makes its bootstrap and trustd tokens. */
export function generateToken(): string {
  return `${randomToken(6)}.${randomToken(16)}`;
}

const encode = (pem: string) => Buffer.from(pem, "utf8").toString("base64");
const decode = (value: string) => Buffer.from(value, "base64").toString("utf8");
const encodePair = (pair: CertificateAndKey) => ({ cert: encode(pair.cert), key: encode(pair.key) });

/**
 * Generates the secrets of a new cluster as Talos does for a 1.7+ contract: etcd, Kubernetes and
 * aggregator CAs with ECDSA P-256 keys, the Talos API CA with an Ed25519 key, an RSA-4096 service
 * account key, the secretbox encryption secret, bootstrap and trustd tokens and the cluster identity.
 * Generate once and keep the result: new secrets make a new cluster.
 */
export async function generateSecretsBundle(now: Date = new Date()): Promise<SecretsBundle> {
  const [etcd, k8s, k8sAggregator, os, serviceAccount] = await Promise.all([
    createCertificateAuthority({ organization: "etcd", keyType: "ecdsa-p256", notBefore: now }),
    createCertificateAuthority({ organization: "kubernetes", keyType: "ecdsa-p256", notBefore: now }),
    // Talos leaves the aggregator CA's subject empty (only the organization would be copied, and it has none).
    createCertificateAuthority({ keyType: "ecdsa-p256", notBefore: now }),
    createCertificateAuthority({ organization: "talos", keyType: "ed25519", notBefore: now }),
    generatePrivateKey("rsa-4096"),
  ]);
  return {
    cluster: { id: `${randomBytes(32).toString("base64url")}=`, secret: randomBytes(32).toString("base64") },
    secrets: { bootstrapToken: generateToken(), secretboxEncryptionSecret: randomBytes(32).toString("base64") },
    trustdinfo: { token: generateToken() },
    certs: {
      etcd: encodePair(etcd),
      k8s: encodePair(k8s),
      k8sAggregator: encodePair(k8sAggregator),
      k8sServiceaccount: { key: encode(privateKeyPem(serviceAccount)) },
      os: encodePair(os),
    },
  };
}

/** The `secrets.yaml` layout `talosctl gen secrets` writes (yaml.v3 lower-cased field names), mapped to the bundle's JSON shape. */
function fromTalosctlYaml(value: Record<string, unknown>): unknown {
  const record = (item: unknown) => (typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {});
  const pair = (item: unknown) => ({ cert: record(item).crt, key: record(item).key });
  const certs = record(value.certs);
  const secrets = record(value.secrets);
  const bundle = {
    cluster: value.cluster,
    secrets: {
      bootstrapToken: secrets.bootstraptoken,
      ...(secrets.secretboxencryptionsecret !== undefined ? { secretboxEncryptionSecret: secrets.secretboxencryptionsecret } : {}),
      ...(secrets.aescbcencryptionsecret !== undefined ? { aescbcEncryptionSecret: secrets.aescbcencryptionsecret } : {}),
    },
    trustdinfo: value.trustdinfo,
    certs: {
      etcd: pair(certs.etcd),
      k8s: pair(certs.k8s),
      k8sAggregator: pair(certs.k8saggregator),
      k8sServiceaccount: { key: record(certs.k8sserviceaccount).key },
      os: pair(certs.os),
    },
  };
  return bundle;
}

/**
 * Reads a stored secrets bundle, checking its shape and that every certificate and key parses. It takes
 * the JSON shape of `talos_machine_secrets` / `@pulumiverse/talos` (what this package generates) or the
 * `secrets.yaml` that `talosctl gen secrets` writes.
 *
 * @param what names the bundle in errors, e.g. `secret "secretsBundle" of "prod"`.
 * @throws InvalidSecretsBundleError naming the field and what is wrong.
 */
export function parseSecretsBundle(text: string, what: string): SecretsBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    let yaml: unknown;
    try {
      yaml = parseYaml(text);
    } catch {
      yaml = undefined;
    }
    const certs = typeof yaml === "object" && yaml !== null ? (yaml as Record<string, unknown>).certs : undefined;
    if (typeof certs !== "object" || certs === null || !("k8saggregator" in certs)) {
      throw new InvalidSecretsBundleError(
        `The Talos secrets bundle in ${what} is neither JSON nor a talosctl secrets.yaml: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    json = fromTalosctlYaml(yaml as Record<string, unknown>);
  }
  const result = secretsBundleSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `"${issue.path.join(".")}" ${issue.message}`).join("; ");
    throw new InvalidSecretsBundleError(`The Talos secrets bundle in ${what} is not valid: ${issues}`);
  }
  const bundle = result.data;
  try {
    for (const name of ["etcd", "k8s", "k8sAggregator", "os"] as const) {
      loadCertificate(decode(bundle.certs[name].cert), `certs.${name}.cert`);
      loadPrivateKey(decode(bundle.certs[name].key), `certs.${name}.key`);
    }
    loadPrivateKey(decode(bundle.certs.k8sServiceaccount.key), "certs.k8sServiceaccount.key");
  } catch (error) {
    if (error instanceof InvalidPemError)
      throw new InvalidSecretsBundleError(`The Talos secrets bundle in ${what} is not valid: ${error.message}`, { cause: error });
    throw error;
  }
  return bundle;
}

/** The PEM certificate and key of one CA of a bundle (decoded from base64). */
export function bundleCertificate(bundle: SecretsBundle, name: "etcd" | "k8s" | "k8sAggregator" | "os"): CertificateAndKey {
  return { cert: decode(bundle.certs[name].cert), key: decode(bundle.certs[name].key) };
}
