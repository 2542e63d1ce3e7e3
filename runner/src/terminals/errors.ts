/**
 * Errors raised while opening or running a terminal. Each kind has its own class so the server can map
 * it to an HTTP status and the designer can show the message as it is: every message names the thing in
 * quotes and says what to do.
 */
import { HighstateError } from "@highstate/contract";

/** The base class of every terminal error; each subclass has its own stable `code` (e.g. `host-key-mismatch`). */
export class TerminalError extends HighstateError {
  static override readonly code: string = "terminal-failed";
  override name = "TerminalError";
}

/** The SSH server offered a host key different from the one pinned in the terminal spec. */
export class HostKeyMismatchError extends TerminalError {
  static override readonly code = "host-key-mismatch";
  override name = "HostKeyMismatchError";

  constructor(
    /** `host:port` of the server. */
    readonly address: string,
    /** SHA256 fingerprint of the pinned key, OpenSSH style (`SHA256:…`). */
    readonly expectedFingerprint: string,
    /** SHA256 fingerprint of the key the server offered. */
    readonly actualFingerprint: string,
  ) {
    super(
      `The host key of SSH server "${address}" has changed: expected ${expectedFingerprint}, got ${actualFingerprint}. ` +
        "The connection was refused. If the server was reinstalled, re-run its instance to pin the new key; otherwise someone may be intercepting the connection.",
    );
  }
}

/** The pinned host key in the terminal spec cannot be parsed. */
export class InvalidHostKeyError extends TerminalError {
  static override readonly code = "invalid-host-key";
  override name = "InvalidHostKeyError";

  constructor(
    readonly hostKey: string,
    reason: string,
  ) {
    super(
      `The pinned host key "${abbreviate(hostKey)}" is not an OpenSSH public key line (${reason}). Re-run the instance that provides the terminal.`,
    );
  }
}

/** The SSH server could not be reached (connection refused, no route, DNS failure, handshake timeout). */
export class SshUnreachableError extends TerminalError {
  static override readonly code = "ssh-unreachable";
  override name = "SshUnreachableError";

  constructor(
    readonly address: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot reach SSH server "${address}": ${reason}. Check that the server is up and the host and port are right.`, options);
  }
}

/** The SSH server refused every credential offered. */
export class SshAuthenticationError extends TerminalError {
  static override readonly code = "ssh-authentication-failed";
  override name = "SshAuthenticationError";

  constructor(
    readonly address: string,
    readonly user: string,
    /** What was offered, e.g. `private key`, `password`. */
    readonly methods: string[],
    options?: ErrorOptions,
  ) {
    super(
      `SSH server "${address}" refused user "${user}" with the ${methods.join(" and ") || "given credentials"}. ` +
        "Check the instance's SSH key pair or password and that the key is in the server's authorized_keys.",
      options,
    );
  }
}

/** The terminal spec's credentials are missing or unusable (e.g. a private key that cannot be parsed). */
export class SshCredentialsError extends TerminalError {
  static override readonly code = "ssh-credentials-invalid";
  override name = "SshCredentialsError";

  constructor(
    readonly address: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot log in to SSH server "${address}": ${reason}.`, options);
  }
}

/** The SSH connection broke after it was established, or the server refused to open a shell. */
export class SshSessionError extends TerminalError {
  static override readonly code = "ssh-session-failed";
  override name = "SshSessionError";

  constructor(
    readonly address: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`SSH session with "${address}" failed: ${reason}.`, options);
  }
}

/** A local terminal could not be started. */
export class LocalTerminalError extends TerminalError {
  static override readonly code = "local-terminal-failed";
  override name = "LocalTerminalError";

  constructor(
    /** The terminal's name. */
    readonly terminal: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot start local terminal "${terminal}": ${reason}.`, options);
  }
}

/** No open terminal session has the given id (never opened, already closed, or expired before a socket attached). */
export class NoSuchTerminalSessionError extends TerminalError {
  static override readonly code = "terminal-session-not-found";
  override name = "NoSuchTerminalSessionError";

  constructor(readonly sessionId: string) {
    super(`Terminal session "${sessionId}" does not exist or has already closed. Open the terminal again.`);
  }
}

/** A socket tried to attach to a session that already has one; each session serves exactly one socket. */
export class TerminalSessionInUseError extends TerminalError {
  static override readonly code = "terminal-session-in-use";
  override name = "TerminalSessionInUseError";

  constructor(readonly sessionId: string) {
    super(`Terminal session "${sessionId}" is already connected. Open the terminal again to get a new session.`);
  }
}

function abbreviate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}…` : value;
}
