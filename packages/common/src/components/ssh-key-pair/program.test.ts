import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { sshKeyPairSchema } from "../../entities/ssh.js";
import { generateSshKeyPair, parseSshPrivateKey, sshFingerprint } from "../../ssh/keys.js";
import type { sshKeyPair } from "./definition.js";

let unit: Unit<typeof sshKeyPair>;

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("SSH Key Pair", () => {
  it("generates an ed25519 key on the first run, returns it in $secrets and creates no resources", async () => {
    const result = await testUnit(unit, { name: "deploy-key" });
    expect(result.resources).toEqual([]);
    const privateKey = result.secrets.privateKey!;
    expect(privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const keyPair = sshKeyPairSchema.parse(result.outputs.keyPair);
    expect(keyPair).toEqual(parseSshPrivateKey(privateKey));
    expect(keyPair.type).toBe("ed25519");
    expect(keyPair.fingerprint).toBe(sshFingerprint(keyPair.publicKey));
    expect(result.outputs.$statusFields).toEqual([
      { name: "fingerprint", title: "Fingerprint", value: keyPair.fingerprint, secret: false },
      { name: "publicKey", title: "Public Key", value: keyPair.publicKey, secret: false },
    ]);
  });

  it("keeps the private key secret and the public parts plain", async () => {
    const result = await testUnit(unit);
    expect(result.secretOutputs).toContain("keyPair");
    expect(result.secretOutputs).toContain("$secrets");
    expect(result.secretOutputs).not.toContain("$statusFields");
    expect(JSON.stringify(result.outputs.$statusFields)).not.toContain("PRIVATE KEY");
  });

  it("reuses the generated key on the next run instead of generating another one", async () => {
    const first = await testUnit(unit);
    const second = await testUnit(unit, { secrets: first.secrets });
    expect(second.outputs.keyPair).toEqual(first.outputs.keyPair);
    expect(second.secrets).toEqual({});
  });

  it("uses a pasted private key as it is", async () => {
    const pasted = generateSshKeyPair();
    const result = await testUnit(unit, { secrets: { privateKey: pasted.privateKey.replace(/\n/g, "\r\n") } });
    expect(result.outputs.keyPair).toEqual(pasted);
    expect(result.secrets).toEqual({});
  });

  it("rejects a pasted value that is not a private key, naming the secret and the instance", async () => {
    const publicKey = await runError(testUnit(unit, { name: "admin", secrets: { privateKey: pastedPublicKey() } }));
    expect(publicKey.message).toMatch(/secret "privateKey" of "admin" cannot be used: this is a public key/);
    const garbage = await runError(testUnit(unit, { secrets: { privateKey: "not a key" } }));
    expect(garbage.message).toMatch(/no "-----BEGIN … PRIVATE KEY-----" line/);
  });

  it("rejects unknown args", async () => {
    const error = await runError(testUnit(unit, { args: { bits: 4096 } as never }));
    expect(error.message).toMatch(/unknown field "bits"/);
  });
});

function pastedPublicKey(): string {
  return generateSshKeyPair().publicKey;
}
