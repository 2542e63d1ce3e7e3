import { createHash } from "node:crypto";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProxmox, startFakeProxmox, startFileServer } from "./api/__fixtures__/fake-proxmox.js";
import type { proxmoxConnection } from "./components/connection/definition.js";
import type { proxmoxImage } from "./components/image/definition.js";
import { connectionSchema } from "./entities/connection.js";
import { imageSchema } from "./entities/image.js";
import { apiToken, connection } from "./shared/__fixtures__/connection.js";
import { executingMocks } from "./shared/__fixtures__/serialized.js";

/*
 * The Connection and Image units run as a deployment would run them: under the mock runtime, with
 * their dynamic resources really created through the serialized providers against the fake Proxmox
 * API (TLS on loopback) and a loopback image server.
 */

let pve: FakeProxmox;
let files: Awaited<ReturnType<typeof startFileServer>>;
let connectionUnit: Unit<typeof proxmoxConnection>;
let imageUnit: Unit<typeof proxmoxImage>;
const bytes = Buffer.from("QFI\xfb debian genericcloud, in spirit", "latin1");
const sha512 = createHash("sha512").update(bytes).digest("hex");

beforeAll(async () => {
  connectionUnit = (await import("./components/connection/program.js")).default;
  imageUnit = (await import("./components/image/program.js")).default;
  pve = await startFakeProxmox({
    apiToken,
    user: { username: "root@pam", password: "correct horse" },
    nodes: [
      { node: "pve1", status: "offline" },
      { node: "pve2", status: "online" },
    ],
    storages: {
      pve1: [],
      pve2: [
        { storage: "local", type: "dir", content: "iso,vztmpl,backup,import", active: 1, enabled: 1, avail: 8e10 },
        { storage: "local-lvm", type: "lvmthin", content: "images,rootdir", active: 1, enabled: 1, avail: 4e11 },
      ],
    },
  });
  files = await startFileServer({ "/debian-12-genericcloud-amd64.qcow2": bytes });
});
afterAll(async () => {
  await Promise.all([pve?.stop(), files?.stop()]);
});

describe("Proxmox Connection against the fake API", () => {
  it("detects the online node and its datastores and says so in the status fields", async () => {
    const result = await testUnit(connectionUnit, {
      name: "lab",
      args: { endpoint: pve.endpoint, insecure: true },
      secrets: { apiToken },
      mocks: executingMocks(),
    });
    expect(connectionSchema.parse(result.outputs.connection)).toMatchObject({
      nodeName: "pve2",
      datastoreId: "local-lvm",
      imageDatastoreId: "local",
      imageContentType: "import",
    });
    expect(result.outputs.$statusFields).toEqual([
      { name: "version", title: "Proxmox VE", value: "8.4.1", secret: false },
      { name: "nodeName", title: "Default Node", value: "pve2 (detected)", secret: false },
      { name: "datastoreId", title: "VM Datastore", value: "local-lvm (detected)", secret: false },
      { name: "imageDatastoreId", title: "Image Datastore", value: "local (detected), import", secret: false },
    ]);
  });

  it("logs in with a user and password", async () => {
    const result = await testUnit(connectionUnit, {
      args: { endpoint: pve.endpoint, insecure: true, username: "root@pam", nodeName: "pve2" },
      secrets: { password: "correct horse" },
      mocks: executingMocks(),
    });
    expect(result.outputs.$statusFields).toContainEqual({ name: "nodeName", title: "Default Node", value: "pve2", secret: false });
  });

  it("fails the run with its own error for wrong credentials, an offline node and an untrusted certificate", async () => {
    const token = await runError(
      testUnit(connectionUnit, {
        args: { endpoint: pve.endpoint, insecure: true },
        secrets: { apiToken: "root@pam!highstate=0000-1111" },
        mocks: executingMocks(),
      }),
    );
    expect(token.message).toContain('Proxmox at "https://127.0.0.1');
    expect(token.message).toContain('refused the API token "root@pam!highstate"');
    expect(token.message).not.toContain("0000-1111");
    const password = await runError(
      testUnit(connectionUnit, {
        args: { endpoint: pve.endpoint, insecure: true, username: "root@pam" },
        secrets: { password: "nope" },
        mocks: executingMocks(),
      }),
    );
    expect(password.message).toContain('refused the user "root@pam" (authentication failure)');
    const offline = await runError(
      testUnit(connectionUnit, {
        args: { endpoint: pve.endpoint, insecure: true, nodeName: "pve1" },
        secrets: { apiToken },
        mocks: executingMocks(),
      }),
    );
    expect(offline.message).toContain('the node "pve1" is offline');
    const tls = await runError(
      testUnit(connectionUnit, { args: { endpoint: pve.endpoint }, secrets: { apiToken }, mocks: executingMocks() }),
    );
    expect(tls.message).toContain("is not trusted");
  });
});

describe("Image against the fake API", () => {
  it("downloads and verifies the image, and outputs the real volume", async () => {
    const result = await testUnit(imageUnit, {
      name: "debian",
      args: { url: files.url("/debian-12-genericcloud-amd64.qcow2"), sha512 },
      secretInputs: { connection: connection({ endpoint: pve.endpoint, nodeName: "pve2" }) },
      mocks: executingMocks(),
    });
    const image = imageSchema.parse(result.outputs.image);
    expect(image).toEqual({
      id: `local:import/debian-12-genericcloud-amd64-${sha512.slice(0, 12)}.qcow2`,
      nodeName: "pve2",
      datastoreId: "local",
      contentType: "import",
      size: bytes.length,
      checksum: { algorithm: "sha512", value: sha512 },
    });
    expect(pve.volumes.get(image.id)).toEqual(bytes);
  });

  it("fails the run on a checksum mismatch with the expected and the actual checksum", async () => {
    const wrong = "ab".repeat(64);
    const error = await runError(
      testUnit(imageUnit, {
        name: "debian",
        args: { url: files.url("/debian-12-genericcloud-amd64.qcow2"), sha512: wrong },
        secretInputs: { connection: connection({ endpoint: pve.endpoint, nodeName: "pve2" }) },
        mocks: executingMocks(),
      }),
    );
    expect(error.message).toContain(`has the sha512 checksum ${sha512}, but ${wrong} was expected`);
  });
});
