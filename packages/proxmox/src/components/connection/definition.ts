import { hostSchema, portSchema, sshKeyPairEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { connectionEntity } from "../../entities/connection.js";

/** A Proxmox VE cluster reached through its API, with its default node and datastores detected. */
export const proxmoxConnection = defineComponent({
  type: "proxmox.connection.v1",
  args: {
    /** The API endpoint, `https://<host>:8006`. */
    endpoint: z.url({ protocol: /^https$/, error: "must be an https:// URL such as https://pve.example.com:8006" }),
    /** Skip the TLS certificate check; needed with Proxmox's own self-signed certificate. */
    insecure: z.boolean().default(false),
    /** The user (`root@pam`) to log in as with the "password" secret, when no API token is set. */
    username: z
      .string()
      .regex(/^[^@\s]+@[^@\s]+$/, "must be USER@REALM, such as root@pam")
      .optional(),
    /** The node to use by default. Leave it empty to use the first online node. */
    nodeName: z.string().min(1).optional(),
    /** The datastore for VM disks. Leave it empty to use the local one with the most free space that holds VM disks. */
    datastoreId: z.string().min(1).optional(),
    /** The datastore images are downloaded to. Leave it empty to use one that holds `import` (or, before Proxmox VE 8.4, `iso`) content. */
    imageDatastoreId: z.string().min(1).optional(),
    /** Give the provider SSH access to the node (needed for `iso` images and cloud-init snippets). */
    sshEnabled: z.boolean().default(false),
    /** The host SSH connects to; the API host when left empty. */
    sshHost: hostSchema.optional(),
    /** The SSH port of the node. */
    sshPort: portSchema.default(22),
    /** The SSH user on the node. */
    sshUser: z.string().min(1).default("root"),
  },
  secrets: {
    /** An API token, `USER@REALM!TOKENID=SECRET` (Datacenter → Permissions → API Tokens). */
    apiToken: z
      .string()
      .regex(/^\S+@\S+!\S+=[a-zA-Z0-9-]+$/, "must be an API token in the format USER@REALM!TOKENID=SECRET")
      .optional(),
    /** The password of the "username" arg, when no API token is set. */
    password: z.string().min(1).optional(),
    /** A private key for SSH to the node, when no SSH key pair is connected. */
    sshPrivateKey: z.string().min(1).optional(),
    /** A password for SSH to the node. */
    sshPassword: z.string().min(1).optional(),
  },
  inputs: {
    /** The key pair the provider logs in to the node with over SSH, when SSH is enabled. */
    sshKeyPair: { entity: sshKeyPairEntity, required: false },
  },
  outputs: {
    /** The connection, with the node and datastores to use by default. */
    connection: connectionEntity,
  },
  meta: {
    title: "Proxmox Connection",
    description: "Connects to the Proxmox VE API, checks the credentials and picks (or checks) the default node and datastores.",
    icon: "simple-icons:proxmox",
    category: "Proxmox",
  },
  source: { package: "@highstate/proxmox", path: "connection" },
});
