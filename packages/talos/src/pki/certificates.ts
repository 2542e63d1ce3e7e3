import "reflect-metadata";
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as never);

const generateKeyPairAsync = promisify(generateKeyPair);

/** The key types the Talos PKI uses: Ed25519 for the Talos API, ECDSA P-256 for etcd and Kubernetes, RSA for the service account. */
export type KeyType = "ed25519" | "ecdsa-p256" | "rsa-4096";

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  /** The certificate, PEM (`-----BEGIN CERTIFICATE-----`). */
  cert: string;
  /** The private key, PEM: `PRIVATE KEY` (PKCS#8) for Ed25519, `EC PRIVATE KEY` (SEC1) for ECDSA, `RSA PRIVATE KEY` (PKCS#1) for RSA. */
  key: string;
}

/** The extended key usages Talos and Kubernetes certificates carry. */
export type ExtendedKeyUsage = "serverAuth" | "clientAuth";

/** Ten years, the lifetime Talos gives its certificate authorities (87600h). */
export const caLifetimeMs = 87_600 * 3600 * 1000;

/** Thrown when a PEM certificate or key in a secrets bundle or talosconfig cannot be read. */
export class InvalidPemError extends Error {
  override name = "InvalidPemError";
}

/** Generates a private key of the given type. */
export async function generatePrivateKey(type: KeyType): Promise<KeyObject> {
  switch (type) {
    case "ed25519":
      return (await generateKeyPairAsync("ed25519")).privateKey;
    case "ecdsa-p256":
      return (await generateKeyPairAsync("ec", { namedCurve: "prime256v1" })).privateKey;
    case "rsa-4096":
      return (await generateKeyPairAsync("rsa", { modulusLength: 4096 })).privateKey;
  }
}

/** The key type of a private or public key, or an error naming what it is. */
export function keyTypeOf(key: KeyObject): KeyType {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ecdsa-p256";
  if (key.asymmetricKeyType === "rsa") return "rsa-4096";
  throw new InvalidPemError(`Unsupported key type "${key.asymmetricKeyType}": Talos uses Ed25519, ECDSA P-256 or RSA keys`);
}

/** A private key as PEM, in the encoding Talos writes for its type (see {@link CertificateAndKey.key}). */
export function privateKeyPem(key: KeyObject): string {
  const type = keyTypeOf(key);
  const format = type === "ed25519" ? "pkcs8" : type === "ecdsa-p256" ? "sec1" : "pkcs1";
  return key.export({ type: format, format: "pem" }).toString();
}

/**
 * Reads a PEM private key. talosctl writes Ed25519 keys with the label `ED25519 PRIVATE KEY` around
 * PKCS#8, which OpenSSL does not read, so that label is read as `PRIVATE KEY`.
 */
export function loadPrivateKey(pem: string, what: string): KeyObject {
  try {
    return createPrivateKey(normalizePrivateKeyPem(pem));
  } catch (error) {
    throw new InvalidPemError(`The private key ${what} is not a PEM private key: ${(error as Error).message}`, { cause: error });
  }
}

/** Relabels talosctl's `ED25519 PRIVATE KEY` PEM as `PRIVATE KEY`, which Node and OpenSSL read; other keys are returned as they are. */
export function normalizePrivateKeyPem(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, "-----$1 PRIVATE KEY-----");
}

/** Reads a PEM certificate. */
export function loadCertificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new InvalidPemError(`The certificate ${what} is not a PEM certificate: ${(error as Error).message}`, { cause: error });
  }
}

type CryptoKey = webcrypto.CryptoKey;

function signingAlgorithm(type: KeyType): { name: string; hash?: string } {
  if (type === "ed25519") return { name: "Ed25519" };
  if (type === "ecdsa-p256") return { name: "ECDSA", hash: "SHA-256" };
  return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" };
}

function importAlgorithm(type: KeyType): webcrypto.AlgorithmIdentifier | webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams {
  if (type === "ed25519") return { name: "Ed25519" };
  if (type === "ecdsa-p256") return { name: "ECDSA", namedCurve: "P-256" };
  return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" };
}

/** The WebCrypto form of a Node key, for `@peculiar/x509`. */
async function toCryptoKey(key: KeyObject, usage: "sign" | "verify"): Promise<CryptoKey> {
  const type = keyTypeOf(key);
  const der = key.type === "private" ? key.export({ type: "pkcs8", format: "der" }) : key.export({ type: "spki", format: "der" });
  return webcrypto.subtle.importKey(key.type === "private" ? "pkcs8" : "spki", der, importAlgorithm(type), true, [usage]);
}

/** A positive random serial number below 2^128, as hex (the first byte's top bit cleared keeps it positive). */
export function randomSerial(bytes: Buffer = randomBytes(16)): string {
  const serial = Buffer.from(bytes);
  serial[0] = (serial[0] as number) & 0x7f || 0x01;
  return serial.toString("hex");
}

function keyUsages(usages: ExtendedKeyUsage[]): x509.ExtendedKeyUsage[] {
  return usages.map((usage) => (usage === "serverAuth" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth));
}

/** Options of {@link createCertificateAuthority}. */
export interface CertificateAuthorityOptions {
  /** The subject organization (`O=`), or none for an empty subject. */
  organization?: string;
  /** The key type. */
  keyType: KeyType;
  /** When the CA starts to be valid; now by default. */
  notBefore?: Date;
  /** How long the CA is valid, in milliseconds; ten years by default. */
  lifetimeMs?: number;
}

/**
 * Creates a self-signed certificate authority the way Talos does: X.509 v3, random serial and
 * 20-byte subject key id, `CA:TRUE` (critical), key usage `digitalSignature, keyCertSign`
 * (critical), extended key usage `serverAuth, clientAuth`.
 */
export async function createCertificateAuthority(options: CertificateAuthorityOptions): Promise<CertificateAndKey> {
  const privateKey = await generatePrivateKey(options.keyType);
  const publicKey = createPublicKey(privateKey);
  const notBefore = options.notBefore ?? new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: options.organization ? [{ O: [options.organization] }] : [],
    notBefore,
    notAfter: new Date(notBefore.getTime() + (options.lifetimeMs ?? caLifetimeMs)),
    signingAlgorithm: signingAlgorithm(options.keyType) as never,
    keys: { privateKey: (await toCryptoKey(privateKey, "sign")) as never, publicKey: (await toCryptoKey(publicKey, "verify")) as never },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension(keyUsages(["serverAuth", "clientAuth"])),
      new x509.SubjectKeyIdentifierExtension(randomBytes(20).toString("hex")),
    ],
  });
  return { cert: cert.toString("pem"), key: privateKeyPem(privateKey) };
}

/** Options of {@link issueCertificate}. */
export interface IssueCertificateOptions {
  /** The issuing CA (certificate and key, PEM). */
  ca: CertificateAndKey;
  /** The subject common name (`CN=`). */
  commonName?: string;
  /** The subject organizations (`O=`); Talos reads the client's roles from them. */
  organizations?: string[];
  /** DNS names and IP addresses the certificate is valid for. */
  altNames?: string[];
  /** Extended key usages. */
  usages: ExtendedKeyUsage[];
  /** The key of the certificate; a new one of the CA's type by default. */
  privateKey?: KeyObject;
  /** When the certificate starts to be valid. */
  notBefore: Date;
  /** When it stops being valid. */
  notAfter: Date;
  /** The serial number as hex; random by default. */
  serialNumber?: string;
}

/** Issues a leaf certificate signed by a CA, with key usage `digitalSignature` and the given extended usages and names. */
export async function issueCertificate(options: IssueCertificateOptions): Promise<CertificateAndKey> {
  const caKey = loadPrivateKey(options.ca.key, "of the issuing CA");
  const caCert = new x509.X509Certificate(options.ca.cert);
  const caType = keyTypeOf(caKey);
  const privateKey = options.privateKey ?? (await generatePrivateKey(caType));
  const publicKey = createPublicKey(privateKey);
  const subject: x509.JsonName = [];
  for (const organization of options.organizations ?? []) subject.push({ O: [organization] });
  if (options.commonName) subject.push({ CN: [options.commonName] });
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(keyUsages(options.usages)),
  ];
  const authorityKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (authorityKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(authorityKeyId.keyId));
  if (options.altNames && options.altNames.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        options.altNames.map((name) => (isIP(name) ? { type: "ip" as const, value: name } : { type: "dns" as const, value: name })),
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? randomSerial(),
    subject,
    issuer: caCert.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: signingAlgorithm(caType) as never,
    publicKey: (await toCryptoKey(publicKey, "verify")) as never,
    signingKey: (await toCryptoKey(caKey, "sign")) as never,
    extensions,
  });
  return { cert: cert.toString("pem"), key: privateKeyPem(privateKey) };
}
