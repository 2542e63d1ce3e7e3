/**
 * Every error code of Highstate, in one place: the contract's errors and the runner's. Each error class
 * sets one of these as its `static code` (`errors.test.ts` in `server/` checks that every exported error
 * class does, that no two classes share a code, and that every code here belongs to a class), and
 * everything that reacts to errors goes by the code: the HTTP status (`server/errors.ts`), the CLI's exit
 * code and which errors mean "nothing was run, fix the request or the project".
 *
 * The value is the kind of problem:
 * - `usage`: the command line or request is wrong (CLI exit code 2);
 * - `configuration`: the project, the workspace or the machine is set up so that nothing can run: a
 *   missing pulumi CLI, a wrong password, an unknown instance, a cycle (CLI exit code 2);
 * - `failure`: something went wrong while doing the work (CLI exit code 1);
 * - `cancelled`: the user stopped it (CLI exit code 130).
 */
export const errorCodes = {
  // @highstate/contract
  "invalid-definition": "configuration",
  "duplicate-type": "configuration",
  // cli
  "command-failed": "failure",
  usage: "usage",
  "no-workspace": "usage",
  "no-project-selected": "usage",
  "password-required": "configuration",
  "prompt-cancelled": "cancelled",
  // engine
  "pulumi-cli-not-found": "configuration",
  "pulumi-cli-unusable": "configuration",
  "pulumi-install-failed": "failure",
  "unit-module-not-found": "configuration",
  "unit-run-failed": "failure",
  "unit-run-cancelled": "cancelled",
  "stack-locked": "failure",
  "operation-refused": "configuration",
  "no-such-instance": "configuration",
  "no-such-operation": "usage",
  "unknown-engine": "configuration",
  // planner
  "dependency-cycle": "configuration",
  "unknown-instance": "configuration",
  "has-dependents": "configuration",
  "instance-blocked": "configuration",
  // registry
  "no-such-component": "configuration",
  "definitions-import-failed": "configuration",
  "duplicate-definition": "configuration",
  // secrets
  "incorrect-password": "configuration",
  "malformed-secure-value": "failure",
  "malformed-encryption-salt": "failure",
  "secret-decryption-failed": "failure",
  "secrets-locked": "configuration",
  "no-project-password": "configuration",
  "project-password-exists": "configuration",
  "secrets-changed-on-disk": "failure",
  "secrets-not-bound": "failure",
  "secret-rebind-locked": "configuration",
  "no-such-secret": "usage",
  // fs
  "unreadable-file": "failure",
  // workspace
  "invalid-project-name": "usage",
  "project-not-found": "usage",
  "project-already-exists": "usage",
  "project-has-resources": "configuration",
  "invalid-project": "failure",
  "stale-secret-outputs": "failure",
  "workspace-locked": "failure",
  "broken-workspace-lock": "failure",
  "plug-and-play-unsupported": "configuration",
  // workspace: project operations (the designer's mutations and `highstate instances …`)
  "project-operation-refused": "usage",
  "instance-not-found": "usage",
  "hub-not-found": "usage",
  "unknown-component-type": "usage",
  "invalid-instance-name": "usage",
  "duplicate-instance": "usage",
  "invalid-args": "usage",
  "invalid-position": "usage",
  "input-not-found": "usage",
  "output-not-found": "usage",
  "incompatible-input": "usage",
  "invalid-hub": "usage",
  // scaffold
  "create-package-failed": "failure",
  // terminals
  "terminal-failed": "failure",
  "host-key-mismatch": "failure",
  "invalid-host-key": "configuration",
  "ssh-unreachable": "failure",
  "ssh-authentication-failed": "failure",
  "ssh-credentials-invalid": "configuration",
  "ssh-session-failed": "failure",
  "local-terminal-failed": "failure",
  "terminal-session-not-found": "usage",
  "terminal-session-in-use": "usage",
  // server
  "remote-access-not-allowed": "usage",
  "no-such-workspace": "usage",
  "listen-failed": "failure",
} as const satisfies Record<string, ErrorKind>;

/** What kind of problem an error code stands for (see `errorCodes`). */
export type ErrorKind = "usage" | "configuration" | "failure" | "cancelled";

/** A code of `errorCodes`. */
export type ErrorCode = keyof typeof errorCodes;

/** Whether `code` is a known error code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(errorCodes, code);
}

/** The kind of an error code; unknown codes are failures. */
export function errorKind(code: string): ErrorKind {
  return isErrorCode(code) ? errorCodes[code] : "failure";
}

/** The CLI exit code of an error code's kind: 2 usage/configuration, 130 cancelled, 1 otherwise. */
export function exitCodeForKind(kind: ErrorKind): number {
  return kind === "usage" || kind === "configuration" ? 2 : kind === "cancelled" ? 130 : 1;
}
