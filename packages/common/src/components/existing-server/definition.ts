import { defineComponent, z } from "@highstate/contract";
import { hostSchema, portSchema } from "../../entities/endpoint.js";
import { serverEntity } from "../../entities/server.js";
import { sshKeyPairEntity, sshPublicKeySchema } from "../../entities/ssh.js";

/** A server that already exists and is reachable over SSH. */
export const existingServer = defineComponent({
  type: "common.existing-server.v1",
  args: {
    /** The IP address or host name of the server. */
    endpoint: hostSchema,
    /** The SSH port of the server. */
    sshPort: portSchema.default(22),
    /** The user to log in as over SSH. */
    sshUser: z.string().min(1).default("root"),
    /**
     * The server's SSH host key (`ssh-ed25519 AAAA…`, as in `/etc/ssh/ssh_host_ed25519_key.pub`). Leave it
     * empty to trust the key the server presents on the first run; later runs then refuse a different key.
     */
    sshHostKey: sshPublicKeySchema.optional(),
    /** How long to wait for SSH to answer, in seconds, for example while the server boots. */
    sshTimeout: z.number().int().min(5).max(3600).default(300),
  },
  secrets: {
    /** A private key (OpenSSH or PEM, no passphrase) to log in with, when no SSH key pair is connected. */
    sshPrivateKey: z.string().optional(),
    /** A password to log in with, instead of or in addition to a key. */
    sshPassword: z.string().optional(),
  },
  inputs: {
    /** The key pair to log in with; its public key must be in the user's `authorized_keys`. */
    sshKeyPair: { entity: sshKeyPairEntity, required: false },
  },
  outputs: {
    /** The server, with its host name and an SSH connection pinned to its host key. */
    server: serverEntity,
  },
  meta: {
    title: "Existing Server",
    description: "A server you already run: Highstate waits for SSH, reads its host name and host key, and offers a shell.",
    icon: "mdi:server",
    category: "Servers",
  },
  source: { package: "@highstate/common", path: "existing-server" },
});
