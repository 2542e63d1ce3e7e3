import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { IncorrectPasswordError, MalformedEncryptionSaltError, MalformedSecureValueError, SecretDecryptionError } from "./errors.js";
import {
  createPassphraseCrypter,
  deriveKey,
  encryptWithNonce,
  keyDerivationCount,
  parseEncryptionSalt,
  parseSecureValue,
} from "./passphrase-crypter.js";

// Golden vectors from pulumi/pulumi (see /work/shared/design/facts/pulumi.md §2.5).
const vectors = [
  { name: "C", passphrase: "password", salt: "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==" },
  { name: "D1", passphrase: "abc123", salt: "v1:4iF78gb0nF0=:v1:Co6IbTWYs/UdrjgY:FSrAWOFZnj9ealCUDdJL7LrUKXX9BA==" },
  { name: "D2", passphrase: "123abc", salt: "v1:C7H2a7/Ietk=:v1:yfAd1zOi6iY9DRIB:dumdsr+H89VpHIQWdB01XEFqYaYjAg==" },
  { name: "E", passphrase: "correct horse battery staple", salt: "v1:3ZcVRCMzEbk=:v1:A4wYnaSVLIkK0AhS:2SrOnSDh9wVGmoyZt97KYJN3WfDDHA==" },
] as const;

/** An independent decryption straight from Pulumi's algorithm, to check values our code writes. */
function referenceDecrypt(passphrase: string, encryptionSalt: string, secureValue: string): string {
  const salt = Buffer.from(encryptionSalt.split(":")[1]!, "base64");
  const key = pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");
  const [, nonce, sealed] = secureValue.split(":") as [string, string, string];
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}

describe("createPassphraseCrypter with Pulumi's golden vectors", () => {
  for (const vector of vectors) {
    it(`opens vector ${vector.name} and decrypts its check value to "pulumi"`, async () => {
      const crypter = await createPassphraseCrypter(vector.passphrase, vector.salt);
      expect(crypter.encryptionSalt).toBe(vector.salt);
      const { checkValue } = parseEncryptionSalt(vector.salt);
      expect(crypter.decrypt(checkValue)).toBe("pulumi");
    });

    it(`re-creates vector ${vector.name}'s check value byte for byte from its nonce`, async () => {
      const { salt, checkValue } = parseEncryptionSalt(vector.salt);
      const key = await deriveKey(vector.passphrase, salt);
      expect(encryptWithNonce(key, parseSecureValue(checkValue).nonce, "pulumi")).toBe(checkValue);
    });
  }

  it("rejects vector C's salt with the wrong password", async () => {
    await expect(createPassphraseCrypter("password123", vectors[0].salt)).rejects.toBeInstanceOf(IncorrectPasswordError);
  });

  it("rejects each D salt with the other D password", async () => {
    await expect(createPassphraseCrypter("123abc", vectors[1].salt)).rejects.toBeInstanceOf(IncorrectPasswordError);
    await expect(createPassphraseCrypter("abc123", vectors[2].salt)).rejects.toBeInstanceOf(IncorrectPasswordError);
  });
});

describe("createPassphraseCrypter", () => {
  it("makes a new salt in Pulumi's format whose values Pulumi's algorithm decrypts", async () => {
    const crypter = await createPassphraseCrypter("s3cret pässword");
    expect(crypter.encryptionSalt).toMatch(/^v1:[A-Za-z0-9+/]{11}=:v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{30}==$/);
    expect(referenceDecrypt("s3cret pässword", crypter.encryptionSalt, parseEncryptionSalt(crypter.encryptionSalt).checkValue)).toBe(
      "pulumi",
    );
    const value = crypter.encrypt("hunter2 ✓");
    expect(value).toMatch(/^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/=]+$/);
    expect(referenceDecrypt("s3cret pässword", crypter.encryptionSalt, value)).toBe("hunter2 ✓");
    expect(crypter.decrypt(value)).toBe("hunter2 ✓");
  });

  it("uses a fresh nonce for every value", async () => {
    const crypter = await createPassphraseCrypter("password", vectors[0].salt);
    const first = crypter.encrypt("same");
    const second = crypter.encrypt("same");
    expect(first).not.toBe(second);
    expect(crypter.decrypt(first)).toBe("same");
    expect(crypter.decrypt(second)).toBe("same");
    expect(crypter.decrypt(crypter.encrypt(""))).toBe("");
  });

  it("reopens its own salt with the same password and refuses another", async () => {
    const crypter = await createPassphraseCrypter("");
    const value = crypter.encrypt("empty passwords are valid in Pulumi");
    const reopened = await createPassphraseCrypter("", crypter.encryptionSalt);
    expect(reopened.decrypt(value)).toBe("empty passwords are valid in Pulumi");
    await expect(createPassphraseCrypter(" ", crypter.encryptionSalt)).rejects.toThrow(/password .* is incorrect/);
  });

  it("derives the key once per passphrase and salt", async () => {
    const before = keyDerivationCount();
    const crypters = await Promise.all([1, 2, 3].map(() => createPassphraseCrypter("abc123", vectors[1].salt)));
    await createPassphraseCrypter("abc123", vectors[1].salt);
    const derived = keyDerivationCount() - before;
    expect(derived).toBeLessThanOrEqual(1);
    const value = crypters[0]!.encrypt("x");
    expect(crypters[2]!.decrypt(value)).toBe("x");
  });

  it("derives keys without blocking the event loop", async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    try {
      await createPassphraseCrypter(`fresh ${Math.random()}`);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(2);
  });

  it("says which part of a malformed encryptionsalt is wrong", async () => {
    const cases: Array<[string, RegExp]> = [
      ["", /expected "v1:<salt>:<check value>"/],
      ["v1:fozI5u6B030=", /expected/],
      ["v2:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==", /unknown version "v2"/],
      ["v1:not base64!:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==", /salt is not valid base64/],
      ["v1:fozI5u6B030=:v1:F+6ZduKK:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==", /check value is malformed \(the nonce is 6 bytes long/],
      ["v1:fozI5u6B030=:garbage", /check value is malformed \(expected 3 parts/],
    ];
    for (const [salt, message] of cases) {
      await expect(createPassphraseCrypter("password", salt)).rejects.toSatisfy(
        (error) => error instanceof MalformedEncryptionSaltError && message.test(error.message),
      );
    }
  });

  it("tells malformed values apart from values encrypted with another key", async () => {
    const crypter = await createPassphraseCrypter("password", vectors[0].salt);
    const other = await createPassphraseCrypter("abc123", vectors[1].salt);
    expect(() => crypter.decrypt("plain text")).toThrow(MalformedSecureValueError);
    expect(() => crypter.decrypt("v2:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==")).toThrow(/unknown version "v2"/);
    expect(() => crypter.decrypt("v1:AAAA:AAAAAAAAAAAAAAAAAAAAAA==")).toThrow(/nonce is 3 bytes long, not 12/);
    expect(() => crypter.decrypt("v1:AAAAAAAAAAAAAAAA:AAAA")).toThrow(/shorter than the 16-byte authentication tag/);
    expect(() => crypter.decrypt(other.encrypt("x"))).toThrow(SecretDecryptionError);
  });
});
