import { createCipheriv, createDecipheriv, createHash, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { IncorrectPasswordError, MalformedEncryptionSaltError, MalformedSecureValueError, SecretDecryptionError } from "./errors.js";

// Pulumi's passphrase secrets provider (sdk/go/common/resource/config/crypt.go, pkg/secrets/passphrase):
// PBKDF2-HMAC-SHA256, 1,000,000 iterations, 32-byte key from an 8-byte salt; AES-256-GCM with a
// 12-byte nonce and no AAD; the salt carries a check value that encrypts "pulumi".
const iterations = 1_000_000;
const keyBytes = 32;
const saltBytes = 8;
const nonceBytes = 12;
const tagBytes = 16;
const checkPlaintext = "pulumi";

const pbkdf2Async = promisify(pbkdf2);

/** Encrypts and decrypts values with one project's key, in Pulumi's passphrase format. */
export interface PassphraseCrypter {
  /** The `encryptionsalt` (salt plus check value) to store next to the values, e.g. in `Pulumi.<stack>.yaml`. */
  readonly encryptionSalt: string;
  /** Encrypts a string into a secure value `v1:<nonce>:<ciphertext>`; a fresh random nonce every time. */
  encrypt(plaintext: string): string;
  /**
   * Decrypts a secure value. Throws `MalformedSecureValueError` when it is not a secure value and
   * `SecretDecryptionError` when it was encrypted with another key.
   */
  decrypt(secureValue: string): string;
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes standard padded base64 strictly (Go's `base64.StdEncoding`), or returns `undefined`. */
function decodeBase64(text: string): Buffer | undefined {
  return base64Pattern.test(text) ? Buffer.from(text, "base64") : undefined;
}

/** The parts of a secure value `v1:<nonce>:<ciphertext and tag>`. */
export interface ParsedSecureValue {
  nonce: Buffer;
  sealed: Buffer;
}

/** Parses a secure value without decrypting it; throws `MalformedSecureValueError` naming the problem. */
export function parseSecureValue(value: string): ParsedSecureValue {
  const parts = value.split(":");
  if (parts.length !== 3) throw new MalformedSecureValueError(`expected 3 parts separated by ":", found ${parts.length}`);
  const [version, nonceText, sealedText] = parts as [string, string, string];
  if (version !== "v1") throw new MalformedSecureValueError(`unknown version "${version.slice(0, 10)}"`);
  const nonce = decodeBase64(nonceText);
  if (!nonce) throw new MalformedSecureValueError("the nonce is not valid base64");
  if (nonce.length !== nonceBytes) throw new MalformedSecureValueError(`the nonce is ${nonce.length} bytes long, not ${nonceBytes}`);
  const sealed = decodeBase64(sealedText);
  if (!sealed) throw new MalformedSecureValueError("the ciphertext is not valid base64");
  if (sealed.length < tagBytes)
    throw new MalformedSecureValueError(`the ciphertext is shorter than the ${tagBytes}-byte authentication tag`);
  return { nonce, sealed };
}

/** The parts of an `encryptionsalt`: the PBKDF2 salt and the check value (a secure value of "pulumi"). */
export interface ParsedEncryptionSalt {
  salt: Buffer;
  checkValue: string;
}

/** Parses an `encryptionsalt` without a password; throws `MalformedEncryptionSaltError` naming the problem. */
export function parseEncryptionSalt(encryptionSalt: string): ParsedEncryptionSalt {
  const first = encryptionSalt.indexOf(":");
  const second = first < 0 ? -1 : encryptionSalt.indexOf(":", first + 1);
  if (second < 0) throw new MalformedEncryptionSaltError('expected "v1:<salt>:<check value>"');
  const version = encryptionSalt.slice(0, first);
  if (version !== "v1") throw new MalformedEncryptionSaltError(`unknown version "${version.slice(0, 10)}"`);
  const salt = decodeBase64(encryptionSalt.slice(first + 1, second));
  if (!salt || salt.length === 0) throw new MalformedEncryptionSaltError("the salt is not valid base64");
  const checkValue = encryptionSalt.slice(second + 1);
  try {
    parseSecureValue(checkValue);
  } catch (error) {
    throw new MalformedEncryptionSaltError(`its check value is malformed (${(error as MalformedSecureValueError).problem})`, {
      cause: error,
    });
  }
  return { salt, checkValue };
}

/** Encrypts with a given nonce. Exposed for golden tests; use a crypter's `encrypt` otherwise. */
export function encryptWithNonce(key: Buffer, nonce: Buffer, plaintext: string): string {
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

/** Decrypts a parsed secure value; `undefined` when authentication fails (wrong key or altered value). */
function tryDecrypt(key: Buffer, { nonce, sealed }: ParsedSecureValue): string | undefined {
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

const keyCache = new Map<string, Promise<Buffer>>();
let derivations = 0;

/** How many keys this process has derived (for tests that check the cache). */
export function keyDerivationCount(): number {
  return derivations;
}

/**
 * Derives the key for a passphrase and salt off the main thread (PBKDF2 runs in libuv's thread pool)
 * and caches it per (passphrase, salt) for the life of the process, so each project pays once.
 */
export function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  const cacheKey = createHash("sha256").update(salt.toString("base64")).update("\0").update(passphrase, "utf8").digest("base64");
  let key = keyCache.get(cacheKey);
  if (!key) {
    derivations += 1;
    key = pbkdf2Async(Buffer.from(passphrase, "utf8"), salt, iterations, keyBytes, "sha256");
    key.catch(() => keyCache.delete(cacheKey));
    keyCache.set(cacheKey, key);
  }
  return key;
}

function crypterFor(key: Buffer, encryptionSalt: string): PassphraseCrypter {
  return {
    encryptionSalt,
    encrypt: (plaintext) => encryptWithNonce(key, randomBytes(nonceBytes), plaintext),
    decrypt: (secureValue) => {
      const plaintext = tryDecrypt(key, parseSecureValue(secureValue));
      if (plaintext === undefined) throw new SecretDecryptionError("a secure value");
      return plaintext;
    },
  };
}

/**
 * Creates a crypter compatible with Pulumi's passphrase secrets provider. With an `encryptionSalt`, the
 * passphrase is checked against its check value and `IncorrectPasswordError` is thrown when it does not
 * match (a malformed salt throws `MalformedEncryptionSaltError`); without one, a new random salt is made.
 * The key is derived asynchronously once per (passphrase, salt) and cached in the process.
 */
export async function createPassphraseCrypter(passphrase: string, encryptionSalt?: string): Promise<PassphraseCrypter> {
  if (encryptionSalt === undefined) {
    const salt = randomBytes(saltBytes);
    const key = await deriveKey(passphrase, salt);
    const checkValue = encryptWithNonce(key, randomBytes(nonceBytes), checkPlaintext);
    return crypterFor(key, `v1:${salt.toString("base64")}:${checkValue}`);
  }
  const { salt, checkValue } = parseEncryptionSalt(encryptionSalt);
  const key = await deriveKey(passphrase, salt);
  if (tryDecrypt(key, parseSecureValue(checkValue)) !== checkPlaintext) throw new IncorrectPasswordError();
  return crypterFor(key, encryptionSalt);
}
