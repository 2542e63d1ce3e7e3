import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { serverSchema } from "../../entities/server.js";
import { generateSshKeyPair, sshFingerprint } from "../../ssh/keys.js";
import type { existingServer } from "./definition.js";

type ExistingServerUnit = Unit<typeof existingServer>;
let unit: ExistingServerUnit;

const probeType = "pulumi-nodejs:dynamic/common:ServerProbe";
const hostKey = generateSshKeyPair().publicKey;
const facts = { hostname: "fragile-roof", hostKey, hostKeyType: "ed25519", hostKeyFingerprint: sshFingerprint(hostKey) };
const keyPair = generateSshKeyPair();

/** Answers the probe as a reachable server would; other resources echo their inputs. */
const mocks: TestUnitOptions<ExistingServerUnit["component"]>["mocks"] = {
  newResource: (args) => (args.type === probeType ? { id: "probe-id", state: { ...args.inputs, outputs: facts } } : undefined),
};

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("Existing Server", () => {
  it("probes the server with the connected key pair and outputs it with the host key pinned", async () => {
    const result = await testUnit(unit, { name: "aeza", args: { endpoint: "194.113.106.43" }, inputs: { sshKeyPair: keyPair }, mocks });
    const probe = result.resource(probeType, "aeza");
    expect(probe.inputs.inputs).toEqual({ host: "194.113.106.43", port: 22, user: "root", timeoutSeconds: 300 });
    expect(probe.inputs.credentials).toEqual({ privateKey: keyPair.privateKey });
    expect(probe.secretInputs).toContain("credentials");
    expect(String(probe.inputs.__provider)).not.toContain(keyPair.privateKey.split("\n")[1]);
    expect(String(probe.inputs.__provider)).toContain('("@highstate/common/ssh")');

    const server = serverSchema.parse(result.outputs.server);
    expect(server).toEqual({
      hostname: "fragile-roof",
      endpoints: ["194.113.106.43"],
      ssh: { host: "194.113.106.43", port: 22, user: "root", hostKey, keyPair },
    });
    expect(result.outputs.$statusFields).toEqual([
      { name: "hostname", title: "Hostname", value: "fragile-roof", secret: false },
      { name: "hostKey", title: "Host Key", value: facts.hostKeyFingerprint, secret: false },
    ]);
    expect(result.outputs.$terminals).toEqual([
      {
        type: "ssh",
        name: "shell",
        title: "Shell",
        host: "194.113.106.43",
        port: 22,
        user: "root",
        hostKey,
        credentials: { privateKey: keyPair.privateKey },
      },
    ]);
  });

  it("keeps the outputs that carry credentials secret, and only those", async () => {
    const result = await testUnit(unit, { args: { endpoint: "10.0.0.5" }, inputs: { sshKeyPair: keyPair }, mocks });
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual(["$terminals", "server"]);
  });

  it("logs in with a pasted private key and a password, on another port and user", async () => {
    const pasted = generateSshKeyPair();
    const result = await testUnit(unit, {
      args: { endpoint: "server.example.com", sshPort: 2222, sshUser: "admin", sshTimeout: 60, sshHostKey: hostKey },
      secrets: { sshPrivateKey: pasted.privateKey, sshPassword: "hunter2" },
      mocks,
    });
    const probe = result.resource(probeType);
    expect(probe.inputs.inputs).toEqual({
      host: "server.example.com",
      port: 2222,
      user: "admin",
      expectedHostKey: hostKey,
      timeoutSeconds: 60,
    });
    expect(probe.inputs.credentials).toEqual({ privateKey: pasted.privateKey, password: "hunter2" });
    const server = serverSchema.parse(result.outputs.server);
    expect(server.ssh).toEqual({ host: "server.example.com", port: 2222, user: "admin", hostKey, keyPair: pasted, password: "hunter2" });
    expect(result.outputs.$terminals).toMatchObject([
      { port: 2222, user: "admin", credentials: { privateKey: pasted.privateKey, password: "hunter2" } },
    ]);
  });

  it("logs in with a password alone", async () => {
    const result = await testUnit(unit, { args: { endpoint: "10.0.0.5" }, secrets: { sshPassword: "hunter2" }, mocks });
    expect(result.resource(probeType).inputs.credentials).toEqual({ password: "hunter2" });
    expect(serverSchema.parse(result.outputs.server).ssh?.keyPair).toBeUndefined();
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual(["$terminals", "server"]);
  });

  it("prefers the connected key pair over a pasted private key", async () => {
    const pasted = generateSshKeyPair();
    const result = await testUnit(unit, {
      args: { endpoint: "10.0.0.5" },
      inputs: { sshKeyPair: keyPair },
      secrets: { sshPrivateKey: pasted.privateKey },
      mocks,
    });
    expect(result.resource(probeType).inputs.credentials).toEqual({ privateKey: keyPair.privateKey });
  });

  it("fails clearly without any credentials", async () => {
    const error = await runError(testUnit(unit, { name: "bare", args: { endpoint: "10.0.0.5" }, mocks }));
    expect(error.name).toBe("MissingSshCredentialsError");
    expect(error.message).toBe(
      'Existing Server "bare" has no SSH credentials: connect an SSH Key Pair to its "sshKeyPair" input, or set its "sshPrivateKey" or "sshPassword" secret.',
    );
  });

  it("rejects a pasted private key that is not one, naming the secret", async () => {
    const error = await runError(
      testUnit(unit, { name: "web", args: { endpoint: "10.0.0.5" }, secrets: { sshPrivateKey: "ssh-ed25519 AAAA" }, mocks }),
    );
    expect(error.message).toMatch(/secret "sshPrivateKey" of "web" cannot be used: this is a public key/);
  });

  it.each([
    [{ endpoint: "not a host!" }, "endpoint"],
    [{ endpoint: "10.0.0.5", sshPort: 70000 }, "sshPort"],
    [{ endpoint: "10.0.0.5", sshUser: "" }, "sshUser"],
    [{ endpoint: "10.0.0.5", sshHostKey: "my key" }, "sshHostKey"],
    [{ endpoint: "10.0.0.5", sshTimeout: 0 }, "sshTimeout"],
    [{}, "endpoint"],
  ])("rejects bad args %j naming %s", async (args, field) => {
    const error = await runError(testUnit(unit, { args: args as never, secrets: { sshPassword: "x" }, mocks }));
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain(`"${field}"`);
  });
});
