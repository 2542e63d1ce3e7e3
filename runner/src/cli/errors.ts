/** An error a command reports to the user as is; `exitCode` is the process exit code (1 unless set). */
export class CliError extends Error {
  override name = "CliError";

  constructor(
    message: string,
    /** The exit code. */
    readonly exitCode = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The command line itself is wrong (unknown command or option, missing argument): exit code 2. */
export class UsageError extends CliError {
  override name = "UsageError";

  constructor(
    message: string,
    /** The command whose help explains the usage, e.g. `projects create`. */
    readonly command?: string,
  ) {
    super(message, 2);
  }
}

/** Thrown when a command needs a workspace and none is found. */
export class NoWorkspaceError extends CliError {
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
  override name = "PasswordRequiredError";

  constructor(what: string, variable: string) {
    super(`${what} is needed but there is no terminal to ask for it; set ${variable} in the environment`);
  }
}

/** The exit code of an error: its own for CLI errors, 1 otherwise. */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : 1;
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
