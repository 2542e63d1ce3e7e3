import { createPrivateKey, hkdfSync } from "node:crypto";
import { stringify } from "yaml";
import { type CertificateAndKey, issueCertificate, loadPrivateKey } from "./certificates.js";
import { bundleCertificate, type SecretsBundle } from "./secrets.js";

/** How long an admin client certificate is valid: one year, as talosctl issues it. */
export const adminCertificateLifetimeMs = 365 * 24 * 3600 * 1000;

/**
 * How often a new admin certificate is issued. A run in a later period gets a new certificate, so
 * the one in use always has at least 65 days left and the talosconfig rotates without any stored state.
 */
export const adminCertificateRenewalPeriodMs = 300 * 24 * 3600 * 1000;

/** How far the certificate's start is moved back, so that a node whose clock is a little behind accepts it. */
export const clockSkewAllowanceMs = 60 * 1000;

/** The start of the renewal period `now` falls in. */
export function renewalPeriodStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / adminCertificateRenewalPeriodMs) * adminCertificateRenewalPeriodMs);
}

const ed25519Pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * Issues the Talos API client certificate for a role (`os:admin` by default): `O=<role>`, extended
 * key usage `clientAuth` only (apid rejects anything more), signed by the bundle's Talos API CA, valid
 * for a year from the start of the current renewal period (less a minute for clock skew).
 *
 * The key and serial are derived with HKDF from the CA key and the period, and Ed25519 signatures are
 * deterministic, so every run in one period gives the same certificate: the talosconfig only changes
 * when it is due for renewal.
 */
export async function issueAdminCertificate(bundle: SecretsBundle, now: Date = new Date(), role = "os:admin"): Promise<CertificateAndKey> {
  const ca = bundleCertificate(bundle, "os");
  const caKey = loadPrivateKey(ca.key, "certs.os.key").export({ type: "pkcs8", format: "der" });
  const start = renewalPeriodStart(now);
  const material = Buffer.from(hkdfSync("sha256", caKey, "highstate talos admin certificate v1", `${role}@${start.toISOString()}`, 48));
  const privateKey = createPrivateKey({ key: Buffer.concat([ed25519Pkcs8Prefix, material.subarray(0, 32)]), format: "der", type: "pkcs8" });
  const serial = Buffer.from(material.subarray(32, 48));
  serial[0] = (serial[0] as number) & 0x7f || 0x01;
  return issueCertificate({
    ca,
    organizations: [role],
    usages: ["clientAuth"],
    privateKey,
    serialNumber: serial.toString("hex"),
    notBefore: new Date(start.getTime() - clockSkewAllowanceMs),
    notAfter: new Date(start.getTime() + adminCertificateLifetimeMs),
  });
}

/** The client credentials of a Talos API connection, PEM. */
export interface TalosClientCredentials {
  /** The Talos API CA certificate, to verify nodes. */
  ca: string;
  /** The client certificate. */
  cert: string;
  /** The client key. */
  key: string;
}

/** Options of {@link renderTalosconfig}. */
export interface TalosconfigOptions {
  /** The context name, usually the cluster name. */
  context: string;
  /** Control-plane addresses talosctl connects to (port 50000 is implied). */
  endpoints: string[];
  /** The nodes commands target by default. */
  nodes: string[];
  /** The client credentials. */
  credentials: TalosClientCredentials;
}

/** Renders a talosconfig (YAML) with one context, which is current. */
export function renderTalosconfig(options: TalosconfigOptions): string {
  const encode = (pem: string) => Buffer.from(pem, "utf8").toString("base64");
  return stringify({
    context: options.context,
    contexts: {
      [options.context]: {
        endpoints: options.endpoints,
        nodes: options.nodes,
        ca: encode(options.credentials.ca),
        crt: encode(options.credentials.cert),
        key: encode(options.credentials.key),
      },
    },
  });
}
