import { defineComponent, z } from "@highstate/contract";
import { sshKeyPairEntity } from "../../entities/ssh.js";

/** An SSH key pair for logging in to servers: generated once (ed25519) or pasted in. */
export const sshKeyPair = defineComponent({
  type: "common.ssh-key-pair.v1",
  secrets: {
    /**
     * The private key in OpenSSH or PEM format, without a passphrase. Leave it empty to have an ed25519
     * key generated; the generated key is kept with the instance's secrets, so it survives destroy and re-create.
     */
    privateKey: z.string().optional(),
  },
  outputs: {
    /** The key pair: public key, fingerprint and (secret) private key. */
    keyPair: sshKeyPairEntity,
  },
  meta: {
    title: "SSH Key Pair",
    description: "Generates an ed25519 SSH key pair, or takes a pasted private key, and shows its public key and fingerprint.",
    icon: "mdi:key-chain-variant",
    category: "Servers",
  },
  source: { package: "@highstate/common", path: "ssh-key-pair" },
});
