import { generateSshKeyPair } from "@highstate/common/ssh";
import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProxmox, startFakeProxmox } from "../../api/__fixtures__/fake-proxmox.js";
import { connectionSchema } from "../../entities/connection.js";
import { loadSerializedProvider } from "../../shared/__fixtures__/serialized.js";
import type { proxmoxConnection } from "./definition.js";

type ConnectionUnit = Unit<typeof proxmoxConnection>;
let unit: ConnectionUnit;

const detectionType = "pulumi-nodejs:dynamic/proxmox:DefaultsDetection";
const apiToken = "root@pam!highstate=4f1c2d3e-5a6b-7c8d-9e0f-a1b2c3d4e5f6";
const detected = {
  version: "8.4.1",
  nodeName: "pve",
  datastoreId: "local-lvm",
  imageDatastoreId: "local",
  imageContentType: "import",
  snippetsDatastoreId: "local",
  detected: ["nodeName", "imageDatastoreId"],
};

/** Answers the detection as a reachable Proxmox would. */
const mocks: TestUnitOptions<ConnectionUnit["component"]>["mocks"] = {
  newResource: (args) =>
    args.type === detectionType ? { id: "https://pve:8006", state: { ...args.inputs, outputs: detected } } : undefined,
};

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("Proxmox Connection under mocks", () => {
  it("detects the defaults with the API token as a secret and outputs the connection", async () => {
    const result = await testUnit(unit, {
      name: "home",
      args: { endpoint: "https://pve.example.com:8006", insecure: true, datastoreId: "local-lvm" },
      secrets: { apiToken },
      mocks,
    });
    const detection = result.resource(detectionType, "home");
    expect(detection.inputs.inputs).toEqual({ endpoint: "https://pve.example.com:8006", insecure: true, datastoreId: "local-lvm" });
    expect(detection.inputs.credentials).toEqual({ apiToken });
    expect(detection.secretInputs).toContain("credentials");
    expect(String(detection.inputs.__provider)).not.toContain("4f1c2d3e");
    expect(String(detection.inputs.__provider)).toContain('("@highstate/proxmox/api")');

    expect(connectionSchema.parse(result.outputs.connection)).toEqual({
      endpoint: "https://pve.example.com:8006",
      insecure: true,
      apiToken,
      version: "8.4.1",
      nodeName: "pve",
      datastoreId: "local-lvm",
      imageDatastoreId: "local",
      imageContentType: "import",
      snippetsDatastoreId: "local",
    });
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual(["connection"]);
    expect(result.outputs.$statusFields).toEqual([
      { name: "version", title: "Proxmox VE", value: "8.4.1", secret: false },
      { name: "nodeName", title: "Default Node", value: "pve (detected)", secret: false },
      { name: "datastoreId", title: "VM Datastore", value: "local-lvm", secret: false },
      { name: "imageDatastoreId", title: "Image Datastore", value: "local (detected), import", secret: false },
    ]);
  });

  it("logs in with a user and password, and gives the provider SSH with the connected key pair", async () => {
    const keyPair = generateSshKeyPair();
    const result = await testUnit(unit, {
      args: { endpoint: "https://10.0.0.2:8006", username: "root@pam", sshEnabled: true, sshHost: "10.0.0.2" },
      secrets: { password: "correct horse" },
      inputs: { sshKeyPair: keyPair },
      mocks,
    });
    expect(result.resource(detectionType).inputs.credentials).toEqual({ username: "root@pam", password: "correct horse" });
    const connection = connectionSchema.parse(result.outputs.connection);
    expect(connection).toMatchObject({
      username: "root@pam",
      password: "correct horse",
      ssh: { host: "10.0.0.2", port: 22, user: "root", privateKey: keyPair.privateKey },
    });
    expect(connection.apiToken).toBeUndefined();
  });

  it("fails clearly without credentials, and with SSH enabled but no SSH credentials", async () => {
    const none = await runError(testUnit(unit, { name: "bare", args: { endpoint: "https://pve:8006" }, mocks }));
    expect(none.message).toBe(
      'Proxmox Connection "bare" has no credentials: set the "apiToken" secret, or the "username" arg and the "password" secret.',
    );
    const ssh = await runError(
      testUnit(unit, { name: "bare", args: { endpoint: "https://pve:8006", sshEnabled: true }, secrets: { apiToken }, mocks }),
    );
    expect(ssh.name).toBe("MissingProxmoxSshCredentialsError");
  });

  it("rejects a token in the wrong format without echoing it, and bad args by field", async () => {
    const token = await runError(testUnit(unit, { args: { endpoint: "https://pve:8006" }, secrets: { apiToken: "s3cr3t-value" }, mocks }));
    expect(token.name).toBe("UnitSecretsError");
    expect(token.message).toContain('"apiToken"');
    expect(token.message).not.toContain("s3cr3t-value");
    const endpoint = await runError(testUnit(unit, { args: { endpoint: "http://pve:8006" }, secrets: { apiToken }, mocks }));
    expect(endpoint.name).toBe("UnitArgsError");
    expect(endpoint.message).toContain('"endpoint"');
    const user = await runError(
      testUnit(unit, { args: { endpoint: "https://pve:8006", username: "root" }, secrets: { password: "x" }, mocks }),
    );
    expect(user.message).toContain('"username"');
  });
});

describe("the serialized detection provider against a fake Proxmox API", () => {
  let pve: FakeProxmox;
  let provider: pulumi.dynamic.ResourceProvider;
  beforeAll(async () => {
    pve = await startFakeProxmox({
      apiToken,
      nodes: [{ node: "pve", status: "online" }],
      storages: {
        pve: [
          { storage: "local", type: "dir", content: "iso,vztmpl,backup", active: 1, enabled: 1, avail: 1e9 },
          { storage: "local-zfs", type: "zfspool", content: "images,rootdir", active: 1, enabled: 1, avail: 1e11 },
        ],
      },
    });
    const result = await testUnit(unit, { args: { endpoint: pve.endpoint, insecure: true }, secrets: { apiToken }, mocks });
    provider = loadSerializedProvider(String(result.resource(detectionType).inputs.__provider));
  });
  afterAll(async () => {
    await pve?.stop();
  });

  it("detects the node and datastores at deploy time", async () => {
    const created = await provider.create({ inputs: { endpoint: pve.endpoint, insecure: true }, credentials: { apiToken } });
    expect(created.outs.outputs).toEqual({
      version: "8.4.1",
      nodeName: "pve",
      datastoreId: "local-zfs",
      imageDatastoreId: "local",
      imageContentType: "iso",
      detected: ["nodeName", "datastoreId", "imageDatastoreId"],
    });
  });

  it("fails the deployment with the authentication error for a wrong token", async () => {
    await expect(
      provider.create({ inputs: { endpoint: pve.endpoint, insecure: true }, credentials: { apiToken: "root@pam!highstate=0000" } }),
    ).rejects.toThrow(/refused the API token "root@pam!highstate" \(Authentication failed!\)/);
  });

  it("fails with the datastore error when the named datastore cannot hold VM disks", async () => {
    await expect(
      provider.create({ inputs: { endpoint: pve.endpoint, insecure: true, datastoreId: "local" }, credentials: { apiToken } }),
    ).rejects.toThrow(/the datastore "local" \(the "datastoreId" arg\) cannot hold VM disks/);
  });
});
