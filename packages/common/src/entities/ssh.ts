import { defineEntity, z } from "@highstate/contract";
import { hostSchema, portSchema } from "./endpoint.js";

/** The SSH key algorithms Highstate reads and writes. */
export const sshKeyTypeSchema = z.enum(["ed25519", "ecdsa", "rsa"]);
export type SshKeyType = z.output<typeof sshKeyTypeSchema>;

/** An OpenSSH public key line, `<algorithm> <base64 blob>` with an optional comment. */
export const sshPublicKeySchema = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/,
    'must be an OpenSSH public key such as "ssh-ed25519 AAAA…"',
  );

/** An SSH key pair; the private key is secret. */
export const sshKeyPairSchema = z
  .object({
    /** The key algorithm: `ed25519` for generated keys, also `ecdsa` or `rsa` for pasted ones. */
    type: sshKeyTypeSchema,
    /** The public key in OpenSSH format (`ssh-ed25519 AAAA…`), ready for `authorized_keys`. */
    publicKey: sshPublicKeySchema,
    /** The SHA-256 fingerprint of the public key as `ssh-keygen -lf` prints it (`SHA256:…`). */
    fingerprint: z.string().startsWith("SHA256:"),
    /** The private key in OpenSSH (or PEM) format. Secret: never shown or stored in plaintext. */
    privateKey: z.string().min(1).meta({ secret: true }),
  })
  .strict();
export type SshKeyPair = z.output<typeof sshKeyPairSchema>;

/** How to open an SSH session on a server, with the host key pinned. */
export const sshConnectionSchema = z
  .object({
    /** The host name or IP address SSH connects to. */
    host: hostSchema,
    /** The SSH port. */
    port: portSchema.default(22),
    /** The user to log in as. */
    user: z.string().min(1).default("root"),
    /**
     * The server's public host key in OpenSSH format (`ssh-ed25519 AAAA…`), read when the server was
     * first reached. Connections presenting a different key are refused.
     */
    hostKey: sshPublicKeySchema,
    /** The key pair to authenticate with, when key authentication is used. */
    keyPair: sshKeyPairSchema.optional(),
    /** The password to authenticate with, when password authentication is used. Secret. */
    password: z.string().min(1).meta({ secret: true }).optional(),
  })
  .strict();
export type SshConnection = z.output<typeof sshConnectionSchema>;
export type SshConnectionInput = z.input<typeof sshConnectionSchema>;

/** An SSH key pair (ed25519 by default) whose public key can be authorised on servers. */
export const sshKeyPairEntity = defineEntity({
  type: "common.ssh-key-pair.v1",
  schema: sshKeyPairSchema,
  meta: { title: "SSH Key Pair", color: "#3f6fc0", icon: "mdi:key-variant" },
});
