import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineComponent } from "@highstate/contract";
import { defineUnit, resourceName } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Server, serverEntity } from "../entities/server.js";
import { generateSshKeyPair } from "../ssh/keys.js";
import { loadSerializedProvider } from "./__fixtures__/serialized.js";
import { runOnServer } from "./command.js";

const demo = defineComponent({
  type: "test.server-command.v1",
  inputs: { server: serverEntity },
  meta: { title: "Command demo" },
  source: { package: "test", path: "demo" },
});

const demoUnit = defineUnit(demo, (unit) => {
  const install = runOnServer(resourceName(unit, "install"), unit.inputs.server, {
    create: "sh -s",
    delete: "rm -f $HOME/installed",
    stdin: "echo installing > $HOME/installed",
    triggers: ["v1.2.3"],
    timeoutSeconds: 30,
  });
  runOnServer(resourceName(unit, "read"), unit.inputs.server, { create: "cat /etc/secret", secretOutput: true }, { dependsOn: [install] });
  return {};
});

const keyPair = generateSshKeyPair();
const server: Server = {
  hostname: "box",
  endpoints: ["10.0.0.5"],
  ssh: { host: "10.0.0.5", port: 22, user: "root", hostKey: generateSshKeyPair().publicKey, keyPair },
};

describe("runOnServer under mocks", () => {
  it("registers commands with the server's address and pinned host key, the credentials and stdin kept secret", async () => {
    const result = await testUnit(demoUnit, { name: "box", secretInputs: { server } });
    const install = result.resource("pulumi-nodejs:dynamic/common:ServerCommand", "box-install");
    expect(install.inputs.inputs).toEqual({
      host: "10.0.0.5",
      port: 22,
      user: "root",
      hostKey: server.ssh!.hostKey,
      create: "sh -s",
      delete: "rm -f $HOME/installed",
      triggers: ["v1.2.3"],
      timeoutSeconds: 30,
    });
    expect(install.secretInputs).not.toContain("inputs");
    expect(install.secretInputs).toContain("credentials");
    expect(install.inputs.credentials).toEqual({ privateKey: keyPair.privateKey, stdin: "echo installing > $HOME/installed" });
    expect(String(install.inputs.__provider)).not.toContain("installing");
    expect(result.resource("pulumi-nodejs:dynamic/common:SecretServerCommand", "box-read").inputs.inputs).toMatchObject({
      create: "cat /etc/secret",
    });
  });

  it("fails clearly when the server has no SSH connection", async () => {
    const error = await runError(testUnit(demoUnit, { inputs: { server: { hostname: "printer", endpoints: ["10.0.0.9"] } } }));
    expect(error.message).toContain('The server "printer" has no SSH connection');
  });
});

const skipReason = sshdUnavailableReason();
if (skipReason) console.warn(`Skipping the ServerCommand provider tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("the serialized ServerCommand provider against a real sshd", () => {
  let sshd: TestSshd;
  let provider: pulumi.dynamic.ResourceProvider;
  let home: string;

  beforeAll(async () => {
    sshd = await startTestSshd();
    await sshd.authorize([keyPair.publicKey]);
    home = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((line) => line.startsWith(`${sshd.user}:`))!
      .split(":")[5]!;
    const result = await testUnit(demoUnit, { secretInputs: { server } });
    provider = loadSerializedProvider(String(result.resource("pulumi-nodejs:dynamic/common:ServerCommand").inputs.__provider));
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const inputs = (extra: Record<string, unknown>) => ({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    hostKey: sshd.hostKeys.ed25519,
    timeoutSeconds: 10,
    ...extra,
  });

  it("runs create with stdin, update on change, and delete, with the host key pinned", async () => {
    const created = await provider.create({
      inputs: inputs({ create: "sh -s && echo created", delete: "rm $HOME/installed" }),
      credentials: { privateKey: keyPair.privateKey, stdin: "echo one > $HOME/installed" },
    });
    expect(created.outs.outputs).toEqual({ stdout: "created\n", stderr: "" });
    expect(readFileSync(join(home, "installed"), "utf8")).toBe("one\n");

    const olds = { inputs: created.outs.inputs, credentials: created.outs.credentials, outputs: created.outs.outputs };
    const news = {
      inputs: inputs({ create: "sh -s && echo created", update: "echo updated >> $HOME/installed", delete: "rm $HOME/installed" }),
      credentials: { password: sshd.password },
    };
    const updated = await provider.update!("cmd", olds, news);
    expect(readFileSync(join(home, "installed"), "utf8")).toBe("one\nupdated\n");
    expect(updated.outs.outputs).toEqual({ stdout: "", stderr: "" });

    await provider.delete!("cmd", updated.outs);
    expect(existsSync(join(home, "installed"))).toBe(false);
  });

  it("fails with the exit code and stderr of a failing command", async () => {
    await expect(
      provider.create({ inputs: inputs({ create: "echo nope >&2; exit 7" }), credentials: { password: sshd.password } }),
    ).rejects.toThrow(/The command "echo nope >&2; exit 7" on "127\.0\.0\.1" failed with exit code 7: nope/);
  });

  it("refuses to run anything on a server presenting another host key", async () => {
    await expect(
      provider.create({
        inputs: inputs({ create: "touch $HOME/should-not-exist", hostKey: generateSshKeyPair().publicKey }),
        credentials: { password: sshd.password },
      }),
    ).rejects.toThrow(/is pinned/);
    expect(existsSync(join(home, "should-not-exist"))).toBe(false);
  });
});
