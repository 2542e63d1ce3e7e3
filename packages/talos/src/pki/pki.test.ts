import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { issueCertificate, loadPrivateKey, normalizePrivateKeyPem } from "./certificates.js";
import { bundleCertificate, generateSecretsBundle, generateToken, parseSecretsBundle, type SecretsBundle } from "./secrets.js";
import { adminCertificateRenewalPeriodMs, issueAdminCertificate, renderTalosconfig, renewalPeriodStart } from "./talosconfig.js";

const now = new Date("2026-12-04T12:00:00Z");
const day = 24 * 3600 * 1000;
let bundle: SecretsBundle;

beforeAll(async () => {
  bundle = await generateSecretsBundle(now);
});

const pem = (value: string) => Buffer.from(value, "base64").toString("utf8");
const extensionsOf = (cert: string) => new x509.X509Certificate(cert);

describe("generateSecretsBundle", () => {
  it.each([
    ["etcd", "O=etcd", "ec"],
    ["k8s", "O=kubernetes", "ec"],
    ["k8sAggregator", "", "ec"],
    ["os", "O=talos", "ed25519"],
  ] as const)("makes the %s CA: subject %j, %s key, self-signed, CA:TRUE, ten years", (name, subject, keyType) => {
    const { cert, key } = bundleCertificate(bundle, name);
    const parsed = new X509Certificate(cert);
    expect(parsed.subject).toBe(subject);
    expect(parsed.issuer).toBe(subject);
    expect(parsed.ca).toBe(true);
    expect(parsed.checkIssued(parsed)).toBe(true);
    expect(parsed.verify(parsed.publicKey)).toBe(true);
    expect(parsed.publicKey.asymmetricKeyType).toBe(keyType);
    if (keyType === "ec") expect(parsed.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    // The key belongs to the certificate.
    expect(createPublicKey(loadPrivateKey(key, name)).export({ type: "spki", format: "der" })).toEqual(
      parsed.publicKey.export({ type: "spki", format: "der" }),
    );
    expect(key).toMatch(keyType === "ec" ? /^-----BEGIN EC PRIVATE KEY-----/ : /^-----BEGIN PRIVATE KEY-----/);
    expect(new Date(parsed.validFrom).getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000);
    expect(new Date(parsed.validTo).getTime() - new Date(parsed.validFrom).getTime()).toBe(87_600 * 3600 * 1000);

    const ext = extensionsOf(cert);
    const basic = ext.getExtension(x509.BasicConstraintsExtension)!;
    expect([basic.ca, basic.critical, basic.pathLength]).toEqual([true, true, undefined]);
    const usages = ext.getExtension(x509.KeyUsagesExtension)!;
    expect(usages.critical).toBe(true);
    expect(usages.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign);
    expect(ext.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
      x509.ExtendedKeyUsage.clientAuth,
    ]);
    expect(ext.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId).toHaveLength(40);
    expect(BigInt(`0x${parsed.serialNumber}`)).toBeLessThan(2n ** 128n);
  });

  it("makes an RSA-4096 service account key (PKCS#1), a secretbox secret and kubeadm-style tokens", () => {
    const key = createPrivateKey(pem(bundle.certs.k8sServiceaccount.key));
    expect(pem(bundle.certs.k8sServiceaccount.key)).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(Buffer.from(bundle.secrets.secretboxEncryptionSecret!, "base64")).toHaveLength(32);
    expect(bundle.secrets.aescbcEncryptionSecret).toBeUndefined();
    expect(Buffer.from(bundle.cluster.secret, "base64")).toHaveLength(32);
    expect(bundle.cluster.id).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(bundle.secrets.bootstrapToken).toMatch(/^[0-9a-z]{6}\.[0-9a-z]{16}$/);
    expect(bundle.trustdinfo.token).toMatch(/^[0-9a-z]{6}\.[0-9a-z]{16}$/);
    expect(bundle.trustdinfo.token).not.toBe(bundle.secrets.bootstrapToken);
  });

  it("uses every token character, not only a biased few", () => {
    const seen = new Set(Array.from({ length: 200 }, generateToken).join("").replace(".", ""));
    expect(seen.size).toBe(37);
  });

  it("makes a different cluster each time it is called (callers keep the first)", async () => {
    const other = await generateSecretsBundle(now);
    expect(other.certs.os.key).not.toBe(bundle.certs.os.key);
    expect(other.cluster.id).not.toBe(bundle.cluster.id);
  });
});

describe("parseSecretsBundle", () => {
  it("reads back what was generated, unchanged", () => {
    expect(parseSecretsBundle(JSON.stringify(bundle), "the test")).toEqual(bundle);
  });

  it("reads the secrets.yaml talosctl gen secrets writes", () => {
    const yaml = [
      "cluster:",
      `    id: ${bundle.cluster.id}`,
      `    secret: ${bundle.cluster.secret}`,
      "secrets:",
      `    bootstraptoken: ${bundle.secrets.bootstrapToken}`,
      `    secretboxencryptionsecret: ${bundle.secrets.secretboxEncryptionSecret}`,
      "trustdinfo:",
      `    token: ${bundle.trustdinfo.token}`,
      "certs:",
      ...(["etcd", "k8s", "k8saggregator", "os"] as const).flatMap((name) => {
        const pair = bundle.certs[name === "k8saggregator" ? "k8sAggregator" : name];
        return [`    ${name}:`, `        crt: ${pair.cert}`, `        key: ${pair.key}`];
      }),
      "    k8sserviceaccount:",
      `        key: ${bundle.certs.k8sServiceaccount.key}`,
      "",
    ].join("\n");
    expect(parseSecretsBundle(yaml, "x")).toEqual(bundle);
  });

  it("reads a talosctl-style Ed25519 key labelled ED25519 PRIVATE KEY", () => {
    const os = bundleCertificate(bundle, "os");
    const labelled = os.key.replace(/PRIVATE KEY/g, "ED25519 PRIVATE KEY");
    expect(normalizePrivateKeyPem(labelled)).toBe(os.key);
    const copy = structuredClone(bundle);
    copy.certs.os.key = Buffer.from(labelled).toString("base64");
    expect(() => parseSecretsBundle(JSON.stringify(copy), "x")).not.toThrow();
  });

  it.each([
    ["not json", (): string => "{", /secret "b" of "c" is neither JSON nor a talosctl secrets.yaml/],
    ["a missing CA", (): string => JSON.stringify({ ...bundle, certs: { ...bundle.certs, os: undefined } }), /"certs.os"/],
    ["a bad token", (): string => JSON.stringify({ ...bundle, trustdinfo: { token: "short" } }), /"trustdinfo.token" must be a token/],
    [
      "both encryption secrets",
      (): string =>
        JSON.stringify({ ...bundle, secrets: { ...bundle.secrets, aescbcEncryptionSecret: bundle.secrets.secretboxEncryptionSecret } }),
      /exactly one/,
    ],
    [
      "a certificate that does not parse",
      (): string =>
        JSON.stringify({
          ...bundle,
          certs: {
            ...bundle.certs,
            k8s: {
              ...bundle.certs.k8s,
              cert: Buffer.from("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").toString("base64"),
            },
          },
        }),
      /certs\.k8s\.cert is not a PEM certificate/,
    ],
  ] as Array<[string, () => string, RegExp]>)("rejects %s with a message naming the field", (_label, text, message) => {
    expect(() => parseSecretsBundle(text(), 'secret "b" of "c"')).toThrow(message);
  });
});

describe("issueAdminCertificate", () => {
  it("issues an os:admin client certificate from the Talos API CA: clientAuth only, one year, back-dated a minute", async () => {
    const admin = await issueAdminCertificate(bundle, now);
    const ca = new X509Certificate(bundleCertificate(bundle, "os").cert);
    const cert = new X509Certificate(admin.cert);
    expect(cert.subject).toBe("O=os:admin");
    expect(cert.issuer).toBe("O=talos");
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe("ed25519");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    const ext = extensionsOf(admin.cert);
    expect(ext.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    const start = renewalPeriodStart(now).getTime();
    expect(new Date(cert.validFrom).getTime()).toBe(start - 60_000);
    expect(new Date(cert.validTo).getTime()).toBe(start + 365 * day);
    // Whenever it is issued, at least 65 days are left.
    expect(new Date(cert.validTo).getTime() - now.getTime()).toBeGreaterThanOrEqual(65 * day);
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it("gives the same certificate within a renewal period and a new one in the next", async () => {
    const first = await issueAdminCertificate(bundle, now);
    const later = await issueAdminCertificate(bundle, new Date(renewalPeriodStart(now).getTime() + adminCertificateRenewalPeriodMs - 1000));
    expect(later).toEqual(first);
    const next = await issueAdminCertificate(bundle, new Date(renewalPeriodStart(now).getTime() + adminCertificateRenewalPeriodMs));
    expect(next.cert).not.toBe(first.cert);
    expect(next.key).not.toBe(first.key);
  });

  it("passes openssl's verification for a TLS client", async (context) => {
    let hasOpenssl = true;
    try {
      execFileSync("openssl", ["version"]);
    } catch {
      hasOpenssl = false;
    }
    if (!hasOpenssl) {
      console.warn("Skipping the openssl check: openssl is not installed");
      context.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), "talos-pki-"));
    try {
      const admin = await issueAdminCertificate(bundle, new Date());
      writeFileSync(join(dir, "ca.pem"), bundleCertificate(bundle, "os").cert);
      writeFileSync(join(dir, "admin.pem"), admin.cert);
      const out = execFileSync("openssl", ["verify", "-CAfile", join(dir, "ca.pem"), "-purpose", "sslclient", join(dir, "admin.pem")], {
        encoding: "utf8",
      });
      expect(out.trim()).toBe(`${join(dir, "admin.pem")}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("issueCertificate", () => {
  it("puts DNS names and IP addresses in the SAN and keeps the given usages", async () => {
    const server = await issueCertificate({
      ca: bundleCertificate(bundle, "os"),
      commonName: "node-1",
      altNames: ["node-1.example.com", "10.0.0.5", "2001:db8::5"],
      usages: ["serverAuth"],
      notBefore: now,
      notAfter: new Date(now.getTime() + day),
    });
    const cert = new X509Certificate(server.cert);
    expect(cert.subject).toBe("CN=node-1");
    expect(cert.subjectAltName).toBe("DNS:node-1.example.com, IP Address:10.0.0.5, IP Address:2001:DB8:0:0:0:0:0:5");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(cert.checkIssued(new X509Certificate(bundleCertificate(bundle, "os").cert))).toBe(true);
  });
});

describe("renderTalosconfig", () => {
  it("writes one current context with base64 PEM credentials", async () => {
    const admin = await issueAdminCertificate(bundle, now);
    const ca = bundleCertificate(bundle, "os").cert;
    const text = renderTalosconfig({
      context: "prod",
      endpoints: ["10.0.0.1"],
      nodes: ["10.0.0.1", "10.0.0.2"],
      credentials: { ca, ...admin },
    });
    const config = parse(text);
    expect(config.context).toBe("prod");
    expect(config.contexts.prod.endpoints).toEqual(["10.0.0.1"]);
    expect(config.contexts.prod.nodes).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(pem(config.contexts.prod.ca)).toBe(ca);
    expect(pem(config.contexts.prod.crt)).toBe(admin.cert);
    expect(pem(config.contexts.prod.key)).toBe(admin.key);
    expect(text).not.toContain(bundleCertificate(bundle, "os").key.split("\n")[1]);
  });
});
