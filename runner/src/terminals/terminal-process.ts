import { EventEmitter } from "node:events";

/** The size of a terminal in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** How a terminal's process ended. */
export interface TerminalExit {
  /** Exit code of the remote or local command, `null` when it was ended by a signal or the connection dropped. */
  code: number | null;
  /** Signal name (e.g. `HUP`) when it was ended by one. */
  signal?: string | null;
  /** Set when the terminal ended because something failed (e.g. the SSH connection dropped). */
  error?: Error;
}

/** Events of a {@link TerminalProcess}. */
export interface TerminalProcessEvents {
  /** Output bytes of the terminal. */
  data: [chunk: Buffer];
  /** The input buffer has room again after `write` returned `false`. */
  drain: [];
  /** The process ended and its resources are freed; emitted exactly once. */
  exit: [exit: TerminalExit];
}

/**
 * A running terminal: a PTY on the other end of an SSH channel or a local pseudo-terminal. It starts
 * paused, so no output is lost before a consumer attaches: attach listeners, then call `resume()`.
 */
export abstract class TerminalProcess extends EventEmitter<TerminalProcessEvents> {
  #exit: TerminalExit | undefined;
  #paused = true;

  /** Title shown to the user (the spec's title, or a default such as `root@host`). */
  abstract readonly title: string;

  /** The exit info once the process has ended. */
  get exited(): TerminalExit | undefined {
    return this.#exit;
  }

  /** Whether output is currently paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Sends input bytes. Returns `false` when the input buffer is full: wait for `drain` before sending more. */
  abstract write(data: Uint8Array | string): boolean;

  /** Changes the PTY size; the program in it gets `SIGWINCH`. */
  abstract resize(size: TerminalSize): void;

  /** Stops reading output; the producer blocks once the transport buffers fill (back-pressure). */
  pause(): void {
    if (this.#paused || this.#exit) return;
    this.#paused = true;
    this.pauseOutput();
  }

  /** Resumes reading output after `pause()` (and starts it the first time). */
  resume(): void {
    if (!this.#paused || this.#exit) return;
    this.#paused = false;
    this.resumeOutput();
  }

  /** Ends the process and frees everything it holds (connection, PTY, temp files). Idempotent. */
  abstract close(): Promise<void>;

  protected abstract pauseOutput(): void;
  protected abstract resumeOutput(): void;

  /** Called by subclasses once everything is freed; emits `exit` once. */
  protected finish(exit: TerminalExit): void {
    if (this.#exit) return;
    this.#exit = exit;
    this.emit("exit", exit);
  }
}

/** Clamps a requested size to what PTYs accept. */
export function normalizeSize(size: TerminalSize): TerminalSize {
  const clamp = (value: number) => Math.min(1000, Math.max(1, Math.floor(Number.isFinite(value) ? value : 1)));
  return { cols: clamp(size.cols), rows: clamp(size.rows) };
}
