/**
 * Dynamic resources that talk to the Proxmox API at deploy time through `@highstate/proxmox/api`,
 * with the credentials as a secret input (never in the serialized provider code).
 */
import { type DynamicProvider, defineDynamicResource } from "@highstate/pulumi";
import type { ChecksumAlgorithm, ProxmoxCredentials, ProxmoxDefaults, ProxmoxDefaultsRequest } from "../api/index.js";

/** Where the API is; the credentials travel separately. */
export interface ApiTarget {
  endpoint: string;
  insecure: boolean;
}

/** The inputs of a {@link ProxmoxDefaultsDetection}. */
export interface DetectionInputs extends ApiTarget, ProxmoxDefaultsRequest {}

const detection: DynamicProvider<DetectionInputs, ProxmoxDefaults, ProxmoxCredentials> = {
  async create(inputs, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const api = createRequire(`${process.cwd()}/`)("@highstate/proxmox/api") as typeof import("../api/index.js");
    const client = new api.ProxmoxClient({ endpoint: inputs.endpoint, insecure: inputs.insecure, credentials });
    const { endpoint: _endpoint, insecure: _insecure, ...request } = inputs;
    return { id: client.endpoint, outputs: await api.detectDefaults(client, request) };
  },
  async update(_id, _olds, news, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const api = createRequire(`${process.cwd()}/`)("@highstate/proxmox/api") as typeof import("../api/index.js");
    const client = new api.ProxmoxClient({ endpoint: news.endpoint, insecure: news.insecure, credentials });
    const { endpoint: _endpoint, insecure: _insecure, ...request } = news;
    return api.detectDefaults(client, request);
  },
};

/**
 * Logs in to the Proxmox API and picks (or checks) the default node and datastores. Wrong credentials,
 * an unreachable host and a node without a suitable datastore fail the deployment with their own errors.
 */
export const ProxmoxDefaultsDetection = defineDynamicResource<DetectionInputs, ProxmoxDefaults, ProxmoxCredentials>({
  module: "proxmox",
  type: "DefaultsDetection",
  provider: detection,
});

/** The inputs of a {@link ProxmoxImageDownload}. */
export interface ImageDownloadInputs extends ApiTarget {
  nodeName: string;
  datastoreId: string;
  contentType: "import" | "iso";
  url: string;
  fileName: string;
  checksumAlgorithm: ChecksumAlgorithm;
  checksum: string;
  verifyCertificates: boolean;
  timeoutSeconds: number;
}

/** What a downloaded image is. */
export interface ImageDownloadOutputs {
  volid: string;
  size: number;
}

const imageDownload: DynamicProvider<ImageDownloadInputs, ImageDownloadOutputs, ProxmoxCredentials> = {
  async create(inputs, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const api = createRequire(`${process.cwd()}/`)("@highstate/proxmox/api") as typeof import("../api/index.js");
    const client = new api.ProxmoxClient({ endpoint: inputs.endpoint, insecure: inputs.insecure, credentials });
    const volume = await api.downloadImage(client, { ...inputs, timeoutMs: inputs.timeoutSeconds * 1000 });
    return { id: volume.volid, outputs: { volid: volume.volid, size: volume.size ?? 0 } };
  },
  async delete(id, state, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const api = createRequire(`${process.cwd()}/`)("@highstate/proxmox/api") as typeof import("../api/index.js");
    const client = new api.ProxmoxClient({ endpoint: state.inputs.endpoint, insecure: state.inputs.insecure, credentials });
    await api.deleteVolume(client, state.inputs.nodeName, id);
  },
  // One file name can stand for the old and the new image (the same checksum from another URL): the
  // old file must be deleted before the new download, or deleting it afterwards would remove the new one.
  deleteBeforeReplace: true,
};

/**
 * An image Proxmox downloads from a URL to a datastore, verified against a checksum; deleted with the
 * resource. Any change downloads it again.
 */
export const ProxmoxImageDownload = defineDynamicResource<ImageDownloadInputs, ImageDownloadOutputs, ProxmoxCredentials>({
  module: "proxmox",
  type: "ImageDownload",
  provider: imageDownload,
});

/** The inputs of a {@link ProxmoxVolumeCheck}. */
export interface VolumeCheckInputs extends ApiTarget {
  nodeName: string;
  volid: string;
}

const volumeCheck: DynamicProvider<VolumeCheckInputs, { size: number; format: string }, ProxmoxCredentials> = {
  async create(inputs, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const api = createRequire(`${process.cwd()}/`)("@highstate/proxmox/api") as typeof import("../api/index.js");
    const client = new api.ProxmoxClient({ endpoint: inputs.endpoint, insecure: inputs.insecure, credentials });
    const volume = await api.findVolume(client, inputs.nodeName, inputs.volid);
    return { id: volume.volid, outputs: { size: volume.size ?? 0, format: volume.format ?? "" } };
  },
  async update(_id, _olds, news, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const api = createRequire(`${process.cwd()}/`)("@highstate/proxmox/api") as typeof import("../api/index.js");
    const client = new api.ProxmoxClient({ endpoint: news.endpoint, insecure: news.insecure, credentials });
    const volume = await api.findVolume(client, news.nodeName, news.volid);
    return { size: volume.size ?? 0, format: volume.format ?? "" };
  },
};

/** Checks that a volume is on its datastore (the volume itself is not managed: deleting this leaves it). */
export const ProxmoxVolumeCheck = defineDynamicResource<VolumeCheckInputs, { size: number; format: string }, ProxmoxCredentials>({
  module: "proxmox",
  type: "VolumeCheck",
  provider: volumeCheck,
});
