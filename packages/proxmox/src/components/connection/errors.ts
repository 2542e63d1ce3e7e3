/** Thrown when a Proxmox Connection has neither an API token nor a user name and password. */
export class MissingProxmoxCredentialsError extends Error {
  override name = "MissingProxmoxCredentialsError";

  constructor(readonly instance: string) {
    super(
      `Proxmox Connection "${instance}" has no credentials: set the "apiToken" secret, or the "username" arg and the "password" secret.`,
    );
  }
}

/** Thrown when SSH is enabled for a Proxmox Connection without a way to log in. */
export class MissingProxmoxSshCredentialsError extends Error {
  override name = "MissingProxmoxSshCredentialsError";

  constructor(readonly instance: string) {
    super(
      `Proxmox Connection "${instance}" has SSH enabled but no SSH credentials: connect an SSH Key Pair to "sshKeyPair", or set the "sshPrivateKey" or "sshPassword" secret (or turn "sshEnabled" off).`,
    );
  }
}
