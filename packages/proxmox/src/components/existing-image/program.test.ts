import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProxmox, startFakeProxmox } from "../../api/__fixtures__/fake-proxmox.js";
import { imageSchema } from "../../entities/image.js";
import { apiToken, connection } from "../../shared/__fixtures__/connection.js";
import { loadSerializedProvider } from "../../shared/__fixtures__/serialized.js";
import type { proxmoxExistingImage } from "./definition.js";

type ExistingImageUnit = Unit<typeof proxmoxExistingImage>;
let unit: ExistingImageUnit;
const checkType = "pulumi-nodejs:dynamic/proxmox:VolumeCheck";

const mocks: TestUnitOptions<ExistingImageUnit["component"]>["mocks"] = {
  newResource: (args) =>
    args.type === checkType ? { id: "vol", state: { ...args.inputs, outputs: { size: 3 * 2 ** 30, format: "qcow2" } } } : undefined,
};

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("Existing Image", () => {
  it("checks the volume on the default node and outputs it", async () => {
    const result = await testUnit(unit, {
      name: "debian",
      args: { id: "local:import/debian-12.qcow2" },
      secretInputs: { connection: connection() },
      mocks,
    });
    const check = result.resource(checkType, "debian");
    expect(check.inputs.inputs).toEqual({
      endpoint: "https://pve.example.com:8006",
      insecure: true,
      nodeName: "pve",
      volid: "local:import/debian-12.qcow2",
    });
    expect(check.inputs.credentials).toEqual({ apiToken });
    expect(check.secretInputs).toContain("credentials");
    expect(check.secretInputs).not.toContain("inputs");
    expect(imageSchema.parse(result.outputs.image)).toEqual({
      id: "local:import/debian-12.qcow2",
      nodeName: "pve",
      datastoreId: "local",
      contentType: "import",
      size: 3 * 2 ** 30,
    });
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual([]);
    expect(result.outputs.$statusFields).toContainEqual({ name: "size", title: "Size", value: "3.00 GiB", secret: false });
  });

  it("uses the given node and iso content", async () => {
    const result = await testUnit(unit, {
      args: { id: "nfs:iso/noble.img", nodeName: "pve2" },
      secretInputs: { connection: connection() },
      mocks,
    });
    expect(imageSchema.parse(result.outputs.image)).toMatchObject({ nodeName: "pve2", datastoreId: "nfs", contentType: "iso" });
  });

  it("rejects an id that is not a volume id of image content", async () => {
    for (const id of ["debian-12.qcow2", "local:backup/vzdump.zst", "local:import/"]) {
      const error = await runError(testUnit(unit, { args: { id }, secretInputs: { connection: connection() }, mocks }));
      expect(error.name).toBe("UnitArgsError");
      expect(error.message).toContain('"id"');
    }
  });
});

describe("the serialized volume check against a fake Proxmox API", () => {
  let pve: FakeProxmox;
  let provider: pulumi.dynamic.ResourceProvider;
  beforeAll(async () => {
    pve = await startFakeProxmox({
      apiToken,
      storages: { pve: [{ storage: "local", type: "dir", content: "iso,import", active: 1, enabled: 1 }] },
    });
    pve.volumes.set("local:import/debian-12.qcow2", Buffer.alloc(1024));
    const result = await testUnit(unit, {
      args: { id: "local:import/debian-12.qcow2" },
      secretInputs: { connection: connection() },
      mocks,
    });
    provider = loadSerializedProvider(String(result.resource(checkType).inputs.__provider));
  });
  afterAll(async () => {
    await pve?.stop();
  });

  it("finds a volume that is there", async () => {
    const created = await provider.create({
      inputs: { endpoint: pve.endpoint, insecure: true, nodeName: "pve", volid: "local:import/debian-12.qcow2" },
      credentials: { apiToken },
    });
    expect(created.outs.outputs).toEqual({ size: 1024, format: "qcow2" });
  });

  it("fails naming the volume and listing what is there", async () => {
    await expect(
      provider.create({
        inputs: { endpoint: pve.endpoint, insecure: true, nodeName: "pve", volid: "local:import/debian-13.qcow2" },
        credentials: { apiToken },
      }),
    ).rejects.toThrow(
      'The volume "local:import/debian-13.qcow2" is not on Proxmox node "pve". Volumes of that datastore and content type: "local:import/debian-12.qcow2".',
    );
  });
});
