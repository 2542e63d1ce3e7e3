import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keys, networkKey } from "./__fixtures__/peers.js";
import { InvalidWireGuardKeyError } from "./errors.js";
import {
  clampPrivateKey,
  decodeWireGuardKey,
  derivePairPresharedKey,
  derivePublicKey,
  generatePresharedKey,
  generatePrivateKey,
  isWireGuardKey,
  pairKeyLabel,
} from "./keys.js";

describe("WireGuard keys", () => {
  it("derive the public keys wg pubkey prints", () => {
    for (const pair of Object.values(keys)) expect(derivePublicKey(pair.privateKey)).toBe(pair.publicKey);
  });

  it("generate clamped 32-byte private keys with matching public keys, never the same twice", () => {
    const first = generatePrivateKey();
    const second = generatePrivateKey();
    expect(first).not.toBe(second);
    for (const key of [first, second]) {
      expect(isWireGuardKey(key)).toBe(true);
      const bytes = Buffer.from(key, "base64");
      expect(bytes[0]! & 7).toBe(0);
      expect(bytes[31]! & 0xc0).toBe(0x40);
      expect(isWireGuardKey(derivePublicKey(key))).toBe(true);
    }
    expect(Buffer.from(generatePresharedKey(), "base64")).toHaveLength(32);
    expect(clampPrivateKey(first)).toBe(first);
    expect(clampPrivateKey(keys.alpha.privateKey)).toBe("EBEREREREREREREREREREREREREREREREREREREREVE=");
    expect(derivePublicKey(clampPrivateKey(keys.alpha.privateKey))).toBe(keys.alpha.publicKey);
  });

  it("reject text that is not 32 bytes of base64, naming the key", () => {
    expect(() => derivePublicKey("abc", 'secret "privateKey" of "laptop"')).toThrow(InvalidWireGuardKeyError);
    expect(() => derivePublicKey("abc", 'secret "privateKey" of "laptop"')).toThrow(
      /^Secret "privateKey" of "laptop" is not a valid WireGuard key: it must be 32 bytes/,
    );
    // 33 bytes, and a 32-byte value whose last character carries stray bits.
    expect(isWireGuardKey(Buffer.alloc(33).toString("base64"))).toBe(false);
    expect(isWireGuardKey(`${keys.alpha.publicKey.slice(0, 42)}N=`)).toBe(false);
    expect(decodeWireGuardKey(` ${keys.alpha.publicKey}\n`)).toHaveLength(32);
  });
});

describe("secure pair preshared keys", () => {
  const { alpha, bravo, charlie } = keys;

  it("are the same on both sides of a pair and different for every other pair", () => {
    const ab = derivePairPresharedKey(networkKey, alpha.publicKey, bravo.publicKey);
    expect(derivePairPresharedKey(networkKey, bravo.publicKey, alpha.publicKey)).toBe(ab);
    const ac = derivePairPresharedKey(networkKey, alpha.publicKey, charlie.publicKey);
    const bc = derivePairPresharedKey(networkKey, bravo.publicKey, charlie.publicKey);
    expect(new Set([ab, ac, bc]).size).toBe(3);
    // Another network's key material gives other keys for the same pair.
    expect(derivePairPresharedKey(generatePresharedKey(), alpha.publicKey, bravo.publicKey)).not.toBe(ab);
  });

  it("are pinned: a change of the derivation breaks every existing link, so it must fail here", () => {
    // Golden values computed independently (Python's hmac) from the documented derivation.
    expect(derivePairPresharedKey(networkKey, alpha.publicKey, bravo.publicKey)).toBe("bXU08NSXwK+TTWHLdXQR2AnesTThV+jRqCgSRCbkZyY=");
    expect(derivePairPresharedKey(networkKey, alpha.publicKey, charlie.publicKey)).toBe("Zjz2u2zjuT3zFAnHaPb6XSXUrOtEG53ol7ift5a83ZA=");
    expect(derivePairPresharedKey(networkKey, bravo.publicKey, charlie.publicKey)).toBe("e+3mcnRnjAvJd97iv/wds1eGF+8saOGFXiFvR72yMM4=");
    expect(pairKeyLabel).toBe("highstate.wireguard.pair-psk.v1");
  });

  it("follow the documented steps: HMAC-SHA256 over the label, a zero byte and the byte-sorted public keys", () => {
    const [low, high] = [Buffer.from(alpha.publicKey, "base64"), Buffer.from(bravo.publicKey, "base64")].sort(Buffer.compare);
    const expected = createHmac("sha256", Buffer.from(networkKey, "base64"))
      .update(Buffer.concat([Buffer.from(`${pairKeyLabel}\0`), low!, high!]))
      .digest("base64");
    expect(derivePairPresharedKey(networkKey, alpha.publicKey, bravo.publicKey)).toBe(expected);
  });

  it("refuse a pair of one key with itself and malformed keys", () => {
    expect(() => derivePairPresharedKey(networkKey, alpha.publicKey, alpha.publicKey)).toThrow(/cannot be paired with itself/);
    expect(() => derivePairPresharedKey("short", alpha.publicKey, bravo.publicKey)).toThrow(
      /network's preshared key material is not a valid WireGuard key/,
    );
  });
});
