import { createHash } from "node:crypto";
import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProxmox, startFakeProxmox, startFileServer } from "../../api/__fixtures__/fake-proxmox.js";
import { imageSchema } from "../../entities/image.js";
import { apiToken, connection } from "../../shared/__fixtures__/connection.js";
import { loadSerializedProvider } from "../../shared/__fixtures__/serialized.js";
import type { proxmoxImage } from "./definition.js";

type ImageUnit = Unit<typeof proxmoxImage>;
let unit: ImageUnit;
const downloadType = "pulumi-nodejs:dynamic/proxmox:ImageDownload";
const url = "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img";
const sha256 = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

const mocks: TestUnitOptions<ImageUnit["component"]>["mocks"] = {
  newResource: (args) => {
    if (args.type !== downloadType) return undefined;
    const inputs = args.inputs.inputs as { datastoreId: string; contentType: string; fileName: string };
    return {
      id: "vol",
      state: { ...args.inputs, outputs: { volid: `${inputs.datastoreId}:${inputs.contentType}/${inputs.fileName}`, size: 600_000_000 } },
    };
  },
};

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("Image under mocks", () => {
  it("downloads to the connection's image datastore as import content, named with the checksum", async () => {
    const result = await testUnit(unit, {
      name: "noble",
      args: { url, sha256: sha256.toUpperCase() },
      secretInputs: { connection: connection() },
      mocks,
    });
    const download = result.resource(downloadType, "noble");
    expect(download.inputs.inputs).toEqual({
      endpoint: "https://pve.example.com:8006",
      insecure: true,
      nodeName: "pve",
      datastoreId: "local",
      contentType: "import",
      fileName: "noble-server-cloudimg-amd64-a1b2c3d4e5f6.qcow2",
      url,
      checksumAlgorithm: "sha256",
      checksum: sha256,
      verifyCertificates: true,
      timeoutSeconds: 1800,
    });
    expect(download.inputs.credentials).toEqual({ apiToken });
    expect(download.secretInputs).toEqual(["credentials"]);
    expect(imageSchema.parse(result.outputs.image)).toEqual({
      id: "local:import/noble-server-cloudimg-amd64-a1b2c3d4e5f6.qcow2",
      nodeName: "pve",
      datastoreId: "local",
      contentType: "import",
      size: 600_000_000,
      checksum: { algorithm: "sha256", value: sha256 },
    });
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual([]);
  });

  it("uses iso content on older Proxmox, and the given node, datastore, name and sha512", async () => {
    const sha512 = "f".repeat(128);
    const result = await testUnit(unit, {
      args: { url, sha512, nodeName: "pve2", datastoreId: "nfs", fileName: "noble.img", verifyCertificates: false },
      secretInputs: { connection: connection({ imageContentType: "iso", version: "8.3.2" }) },
      mocks,
    });
    expect(result.resource(downloadType).inputs.inputs).toMatchObject({
      nodeName: "pve2",
      datastoreId: "nfs",
      contentType: "iso",
      fileName: "noble.img",
      checksumAlgorithm: "sha512",
      checksum: sha512,
      verifyCertificates: false,
    });
  });

  it("needs exactly one checksum", async () => {
    const none = await runError(testUnit(unit, { name: "noble", args: { url }, secretInputs: { connection: connection() }, mocks }));
    expect(none.message).toBe(
      'Image "noble" has no checksum: set the "sha256" (or "sha512") arg to the checksum the publisher lists for the image, so the download is verified.',
    );
    const both = await runError(
      testUnit(unit, { name: "noble", args: { url, sha256, sha512: "0".repeat(128) }, secretInputs: { connection: connection() }, mocks }),
    );
    expect(both.message).toContain('has both the "sha256" and the "sha512" arg');
    const short = await runError(testUnit(unit, { args: { url, sha256: "abc" }, secretInputs: { connection: connection() }, mocks }));
    expect(short.name).toBe("UnitArgsError");
    expect(short.message).toContain('"sha256"');
  });

  it("refuses a file name the content type cannot hold", async () => {
    const error = await runError(
      testUnit(unit, { name: "noble", args: { url, sha256, fileName: "noble.img" }, secretInputs: { connection: connection() }, mocks }),
    );
    expect(error.message).toContain('the "fileName" arg "noble.img" cannot be stored as import content, which needs .qcow2, .raw or .vmdk');
  });
});

describe("the serialized download provider against a fake Proxmox API", () => {
  const bytes = Buffer.from("QFI\xfb a small but real-looking image", "latin1");
  const actual = createHash("sha256").update(bytes).digest("hex");
  let pve: FakeProxmox;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let provider: pulumi.dynamic.ResourceProvider;
  const inputs = (checksum: string, fileName = "noble.qcow2") => ({
    endpoint: pve.endpoint,
    insecure: true,
    nodeName: "pve",
    datastoreId: "local",
    contentType: "import",
    url: files.url("/noble.img"),
    fileName,
    checksumAlgorithm: "sha256",
    checksum,
    verifyCertificates: true,
    timeoutSeconds: 60,
  });

  beforeAll(async () => {
    pve = await startFakeProxmox({
      apiToken,
      storages: { pve: [{ storage: "local", type: "dir", content: "iso,import", active: 1, enabled: 1 }] },
    });
    files = await startFileServer({ "/noble.img": bytes });
    const result = await testUnit(unit, { args: { url, sha256 }, secretInputs: { connection: connection() }, mocks });
    provider = loadSerializedProvider(String(result.resource(downloadType).inputs.__provider));
  });
  afterAll(async () => {
    await Promise.all([pve?.stop(), files?.stop()]);
  });

  it("downloads with the checksum verified, and deletes the file on destroy", async () => {
    const created = await provider.create({ inputs: inputs(actual), credentials: { apiToken } });
    expect(created.id).toBe("local:import/noble.qcow2");
    expect(created.outs.outputs).toEqual({ volid: "local:import/noble.qcow2", size: bytes.length });
    expect(pve.volumes.get("local:import/noble.qcow2")).toEqual(bytes);
    await provider.delete!(created.id, created.outs);
    expect(pve.volumes.size).toBe(0);
  });

  it("fails a mismatch with the expected and the actual checksum", async () => {
    const expected = "0123456789abcdef".repeat(4);
    await expect(provider.create({ inputs: inputs(expected, "bad.qcow2"), credentials: { apiToken } })).rejects.toThrow(
      `The image downloaded from "${files.url("/noble.img")}" has the sha256 checksum ${actual}, but ${expected} was expected`,
    );
    expect(pve.volumes.has("local:import/bad.qcow2")).toBe(false);
  });

  it("replaces (delete first) on any change of the inputs", async () => {
    const diff = await provider.diff!(
      "local:import/noble.qcow2",
      { inputs: inputs(actual), credentials: { apiToken } },
      { inputs: inputs(actual, "other.qcow2"), credentials: { apiToken } },
    );
    expect(diff).toMatchObject({ changes: true, replaces: ["inputs"], deleteBeforeReplace: true });
  });
});
