import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProxmox, startFakeProxmox, startFileServer } from "./__fixtures__/fake-proxmox.js";
import { ProxmoxClient } from "./client.js";
import { detectDefaults } from "./detect.js";
import {
  ChecksumMismatchError,
  NoSuitableDatastoreError,
  NoSuitableNodeError,
  ProxmoxAuthenticationError,
  ProxmoxCertificateError,
  ProxmoxUnreachableError,
} from "./errors.js";
import { deleteVolume, downloadImage, findVolume, imageFileName } from "./images.js";

const apiToken = "root@pam!highstate=4f1c2d3e-5a6b-7c8d-9e0f-a1b2c3d4e5f6";
const storages = {
  alpha: [
    { storage: "local", type: "dir", content: "vztmpl,iso,backup,import", active: 1, enabled: 1, shared: 0, avail: 50e9 },
    { storage: "local-lvm", type: "lvmthin", content: "rootdir,images", active: 1, enabled: 1, shared: 0, avail: 400e9 },
    { storage: "nfs-big", type: "nfs", content: "images,iso,snippets", active: 1, enabled: 1, shared: 1, avail: 900e9 },
    { storage: "dead", type: "dir", content: "images,import", active: 0, enabled: 1, shared: 0, avail: 0 },
  ],
  beta: [{ storage: "local-lvm", type: "lvmthin", content: "images,rootdir", active: 1, enabled: 1, shared: 0, avail: 10e9 }],
};
const nodes = [
  { node: "gamma", status: "online" },
  { node: "alpha", status: "online" },
  { node: "aardvark", status: "offline" },
  { node: "beta", status: "online" },
];

let pve: FakeProxmox;
beforeAll(async () => {
  pve = await startFakeProxmox({ nodes, storages, apiToken, user: { username: "root@pam", password: "correct horse" } });
});
afterAll(async () => {
  await pve?.stop();
});

/** The error a promise rejects with; fails when it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: Error) => error,
  );
}

const client = (credentials: ConstructorParameters<typeof ProxmoxClient>[0]["credentials"] = { apiToken }) =>
  new ProxmoxClient({ endpoint: pve.endpoint, insecure: true, credentials });

describe("detecting the default node and datastores", () => {
  it("picks the first online node by name, the local images store with most space, and the import store", async () => {
    const defaults = await detectDefaults(client());
    expect(defaults).toEqual({
      version: "8.4.1",
      nodeName: "alpha",
      datastoreId: "local-lvm",
      imageDatastoreId: "local",
      imageContentType: "import",
      snippetsDatastoreId: "nfs-big",
      detected: ["nodeName", "datastoreId", "imageDatastoreId"],
    });
    const paths = pve.requests.slice(-3).map((request) => `${request.method} ${request.path}`);
    expect(paths).toEqual(["GET /version", "GET /nodes", "GET /nodes/alpha/storage"]);
  });

  it("checks given values and detects only the rest", async () => {
    const defaults = await detectDefaults(client(), { nodeName: "alpha", datastoreId: "nfs-big" });
    expect(defaults).toMatchObject({
      nodeName: "alpha",
      datastoreId: "nfs-big",
      imageDatastoreId: "local",
      detected: ["imageDatastoreId"],
    });
  });

  it("falls back to iso images before Proxmox VE 8.4", async () => {
    const old = await startFakeProxmox({ version: "8.3.2", nodes, storages, apiToken });
    try {
      const defaults = await detectDefaults(new ProxmoxClient({ endpoint: old.endpoint, insecure: true, credentials: { apiToken } }));
      expect(defaults).toMatchObject({ imageDatastoreId: "local", imageContentType: "iso" });
    } finally {
      await old.stop();
    }
  });

  it("fails clearly for a missing or offline node", async () => {
    const missing = await failure(detectDefaults(client(), { nodeName: "delta" }));
    expect(missing).toBeInstanceOf(NoSuitableNodeError);
    expect(missing.message).toContain('there is no node "delta" (the "nodeName" arg)');
    expect(missing.message).toContain('"aardvark" (offline)');
    const offline = await failure(detectDefaults(client(), { nodeName: "aardvark" }));
    expect(offline.message).toContain('the node "aardvark" is offline');
  });

  it("fails with its own error when no datastore can hold images", async () => {
    const error = await failure(detectDefaults(client(), { nodeName: "beta" }));
    expect(error).toBeInstanceOf(NoSuitableDatastoreError);
    expect(error.message).toBe(
      'Proxmox node "beta": no active datastore can hold downloaded images (content type import or iso); enable that content type on one (Datacenter → Storage) or set the "imageDatastoreId" arg. Its datastores are: "local-lvm" (images,rootdir).',
    );
    const wrong = await failure(detectDefaults(client(), { nodeName: "alpha", datastoreId: "local" }));
    expect(wrong.message).toContain('the datastore "local" (the "datastoreId" arg) cannot hold VM disks');
    const inactive = await failure(detectDefaults(client(), { nodeName: "alpha", imageDatastoreId: "dead" }));
    expect(inactive.message).toContain('"dead" (the "imageDatastoreId" arg) is inactive or disabled');
  });
});

describe("authentication and transport", () => {
  it("refuses a wrong API token without showing its secret", async () => {
    const error = await failure(detectDefaults(client({ apiToken: "root@pam!highstate=00000000-0000-0000-0000-000000000000" })));
    expect(error).toBeInstanceOf(ProxmoxAuthenticationError);
    expect(error.message).toContain('refused the API token "root@pam!highstate" (Authentication failed!)');
    expect(error.message).not.toContain("00000000-0000");
  });

  it("refuses a token that is not in the token format before sending it", async () => {
    expect(() => client({ apiToken: "just-a-secret" })).toThrow(/not in the format USER@REALM!TOKENID=SECRET/);
  });

  it("logs in with a user and password (ticket and CSRF token), and refuses a wrong password", async () => {
    const defaults = await detectDefaults(client({ username: "root@pam", password: "correct horse" }));
    expect(defaults.nodeName).toBe("alpha");
    const error = await failure(detectDefaults(client({ username: "root@pam", password: "wrong" })));
    expect(error).toBeInstanceOf(ProxmoxAuthenticationError);
    expect(error.message).toContain('refused the user "root@pam" (authentication failure)');
    expect(error.message).not.toContain("wrong");
  });

  it("says the host is unreachable when nothing listens", async () => {
    const closed = await startFakeProxmox({ apiToken });
    const endpoint = closed.endpoint;
    await closed.stop();
    const error = await failure(detectDefaults(new ProxmoxClient({ endpoint, insecure: true, credentials: { apiToken } })));
    expect(error).toBeInstanceOf(ProxmoxUnreachableError);
    expect(error.message).toContain("ECONNREFUSED");
    expect(() => new ProxmoxClient({ endpoint: "http://10.0.0.1:8006", credentials: { apiToken } })).toThrow(/only served over https/);
  });

  it("refuses the self-signed certificate unless insecure is set or its CA is trusted", async () => {
    const error = await failure(detectDefaults(new ProxmoxClient({ endpoint: pve.endpoint, credentials: { apiToken } })));
    expect(error).toBeInstanceOf(ProxmoxCertificateError);
    expect(error.message).toContain('set the "insecure" arg');
    const trusted = await detectDefaults(new ProxmoxClient({ endpoint: pve.endpoint, ca: pve.cert, credentials: { apiToken } }));
    expect(trusted.nodeName).toBe("alpha");
  });
});

describe("downloading images", () => {
  const image = Buffer.from("QFI\xfb fake qcow2 image bytes", "latin1");
  const sha256 = createHash("sha256").update(image).digest("hex");
  let files: Awaited<ReturnType<typeof startFileServer>>;
  beforeAll(async () => {
    files = await startFileServer({ "/images/noble-server-cloudimg-amd64.img": image });
  });
  afterAll(async () => {
    await files?.stop();
  });

  it("names the file for its content type", () => {
    expect(imageFileName("https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "import", sha256)).toBe(
      `noble-server-cloudimg-amd64-${sha256.slice(0, 12)}.qcow2`,
    );
    expect(imageFileName("https://x.example/debian-12-genericcloud-amd64.qcow2", "iso", "ABCDEF0123456789")).toBe(
      "debian-12-genericcloud-amd64-abcdef012345.img",
    );
    expect(imageFileName("https://x.example/a%20b/some image.raw?x=1", "import", "00ff")).toBe("some_image-00ff.raw");
  });

  it("downloads with the checksum sent form-encoded, waits for the task, and deletes the volume", async () => {
    const fileName = imageFileName(files.url("/images/noble-server-cloudimg-amd64.img"), "import", sha256);
    const volume = await downloadImage(client(), {
      nodeName: "alpha",
      datastoreId: "local",
      contentType: "import",
      url: files.url("/images/noble-server-cloudimg-amd64.img"),
      fileName,
      checksumAlgorithm: "sha256",
      checksum: sha256.toUpperCase(),
      pollMs: 10,
    });
    expect(volume).toEqual({ volid: `local:import/${fileName}`, content: "import", format: "qcow2", size: image.length });
    const post = pve.requests.find((request) => request.method === "POST" && request.path.endsWith("/download-url"))!;
    expect(post.path).toBe("/nodes/alpha/storage/local/download-url");
    expect(post.params).toEqual({
      url: files.url("/images/noble-server-cloudimg-amd64.img"),
      content: "import",
      filename: fileName,
      checksum: sha256,
      "checksum-algorithm": "sha256",
      "verify-certificates": "1",
    });
    expect(pve.volumes.get(volume.volid)).toEqual(image);
    expect(await findVolume(client(), "alpha", volume.volid)).toMatchObject({ size: image.length });
    await deleteVolume(client(), "alpha", volume.volid);
    expect(pve.volumes.has(volume.volid)).toBe(false);
    // Deleting a volume that is gone is not an error (a retried destroy).
    await deleteVolume(client(), "alpha", volume.volid);
  });

  it("fails on a checksum mismatch showing the expected and the actual checksum, keeping nothing", async () => {
    const wrong = "0".repeat(64);
    const error = await failure(
      downloadImage(client(), {
        nodeName: "alpha",
        datastoreId: "local",
        contentType: "import",
        url: files.url("/images/noble-server-cloudimg-amd64.img"),
        fileName: "noble.qcow2",
        checksumAlgorithm: "sha256",
        checksum: wrong,
        pollMs: 10,
      }),
    );
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error.message).toContain(`has the sha256 checksum ${sha256}, but ${wrong} was expected`);
    expect(pve.volumes.has("local:import/noble.qcow2")).toBe(false);
  });

  it("reports Proxmox's own refusal of a datastore without that content type", async () => {
    const error = await failure(
      downloadImage(client(), {
        nodeName: "alpha",
        datastoreId: "local-lvm",
        contentType: "import",
        url: files.url("/images/noble-server-cloudimg-amd64.img"),
        fileName: "noble.qcow2",
        checksumAlgorithm: "sha256",
        checksum: sha256,
      }),
    );
    expect(error.message).toContain("storage 'local-lvm' is not configured for content-type 'import'");
  });

  it("reports a failed download with the task's exit status", async () => {
    const error = await failure(
      downloadImage(client(), {
        nodeName: "alpha",
        datastoreId: "local",
        contentType: "import",
        url: files.url("/images/missing.qcow2"),
        fileName: "missing.qcow2",
        checksumAlgorithm: "sha256",
        checksum: sha256,
        pollMs: 10,
      }),
    );
    expect(error.name).toBe("ProxmoxTaskError");
    expect(error.message).toMatch(/failed: download failed: 404 Not Found/);
    expect(error.message).toContain("Task log:");
  });

  it("finds an existing volume or lists what is there", async () => {
    await expect(findVolume(client(), "alpha", "local:import/nope.qcow2")).rejects.toThrow(
      /The volume "local:import\/nope\.qcow2" is not on Proxmox node "alpha"/,
    );
  });
});
