import { chmod, mkdtemp, open, rename, rm } from "node:fs/promises";
import { homedir, constants as osConstants, tmpdir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import type { TerminalSpec } from "@highstate/contract";
import * as pty from "node-pty";
import { isExecutable } from "../fs/atomic-write.js";
import { LocalTerminalError } from "./errors.js";
import { normalizeSize, TerminalProcess, type TerminalSize } from "./terminal-process.js";

/** A terminal spec of type `local`. */
export type LocalTerminalSpec = Extract<TerminalSpec, { type: "local" }>;

/** Where and how local terminals run. */
export interface LocalTerminalOptions {
  /** Working directory of the shell. Default: the user's home directory. */
  cwd?: string;
  /** Environment the terminal's environment starts from. Default: the runner's `process.env`. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Folder in which each terminal's private temp folder is made. Default: the OS temp folder. */
  tempRoot?: string;
  /** `TERM` of the PTY. Default `xterm-256color`. */
  term?: string;
}

const placeholderPattern = /\$\{file:([^}]*)\}/g;

/**
 * Starts the spec's command (or the user's `$SHELL`, falling back to `/bin/sh`) in a local PTY. The
 * spec's files are written into a private temp folder (mode 0700, files 0600 unless the spec says
 * otherwise) and `${file:<name>}` in env values and command arguments becomes the file's absolute path.
 * The folder is removed when the terminal ends.
 */
export async function openLocalTerminal(
  spec: LocalTerminalSpec,
  size: TerminalSize,
  options: LocalTerminalOptions = {},
): Promise<LocalTerminal> {
  const baseEnv = options.baseEnv ?? process.env;
  const fileNames = new Set<string>();
  for (const file of spec.files) {
    if (fileNames.has(file.name)) throw new LocalTerminalError(spec.name, `the file "${file.name}" is listed twice`);
    fileNames.add(file.name);
  }
  const referenced = [...Object.values(spec.env), ...spec.command].flatMap((value) =>
    [...value.matchAll(placeholderPattern)].map((match) => match[1] ?? ""),
  );
  const unknown = referenced.find((name) => !fileNames.has(name));
  if (unknown !== undefined)
    throw new LocalTerminalError(
      spec.name,
      `"\${file:${unknown}}" names no file of the terminal; the files are ${[...fileNames].map((name) => `"${name}"`).join(", ") || "none"}`,
    );

  const [file, ...args] = spec.command.length > 0 ? spec.command : [await userShell(baseEnv)];
  const cwd = options.cwd ?? homedir();
  const directory = spec.files.length > 0 ? await writeFiles(spec, options.tempRoot ?? tmpdir()) : undefined;
  try {
    const substitute = (value: string) => value.replace(placeholderPattern, (_match, name: string) => join(directory as string, name));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(baseEnv)) if (value !== undefined) env[key] = value;
    Object.assign(env, { TERM: options.term ?? "xterm-256color", COLORTERM: "truecolor", HIGHSTATE_TERMINAL: spec.name });
    for (const [key, value] of Object.entries(spec.env)) env[key] = substitute(value);
    const executable = await resolveExecutable(substitute(file as string), env.PATH ?? "", cwd);
    if (!executable)
      throw new LocalTerminalError(spec.name, `the command "${file}" was not found on PATH; install it or fix the terminal's command`);
    const { cols, rows } = normalizeSize(size);
    let child: pty.IPty;
    try {
      child = pty.spawn(executable, args.map(substitute), { name: env.TERM, cols, rows, cwd, env, encoding: null });
    } catch (error) {
      throw new LocalTerminalError(
        spec.name,
        `spawning "${executable}" failed (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
    return new LocalTerminal(spec.title ?? spec.name, child, directory);
  } catch (error) {
    if (directory) await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** A command running in a local PTY. Created by {@link openLocalTerminal}. */
export class LocalTerminal extends TerminalProcess {
  readonly #child: pty.IPty;
  readonly #closed: Promise<void>;
  #closing = false;

  constructor(
    readonly title: string,
    child: pty.IPty,
    /** The private temp folder holding the terminal's files, removed on exit. */
    readonly directory: string | undefined,
  ) {
    super();
    this.#child = child;
    // Paused before the event loop turns, so no output is read until resume().
    child.pause();
    child.onData((chunk) => {
      if (!this.#closing) this.emit("data", typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    });
    this.#closed = new Promise<void>((resolve) => {
      child.onExit(async ({ exitCode, signal }) => {
        if (this.directory) await rm(this.directory, { recursive: true, force: true });
        this.finish({ code: signal ? null : exitCode, signal: signal ? signalName(signal) : null });
        resolve();
      });
    });
  }

  /** Process id of the command. */
  get pid(): number {
    return this.#child.pid;
  }

  write(data: Uint8Array | string): boolean {
    if (!this.exited) this.#child.write(typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    return true;
  }

  resize(size: TerminalSize): void {
    if (this.exited) return;
    const { cols, rows } = normalizeSize(size);
    this.#child.resize(cols, rows);
  }

  protected pauseOutput(): void {
    this.#child.pause();
  }

  protected resumeOutput(): void {
    this.#child.resume();
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.#closing = true;
    // Reading on lets the PTY reach end-of-file, which node-pty waits for before reporting the exit.
    this.#child.resume();
    this.#child.kill("SIGHUP");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 2_000);
    await this.#closed;
    clearTimeout(timer);
  }
}

async function writeFiles(spec: LocalTerminalSpec, tempRoot: string): Promise<string> {
  const directory = await mkdtemp(join(tempRoot, "highstate-terminal-"));
  try {
    await chmod(directory, 0o700);
    for (const file of spec.files) {
      const target = join(directory, file.name);
      const temporary = join(directory, `.${file.name}.${process.pid}.tmp`);
      const handle = await open(temporary, "wx", 0o600);
      try {
        await handle.writeFile(file.content);
        await handle.chmod(file.mode);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    }
    return directory;
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw new LocalTerminalError(spec.name, `writing its files failed (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
}

async function userShell(env: NodeJS.ProcessEnv): Promise<string> {
  const shell = env.SHELL;
  if (shell && isAbsolute(shell) && (await isExecutable(shell))) return shell;
  return "/bin/sh";
}

async function resolveExecutable(command: string, path: string, cwd: string): Promise<string | undefined> {
  if (command.includes("/")) {
    const candidate = isAbsolute(command) ? command : join(cwd, command);
    return (await isExecutable(candidate)) ? candidate : undefined;
  }
  for (const directory of path.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function signalName(signal: number): string {
  const entry = Object.entries(osConstants.signals).find(([, value]) => value === signal);
  return entry ? entry[0].replace(/^SIG/, "") : String(signal);
}
