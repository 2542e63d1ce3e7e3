/**
 * Errors of the designer server itself, and the mapping of the runner's domain errors to API errors.
 */
import { HighstateError } from "@highstate/contract";
import type { SecretBindingPlace } from "@highstate/project/api";
import { type ErrorCode, isErrorCode, isHighstateError } from "../errors/index.js";
import type { SecretBindingError, SecretBindingProblem } from "../secrets/index.js";
import { HttpError } from "./http.js";

/** Thrown when the server would listen on a non-loopback address without `--allow-remote`. */
export class RemoteAccessNotAllowedError extends HighstateError {
  static override readonly code = "remote-access-not-allowed";
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
export class NoSuchWorkspaceError extends HighstateError {
  static override readonly code = "no-such-workspace";
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
export class ListenError extends HighstateError {
  static override readonly code = "listen-failed";
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

/** How an error code is reported by the API: the HTTP status, and the `code` of the `ApiError` body. */
export interface HttpErrorMapping {
  /** The HTTP status (4xx: the request or the project is wrong; 5xx: the server or a peer failed). */
  status: number;
  /** The code of the response body, when it is not the error code itself (codes the designer already knows). */
  api?: string;
}

/**
 * The HTTP status (and API code) of every error code: typed over `ErrorCode`, so a new code must be
 * added here to compile, and `errors.test.ts` checks both directions at run time too. Errors that are
 * only raised by the CLI or before the server listens are mapped as well, so that nothing a request
 * could raise turns into a bare 500.
 */
export const httpErrors: { readonly [code in ErrorCode]: HttpErrorMapping } = {
  // @highstate/contract
  "invalid-definition": { status: 422 },
  "duplicate-type": { status: 422 },
  // cli (never raised while serving a request)
  "command-failed": { status: 500 },
  usage: { status: 400, api: "bad-request" },
  "no-workspace": { status: 404, api: "not-found" },
  "no-project-selected": { status: 400, api: "bad-request" },
  "password-required": { status: 401 },
  "prompt-cancelled": { status: 400 },
  // engine
  "pulumi-cli-not-found": { status: 503, api: "pulumi-missing" },
  "pulumi-cli-unusable": { status: 503, api: "pulumi-unusable" },
  "pulumi-install-failed": { status: 502 },
  "unit-module-not-found": { status: 422 },
  "unit-run-failed": { status: 500 },
  "unit-run-cancelled": { status: 409, api: "cancelled" },
  "stack-locked": { status: 423, api: "locked" },
  "operation-refused": { status: 409, api: "refused" },
  "no-such-instance": { status: 404, api: "not-found" },
  "no-such-operation": { status: 404, api: "not-found" },
  "unknown-engine": { status: 500 },
  // planner
  "dependency-cycle": { status: 422, api: "cycle" },
  "unknown-instance": { status: 404, api: "not-found" },
  "has-dependents": { status: 409 },
  "instance-blocked": { status: 409, api: "blocked" },
  // registry
  "no-such-component": { status: 422, api: "unknown-component" },
  "definitions-import-failed": { status: 422 },
  "duplicate-definition": { status: 422, api: "duplicate-component" },
  // secrets
  "incorrect-password": { status: 401 },
  "malformed-secure-value": { status: 422, api: "unreadable" },
  "malformed-encryption-salt": { status: 422, api: "unreadable" },
  "secret-decryption-failed": { status: 422, api: "unreadable" },
  "secrets-locked": { status: 423, api: "locked" },
  "no-project-password": { status: 409, api: "no-password" },
  "project-password-exists": { status: 409, api: "already-exists" },
  "secrets-changed-on-disk": { status: 409, api: "conflict" },
  "secrets-not-bound": { status: 409 },
  "secret-rebind-locked": { status: 423, api: "locked" },
  "no-such-secret": { status: 404, api: "not-found" },
  // fs
  "unreadable-file": { status: 422, api: "unreadable" },
  // workspace
  "invalid-project-name": { status: 400, api: "bad-request" },
  "project-not-found": { status: 404, api: "not-found" },
  "project-already-exists": { status: 409, api: "already-exists" },
  "project-has-resources": { status: 409, api: "has-resources" },
  "invalid-project": { status: 422, api: "unreadable" },
  "stale-secret-outputs": { status: 409 },
  "workspace-locked": { status: 423, api: "locked" },
  "broken-workspace-lock": { status: 500 },
  "plug-and-play-unsupported": { status: 500 },
  // project operations: applyMutations reports them as 400s naming the mutation; elsewhere the same
  "project-operation-refused": { status: 400, api: "bad-request" },
  "instance-not-found": { status: 400, api: "bad-request" },
  "hub-not-found": { status: 400, api: "bad-request" },
  "unknown-component-type": { status: 400, api: "bad-request" },
  "invalid-instance-name": { status: 400, api: "bad-request" },
  "duplicate-instance": { status: 400, api: "bad-request" },
  "invalid-args": { status: 400, api: "bad-request" },
  "invalid-position": { status: 400, api: "bad-request" },
  "input-not-found": { status: 400, api: "bad-request" },
  "output-not-found": { status: 400, api: "bad-request" },
  "incompatible-input": { status: 400, api: "bad-request" },
  "invalid-hub": { status: 400, api: "bad-request" },
  // scaffold
  "create-package-failed": { status: 500 },
  // terminals
  "terminal-failed": { status: 500 },
  "host-key-mismatch": { status: 502 },
  "invalid-host-key": { status: 502 },
  "ssh-unreachable": { status: 502 },
  "ssh-authentication-failed": { status: 502 },
  "ssh-credentials-invalid": { status: 422 },
  "ssh-session-failed": { status: 502 },
  "local-terminal-failed": { status: 500 },
  "terminal-session-not-found": { status: 404, api: "not-found" },
  "terminal-session-in-use": { status: 409, api: "conflict" },
  // server (raised before it listens)
  "remote-access-not-allowed": { status: 500 },
  "no-such-workspace": { status: 500 },
  "listen-failed": { status: 500 },
};

/**
 * Turns a Highstate error into an `HttpError` by its `code` (keeping its message, which names the thing
 * and says what to do, and its `field` when it has one). Going by the code, not the class, recognises
 * errors from any copy of the packages and needs no import of every module's error classes. Other
 * errors, and codes this runner does not know (e.g. from a newer contract), are returned unchanged (→ 500).
 */
export function toHttpError(error: unknown): unknown {
  if (error instanceof HttpError || !isHighstateError(error) || !isErrorCode(error.code)) return error;
  const { status, api } = httpErrors[error.code];
  const field = (error as { field?: unknown }).field;
  const extra: HttpError["extra"] = typeof field === "string" ? { field } : {};
  if (isHighstateError(error, "secrets-not-bound")) {
    // The places, so the designer can list them and offer to accept them (never a value: there is none).
    const { file, problems, bindingsRemoved } = error as Partial<SecretBindingError>;
    if (typeof file === "string" && Array.isArray(problems))
      extra.bindings = { file, places: problems.map(bindingPlace), bindingsRemoved: bindingsRemoved === true };
  }
  return new HttpError(status, api ?? error.code, error.message, extra, { cause: error });
}

/** A binding problem as the API shows it (only the documented fields). */
export function bindingPlace(problem: SecretBindingProblem): SecretBindingPlace {
  return {
    instanceId: problem.instanceId,
    name: problem.name,
    kind: problem.kind,
    ...(problem.movedFrom ? { movedFrom: { instanceId: problem.movedFrom.instanceId, name: problem.movedFrom.name } } : {}),
  };
}
