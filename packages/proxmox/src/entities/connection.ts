import { hostSchema, portSchema } from "@highstate/common";
import { defineEntity, z } from "@highstate/contract";

/** SSH access to the Proxmox node, which the provider needs for a few operations (snippets, `iso` disks). */
export const proxmoxSshSchema = z
  .object({
    /** The host SSH connects to; the API host when left out. */
    host: hostSchema.optional(),
    /** The SSH port. */
    port: portSchema.default(22),
    /** The user to log in as, usually `root`. */
    user: z.string().min(1).default("root"),
    /** A private key (OpenSSH or PEM, no passphrase). Secret. */
    privateKey: z.string().min(1).meta({ secret: true }).optional(),
    /** A password. Secret. */
    password: z.string().min(1).meta({ secret: true }).optional(),
  })
  .strict();
export type ProxmoxSsh = z.output<typeof proxmoxSshSchema>;

/** A Proxmox VE cluster's API, the credentials to use it, and the node and datastores to use by default. */
export const connectionSchema = z
  .object({
    /** The API endpoint, `https://<host>:8006`. */
    endpoint: z.url({ protocol: /^https$/, error: "must be an https:// URL such as https://pve.example.com:8006" }),
    /** Whether the TLS certificate check is skipped (Proxmox's own certificate is self-signed). */
    insecure: z.boolean().default(false),
    /** An API token, `USER@REALM!TOKENID=SECRET`. Secret. */
    apiToken: z.string().min(1).meta({ secret: true }).optional(),
    /** The user (`root@pam`) for a password login, when no API token is used. */
    username: z.string().min(1).optional(),
    /** The password of `username`. Secret. */
    password: z.string().min(1).meta({ secret: true }).optional(),
    /** SSH access to the node for the provider, when given. */
    ssh: proxmoxSshSchema.optional(),
    /** The Proxmox VE version, e.g. `8.4.1`. */
    version: z.string().min(1),
    /** The node VMs and images go to by default. */
    nodeName: z.string().min(1),
    /** The datastore for VM disks and cloud-init drives (content type `images`). */
    datastoreId: z.string().min(1),
    /** The datastore images are downloaded to. */
    imageDatastoreId: z.string().min(1),
    /** The content type images are downloaded as: `import` (Proxmox VE ≥ 8.4, used through the API) or `iso` (needs SSH). */
    imageContentType: z.enum(["import", "iso"]),
    /** A datastore with `snippets` enabled, when the node has one (for cloud-init vendor data). */
    snippetsDatastoreId: z.string().min(1).optional(),
  })
  .strict();
export type Connection = z.output<typeof connectionSchema>;
export type ConnectionInput = z.input<typeof connectionSchema>;

/** A Proxmox VE cluster's API, with credentials and the default node and datastores. */
export const connectionEntity = defineEntity({
  type: "proxmox.connection.v1",
  schema: connectionSchema,
  meta: { title: "Proxmox Connection", color: "#e57000", icon: "simple-icons:proxmox" },
});
