/**
 * Errors of the designer server itself, and the mapping of the runner's domain errors to API errors.
 */
import { HttpError } from "./http.js";

/** Thrown when the server would listen on a non-loopback address without `--allow-remote`. */
export class RemoteAccessNotAllowedError extends Error {
  override name = "RemoteAccessNotAllowedError";

  constructor(
    /** The address that was asked for. */
    readonly host: string,
  ) {
    super(
      `Refusing to listen on "${host}": it is not a loopback address, so other machines could reach the designer (which can read and run your infrastructure). Pass --allow-remote to do it anyway, or use --host 127.0.0.1.`,
    );
  }
}

/** Thrown when the workspace folder given to the server does not exist. */
export class NoSuchWorkspaceError extends Error {
  override name = "NoSuchWorkspaceError";

  constructor(
    /** The absolute path that was given. */
    readonly workspace: string,
  ) {
    super(
      `The workspace "${workspace}" does not exist or is not a folder; pass the folder with the workspace's package.json and projects/.`,
    );
  }
}

/** Thrown when the server cannot listen on the asked address and port. */
export class ListenError extends Error {
  override name = "ListenError";

  constructor(
    readonly host: string,
    readonly port: number,
    options: ErrorOptions & { cause: NodeJS.ErrnoException },
  ) {
    const code = options.cause.code;
    const reason =
      code === "EADDRINUSE"
        ? "the port is in use by another program; choose another with --port (or --port 0 for any free port)"
        : code === "EACCES"
          ? "permission denied; choose a port above 1024"
          : code === "EADDRNOTAVAIL"
            ? "this machine has no such address; check --host"
            : options.cause.message;
    super(`Cannot listen on ${host}:${port}: ${reason}.`, options);
  }
}

/**
 * Maps an error class name to the HTTP status and code it is reported with. Every name is the `name` of
 * an error class of the runner (`errors.test.ts` checks it, and that every other error class is either
 * mapped or deliberately reported otherwise).
 */
export const domainErrors: Readonly<Record<string, { status: number; code: string }>> = {
  InvalidProjectNameError: { status: 400, code: "bad-request" },
  ProjectNotFoundError: { status: 404, code: "not-found" },
  ProjectAlreadyExistsError: { status: 409, code: "already-exists" },
  ProjectHasResourcesError: { status: 409, code: "has-resources" },
  InvalidProjectError: { status: 422, code: "unreadable" },
  UnreadableFileError: { status: 422, code: "unreadable" },
  IncorrectPasswordError: { status: 401, code: "incorrect-password" },
  SecretsLockedError: { status: 423, code: "locked" },
  NoProjectPasswordError: { status: 409, code: "no-password" },
  ProjectPasswordExistsError: { status: 409, code: "already-exists" },
  SecretsChangedOnDiskError: { status: 409, code: "conflict" },
  SecretDecryptionError: { status: 422, code: "unreadable" },
  SecretBindingError: { status: 409, code: "secrets-not-bound" },
  SecretRebindLockedError: { status: 423, code: "locked" },
  StaleSecretOutputsError: { status: 409, code: "stale-secret-outputs" },
  MalformedSecureValueError: { status: 422, code: "unreadable" },
  MalformedEncryptionSaltError: { status: 422, code: "unreadable" },
  NoSuchComponentError: { status: 422, code: "unknown-component" },
  DuplicateDefinitionError: { status: 422, code: "duplicate-component" },
  NoSuchInstanceError: { status: 404, code: "not-found" },
  DependencyCycleError: { status: 422, code: "cycle" },
  HasDependentsError: { status: 409, code: "has-dependents" },
  InstanceBlockedError: { status: 409, code: "blocked" },
  NoSuchOperationError: { status: 404, code: "not-found" },
  NoSuchTerminalSessionError: { status: 404, code: "not-found" },
  TerminalSessionInUseError: { status: 409, code: "busy" },
  PulumiCliNotFoundError: { status: 503, code: "pulumi-missing" },
  PulumiCliUnusableError: { status: 503, code: "pulumi-unusable" },
  OperationRefusedError: { status: 409, code: "refused" },
  HostKeyMismatchError: { status: 502, code: "host-key-mismatch" },
  InvalidHostKeyError: { status: 502, code: "invalid-host-key" },
  SshUnreachableError: { status: 502, code: "unreachable" },
  SshAuthenticationError: { status: 502, code: "authentication-failed" },
  SshCredentialsError: { status: 422, code: "invalid-credentials" },
  SshSessionError: { status: 502, code: "session-failed" },
  LocalTerminalError: { status: 500, code: "terminal-failed" },
  WorkspaceLockedError: { status: 423, code: "locked" },
};

/**
 * Turns a domain error of the runner into an `HttpError` (keeping its message, which names the thing
 * and says what to do). Errors are matched by their `name` (every error class of the runner sets it,
 * and it survives bundling, unlike class identity across module copies), so the server needs no import
 * of every module's error classes. Unknown errors are returned unchanged (→ 500).
 */
export function toHttpError(error: unknown): unknown {
  if (error instanceof HttpError || !(error instanceof Error)) return error;
  const mapping = Object.hasOwn(domainErrors, error.name) ? domainErrors[error.name] : undefined;
  if (!mapping) return error;
  const field = (error as { field?: unknown }).field;
  // Errors that carry their own stable code (terminal errors) keep it.
  const ownCode = (error as { code?: unknown }).code;
  const code = typeof ownCode === "string" && /^[a-z][a-z-]*$/.test(ownCode) ? ownCode : mapping.code;
  return new HttpError(mapping.status, code, error.message, typeof field === "string" ? { field } : {}, { cause: error });
}
