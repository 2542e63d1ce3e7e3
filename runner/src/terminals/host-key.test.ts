import { describe, expect, it } from "vitest";
import { InvalidHostKeyError } from "./errors.js";
import { fingerprintOf, hostKeyAlgorithmsFor, hostKeyMatches, parseHostKey } from "./host-key.js";

// Generated with `ssh-keygen -t ed25519`; `ssh-keygen -lf` prints the fingerprint below.
const ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGo/Vt3LL2FRAZZ1nA8/EnV75AStZ7XGZYtDTaRHmbGI test@example";
const ed25519Fingerprint = "SHA256:3ndFxsjd9KHw1vQaRfHU2S9++jkpN6Av6VlBHLVkQ1U";

describe("parseHostKey", () => {
  it("parses an OpenSSH public key line and fingerprints it as ssh-keygen does", () => {
    const key = parseHostKey(ed25519);
    expect(key.type).toBe("ssh-ed25519");
    expect(key.blob.length).toBe(51);
    expect(key.fingerprint).toBe(ed25519Fingerprint);
    expect(fingerprintOf(key.blob)).toBe(ed25519Fingerprint);
  });

  it("accepts a known_hosts line", () => {
    expect(parseHostKey(`[10.0.0.5]:2222 ${ed25519}`).fingerprint).toBe(ed25519Fingerprint);
  });

  it("rejects lines that are not public keys, naming the problem", () => {
    expect(() => parseHostKey("hello world")).toThrow(InvalidHostKeyError);
    expect(() => parseHostKey("ssh-ed25519")).toThrow(/base64 key data is missing/);
    expect(() => parseHostKey(`ssh-rsa ${ed25519.split(" ")[1]}`)).toThrow(/of type "ssh-ed25519", not "ssh-rsa"/);
  });

  it("matches only the exact key blob", () => {
    const key = parseHostKey(ed25519);
    expect(hostKeyMatches(key, Buffer.from(key.blob))).toBe(true);
    const other = Buffer.from(key.blob);
    other[other.length - 1] = (other[other.length - 1] as number) ^ 1;
    expect(hostKeyMatches(key, other)).toBe(false);
    expect(hostKeyMatches(key, key.blob.subarray(1))).toBe(false);
  });

  it("asks the server for the pinned key's algorithm", () => {
    expect(hostKeyAlgorithmsFor("ssh-ed25519")).toEqual(["ssh-ed25519"]);
    expect(hostKeyAlgorithmsFor("ssh-rsa")).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
    expect(hostKeyAlgorithmsFor("ecdsa-sha2-nistp256")).toEqual(["ecdsa-sha2-nistp256"]);
  });
});
