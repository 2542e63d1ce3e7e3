import { errorKind, exitCodeForKind, HighstateError, isHighstateError } from "../errors/index.js";
/**
 * An error a command reports to the user as is. `exitCode` is the process exit code: the one given, or
 * the one of the class's code (`command-failed`: 1, usage and configuration codes: 2).
 */
export class CliError extends HighstateError {
  static override readonly code: string = "command-failed";
  override name = "CliError";

  /** The process exit code. */
  readonly exitCode: number;

  constructor(message: string, exitCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode ?? exitCodeForKind(errorKind(this.code));
  }
}

/** The command line itself is wrong (unknown command or option, missing argument): exit code 2. */
export class UsageError extends CliError {
  static override readonly code = "usage";
  override name = "UsageError";

  constructor(
    message: string,
    /** The command whose help explains the usage, e.g. `projects create`. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Thrown when a command needs a workspace and none is found. */
export class NoWorkspaceError extends CliError {
  static override readonly code = "no-workspace";
  override name = "NoWorkspaceError";

  constructor(
    /** The directory searched from. */
    readonly directory: string,
  ) {
    super(`No Highstate workspace in "${directory}" or above it; run \`highstate init\` to create one there, or pass --cwd <workspace>`);
  }
}

/** Thrown when a command needs a project and it is not clear which one. */
export class NoProjectSelectedError extends CliError {
  static override readonly code = "no-project-selected";
  override name = "NoProjectSelectedError";

  constructor(
    /** The projects of the workspace. */
    readonly projects: string[],
  ) {
    super(
      projects.length === 0
        ? "The workspace has no project yet; create one with `highstate projects create <name>`"
        : `The workspace has several projects (${projects.map((name) => `"${name}"`).join(", ")}); choose one with --project <name> or HIGHSTATE_PROJECT`,
    );
  }
}

/** Thrown when a password or secret value is needed and cannot be asked for (no terminal, no environment variable). */
export class PasswordRequiredError extends CliError {
  static override readonly code = "password-required";
  override name = "PasswordRequiredError";

  constructor(what: string, variable: string) {
    super(`${what} is needed but there is no terminal to ask for it; set ${variable} in the environment`);
  }
}

/**
 * The exit code of an error: its own for CLI errors; by its code for other Highstate errors (2 for usage
 * and configuration errors, 130 for cancellations, 1 otherwise); 1 for anything else.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  return isHighstateError(error) ? exitCodeForKind(errorKind(error.code)) : 1;
}

/**
 * Formats an error for the terminal: one line with the message, or with `debug` the stack and the
 * chain of causes.
 */
export function formatError(error: unknown, debug: boolean): string {
  if (!(error instanceof Error)) return `Error: ${String(error)}\n`;
  if (!debug) return `Error: ${error.message}\n`;
  const lines: string[] = [error.stack ?? `${error.name}: ${error.message}`];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 8; depth += 1) {
    lines.push(`Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return `${lines.join("\n")}\n`;
}

/**
 * An error as the JSON document a `--json` command prints on stdout instead of its result, so a CI job
 * that saves the output (`… --json > result.json`) has the reason on record:
 * `{ "error": { "code", "message", "exitCode" } }`. `code` is the error's stable code (that of the
 * error a command reworded, where it did; `internal` for an unexpected error).
 */
export function errorJson(error: unknown): string {
  // A command that rewords an error for the terminal keeps it as the cause: its code is the specific one.
  let coded: unknown = error;
  while (coded instanceof CliError && coded.code === CliError.code && isHighstateError(coded.cause)) coded = coded.cause;
  const code = isHighstateError(coded) ? coded.code : "internal";
  const message = error instanceof Error ? error.message : String(error);
  return `${JSON.stringify({ error: { code, message, exitCode: exitCodeOf(error) } }, null, 2)}\n`;
}

/** Whether the command line asks for JSON output (`--json` before any `--`). */
export function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}
