/**
 * Asking for passwords and secret values: from the environment, from piped stdin, or from the
 * terminal without echo. Secret values are never taken from argv, where any user could read them in
 * the process list.
 */
import { CliError, PasswordRequiredError } from "./errors.js";
import type { CliInput, CliIo } from "./io.js";

/** Thrown when the user stops a prompt with Ctrl+C or Ctrl+D. */
export class PromptCancelledError extends CliError {
  static override readonly code = "prompt-cancelled";
  override name = "PromptCancelledError";

  constructor() {
    super("Cancelled");
  }
}

/** Whether stdin is an interactive terminal we can read a hidden line from. */
export function canPrompt(io: CliIo): boolean {
  return io.stdin.isTTY === true && typeof io.stdin.setRawMode === "function";
}

/**
 * Reads one line from a terminal without echoing it: raw mode, Backspace edits, Enter ends, Ctrl+C or
 * Ctrl+D on an empty line cancels. The prompt goes to stderr so stdout stays clean.
 */
export function promptHidden(io: CliIo, question: string): Promise<string> {
  const stdin: CliInput = io.stdin;
  io.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error, rest = "") => {
      stdin.removeListener("data", onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      // Typed-ahead (or pasted) input belongs to the next prompt; put it back once nobody listens.
      if (rest !== "") stdin.unshift(Buffer.from(rest));
      io.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      const chars = [...(typeof chunk === "string" ? chunk : chunk.toString("utf8"))];
      for (const [index, char] of chars.entries()) {
        if (char === "\r" || char === "\n")
          return finish(
            undefined,
            chars
              .slice(index + 1)
              .join("")
              .replace(/^\n/, ""),
          );
        if (char === "\u0003" || (char === "\u0004" && value.length === 0)) return finish(new PromptCancelledError());
        if (char === "\u007f" || char === "\b") {
          value = [...value].slice(0, -1).join("");
          continue;
        }
        if (char >= " ") value += char;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on("data", onData);
    stdin.resume();
  });
}

/** Reads all of stdin (piped input) as UTF-8. */
export async function readAllStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

/** Options of {@link getPassword}. */
export interface PasswordRequest {
  /** The environment variable that may hold it, e.g. `HIGHSTATE_PASSWORD`. */
  variable: string;
  /** The prompt, e.g. `Password of project "prod": `. */
  prompt: string;
  /** What it is, for the error when it cannot be asked for, e.g. `The password of project "prod"`. */
  what: string;
  /** Ask twice and require both to match (a new password). */
  confirm?: boolean;
}

/**
 * Gets a password: from the environment variable when set, else from a hidden terminal prompt.
 *
 * @throws PasswordRequiredError when neither is available.
 */
export async function getPassword(io: CliIo, request: PasswordRequest): Promise<string> {
  const fromEnv = io.env[request.variable];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (!canPrompt(io)) throw new PasswordRequiredError(request.what, request.variable);
  const password = await promptHidden(io, request.prompt);
  if (password === "") throw new CliError(`${request.what} must not be empty`);
  if (request.confirm) {
    const again = await promptHidden(io, "Repeat it: ");
    if (again !== password) throw new CliError("The two entries differ; nothing was changed");
  }
  return password;
}

/**
 * Gets a secret value: from piped stdin (one trailing newline removed), or from a hidden terminal
 * prompt. Never from argv.
 */
export async function getSecretValue(io: CliIo, prompt: string): Promise<string> {
  if (canPrompt(io)) return promptHidden(io, prompt);
  if (io.stdin.isTTY)
    throw new CliError("Cannot read the secret value: the terminal does not support hidden input; pipe the value into stdin");
  const text = await readAllStdin(io);
  return text.endsWith("\r\n") ? text.slice(0, -2) : text.endsWith("\n") ? text.slice(0, -1) : text;
}
