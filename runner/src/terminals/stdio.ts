import type { TerminalExit, TerminalProcess } from "./terminal-process.js";

/** The input side: `process.stdin` or a stream a test controls. */
export interface StdioInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The output side: `process.stdout` or anything with `write` (`drain`, `columns` and `rows` are used when present). */
export interface StdioOutput {
  write(chunk: Uint8Array | string): unknown;
  once?(event: "drain", listener: () => void): unknown;
  columns?: number;
  rows?: number;
}

/** The streams `attachToStdio` uses; defaults are the process's own. */
export interface StdioAttachOptions {
  stdin?: StdioInput;
  stdout?: StdioOutput;
  /** Emitter of `SIGWINCH`; default `process`. */
  signals?: Pick<NodeJS.Process, "on" | "off">;
}

/**
 * Runs a terminal in the user's own terminal: stdin in raw mode goes to the terminal, output goes to
 * stdout (pausing the terminal while stdout is behind), and the terminal is resized on `SIGWINCH`.
 * Resolves with the exit once the terminal ends; stdin's mode is restored.
 */
export function attachToStdio(terminal: TerminalProcess, options: StdioAttachOptions = {}): Promise<TerminalExit> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const signals = options.signals ?? process;
  const wasRaw = stdin.isRaw ?? false;
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === "function";
  if (raw) stdin.setRawMode?.(true);

  const onInput = (chunk: Buffer | string) => {
    if (!terminal.write(chunk)) {
      stdin.pause();
      terminal.once("drain", () => stdin.resume());
    }
  };
  const onInputEnd = () => {
    // Piped input ended: send end-of-file as a keyboard would (Ctrl+D), so a shell reading it exits.
    if (!stdin.isTTY) terminal.write("\x04");
  };
  const onOutput = (chunk: Buffer) => {
    if (stdout.write(chunk) === false && stdout.once) {
      terminal.pause();
      stdout.once("drain", () => terminal.resume());
    }
  };
  const onResize = () => {
    if (stdout.columns && stdout.rows) terminal.resize({ cols: stdout.columns, rows: stdout.rows });
  };

  return new Promise<TerminalExit>((resolve) => {
    const finish = (exit: TerminalExit) => {
      stdin.removeListener("data", onInput);
      stdin.removeListener("end", onInputEnd);
      terminal.off("data", onOutput);
      signals.off("SIGWINCH", onResize);
      if (raw) stdin.setRawMode?.(wasRaw);
      stdin.pause();
      resolve(exit);
    };
    if (terminal.exited) return finish(terminal.exited);
    terminal.on("data", onOutput);
    terminal.once("exit", finish);
    stdin.on("data", onInput);
    stdin.on("end", onInputEnd);
    signals.on("SIGWINCH", onResize);
    stdin.resume();
    onResize();
    terminal.resume();
  });
}
