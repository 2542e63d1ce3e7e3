/** The base class of every SSH error this package throws. */
export class SshError extends Error {
  override name = "SshError";
}

/** Thrown when a pasted private key cannot be used: not a key, a public key, encrypted, or of an unsupported type. */
export class InvalidSshPrivateKeyError extends SshError {
  override name = "InvalidSshPrivateKeyError";

  constructor(
    /** What the key was for, for example `secret "privateKey"`. */
    readonly source: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`The SSH private key in ${source} cannot be used: ${reason}`, options);
  }
}

/** Thrown when a public key line is not a valid OpenSSH public key. */
export class InvalidSshPublicKeyError extends SshError {
  override name = "InvalidSshPublicKeyError";

  constructor(
    readonly value: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`"${value.length > 40 ? `${value.slice(0, 40)}…` : value}" is not an OpenSSH public key: ${reason}`, options);
  }
}

/** Thrown when the SSH port did not answer before the deadline. */
export class SshUnreachableError extends SshError {
  override name = "SshUnreachableError";

  constructor(
    readonly host: string,
    readonly port: number,
    readonly waitedMs: number,
    options?: ErrorOptions,
  ) {
    const last = options?.cause instanceof Error ? ` Last error: ${options.cause.message}.` : "";
    super(
      `The SSH server "${host}:${port}" did not answer within ${waitedMs < 10_000 ? (waitedMs / 1000).toFixed(1) : Math.round(waitedMs / 1000)} s.${last} ` +
        "Check that the host is up, the address and port are right and no firewall blocks the port.",
      options,
    );
  }
}

/** Thrown when the server refused every credential offered. */
export class SshAuthenticationError extends SshError {
  override name = "SshAuthenticationError";

  constructor(
    readonly host: string,
    readonly port: number,
    readonly user: string,
    /** The methods that were tried, for example `["publickey", "password"]`. */
    readonly methods: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      `The SSH server "${host}:${port}" refused to log in user "${user}" with ${methods.length > 0 ? methods.join(" and ") : "no credentials"}. ` +
        "Check the user name, that the public key is in the user's authorized_keys, or the password.",
      options,
    );
  }
}

/** Thrown when the server presented a host key other than the pinned one. */
export class SshHostKeyMismatchError extends SshError {
  override name = "SshHostKeyMismatchError";

  constructor(
    readonly host: string,
    readonly port: number,
    /** The pinned (expected) host key. */
    readonly expected: string,
    /** The host key the server presented. */
    readonly actual: string,
    options?: ErrorOptions,
  ) {
    super(
      `The SSH server "${host}:${port}" presented host key "${actual}" but "${expected}" is pinned. ` +
        "If the server was reinstalled on purpose, update the pinned host key; otherwise someone may be intercepting the connection.",
      options,
    );
  }
}

/** Thrown when a command run over SSH exits with a non-zero status. */
export class SshCommandError extends SshError {
  override name = "SshCommandError";

  constructor(
    readonly host: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    const detail = stderr.trim() ? `: ${stderr.trim().slice(0, 500)}` : "";
    super(`The command "${command}" on "${host}" failed with exit code ${exitCode ?? "unknown (killed by a signal)"}${detail}`, options);
  }
}
