import type { ConnectionInput } from "../../entities/connection.js";

/** An API token in Proxmox's format; made up. */
export const apiToken = "root@pam!highstate=4f1c2d3e-5a6b-7c8d-9e0f-a1b2c3d4e5f6";

/** A connection as the Proxmox Connection unit outputs it. */
export function connection(overrides: Partial<ConnectionInput> = {}): ConnectionInput {
  return {
    endpoint: "https://pve.example.com:8006",
    insecure: true,
    apiToken,
    version: "8.4.1",
    nodeName: "pve",
    datastoreId: "local-lvm",
    imageDatastoreId: "local",
    imageContentType: "import",
    ...overrides,
  };
}
