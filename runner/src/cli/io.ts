/**
 * The streams and environment a CLI run uses. `main` takes them as a parameter so tests can run
 * commands in-process with captured output and a scripted stdin.
 */

/** The input stream: `process.stdin`, or a stream a test controls (a TTY is simulated with `isTTY` and `setRawMode`). */
export interface CliInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** An output stream: anything with `write`. */
export interface CliOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Everything a command may touch outside the workspace files. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  /** Environment variables (`HIGHSTATE_PASSWORD`, `HIGHSTATE_PROJECT`, `HIGHSTATE_DEBUG`, …). */
  env: Readonly<Record<string, string | undefined>>;
  /** The directory the command runs in. */
  cwd: string;
}

/** The real process's streams, environment and working directory. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
