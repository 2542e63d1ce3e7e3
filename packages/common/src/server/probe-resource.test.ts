import { hostname as localHostname } from "node:os";
import { testUnit } from "@highstate/pulumi/test";
import { freePort, sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSshKeyPair } from "../ssh/keys.js";
import { loadSerializedProvider } from "./__fixtures__/serialized.js";

const skipReason = sshdUnavailableReason();
if (skipReason) console.warn(`Skipping the ServerProbe provider tests: ${skipReason}`);

async function serializedProbeProvider(): Promise<{ text: string; provider: pulumi.dynamic.ResourceProvider }> {
  const unit = (await import("../components/existing-server/program.js")).default;
  const facts = { hostname: "h", hostKey: generateSshKeyPair().publicKey, hostKeyType: "ed25519", hostKeyFingerprint: "SHA256:x" };
  const result = await testUnit(unit, {
    args: { endpoint: "127.0.0.1" },
    secrets: { sshPassword: "serialized-password-marker" },
    mocks: { newResource: (args) => ({ id: "probe", state: { ...args.inputs, outputs: facts } }) },
  });
  const text = String(result.resource("pulumi-nodejs:dynamic/common:ServerProbe").inputs.__provider);
  return { text, provider: loadSerializedProvider(text) };
}

describe("the serialized ServerProbe provider", () => {
  it("captures no credentials and no imported modules", async () => {
    const { text } = await serializedProbeProvider();
    expect(text).not.toContain("serialized-password-marker");
    expect(text).not.toContain("__vite_ssr_import");
    expect(text).toContain("createRequire(`$" + '{process.cwd()}/`)("@highstate/common/ssh")');
  });
});

describe.skipIf(skipReason !== undefined)("the serialized ServerProbe provider against a real sshd", () => {
  let sshd: TestSshd;
  let provider: pulumi.dynamic.ResourceProvider;
  const keyPair = generateSshKeyPair();

  beforeAll(async () => {
    sshd = await startTestSshd();
    await sshd.authorize([keyPair.publicKey]);
    provider = (await serializedProbeProvider()).provider;
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const inputs = () => ({ host: sshd.host, port: sshd.port, user: sshd.user, timeoutSeconds: 10 });

  it("creates: reads the host name and ed25519 host key, logging in with a key", async () => {
    const created = await provider.create({ inputs: inputs(), credentials: { privateKey: keyPair.privateKey }, outputs: undefined });
    expect(created.id).toBe(`${sshd.user}@127.0.0.1:${sshd.port}`);
    expect(created.outs.outputs).toMatchObject({ hostname: localHostname(), hostKey: sshd.hostKeys.ed25519, hostKeyType: "ed25519" });
    expect(created.outs.credentials).toEqual({ privateKey: keyPair.privateKey });
  });

  it("creates with a password, and fails clearly with a wrong one", async () => {
    const created = await provider.create({ inputs: inputs(), credentials: { password: sshd.password } });
    expect(created.outs.outputs.hostname).toBe(localHostname());
    await expect(provider.create({ inputs: inputs(), credentials: { password: "wrong" } })).rejects.toThrow(
      new RegExp(`refused to log in user "${sshd.user}" with password`),
    );
  });

  it("updates with the seen host key pinned, and explains how to accept a changed key", async () => {
    const olds = {
      inputs: { ...inputs(), user: "someone-else" },
      credentials: { password: sshd.password },
      outputs: { hostKey: sshd.hostKeys.ed25519 },
    };
    const diff = await provider.diff!("probe", olds, { inputs: inputs(), credentials: { password: sshd.password } });
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await provider.update!("probe", olds, { inputs: inputs(), credentials: { password: sshd.password } });
    expect(updated.outs.outputs.hostKey).toBe(sshd.hostKeys.ed25519);

    const stale = { ...olds, outputs: { hostKey: generateSshKeyPair().publicKey } };
    await expect(provider.update!("probe", stale, { inputs: inputs(), credentials: { password: sshd.password } })).rejects.toThrow(
      /presented host key .* but .* is pinned\..* To accept the new key, set the "sshHostKey" arg to it\./,
    );
    // An explicitly expected key wins over the remembered one.
    const accepted = await provider.update!("probe", stale, {
      inputs: { ...inputs(), expectedHostKey: sshd.hostKeys.ed25519 },
      credentials: { password: sshd.password },
    });
    expect(accepted.outs.outputs.hostKey).toBe(sshd.hostKeys.ed25519);
  });

  it("gives up on an unreachable server with a clear error", async () => {
    const port = await freePort();
    await expect(
      provider.create({ inputs: { host: "127.0.0.1", port, user: "root", timeoutSeconds: 1 }, credentials: { password: "x" } }),
    ).rejects.toThrow(new RegExp(`"127\\.0\\.0\\.1:${port}" did not answer within`));
  });
});
