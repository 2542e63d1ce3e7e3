/**
 * The browser side of a terminal session, without any UI: opens the session over HTTP, connects its
 * WebSocket, turns keystrokes into binary frames and sizes into `resize` messages, and applies flow
 * control: output handed to the renderer but not yet drawn is counted, and the server is asked to
 * `pause` above a high-water mark and to `resume` below a low-water mark, so a flood of output never
 * piles up in the page.
 */
import type { TerminalControlMessage, TerminalSession } from "@highstate/project/api";
import { openApiSocket } from "../api/access-token.js";

/** Where a terminal connection is. */
export type TerminalConnectionState =
  | { phase: "connecting" }
  | { phase: "open"; title: string }
  | { phase: "exited"; code: number | null; signal?: string | null }
  | { phase: "failed"; message: string };

/** What a connection needs from its surroundings. */
export interface TerminalConnectionOptions {
  /** Opens the session (the `POST …/terminals/:name` request) with the terminal's size. */
  openSession(size: { cols: number; rows: number }): Promise<TerminalSession>;
  /** Hands output bytes to the renderer; `done` must be called once they are drawn (xterm's write callback). */
  onOutput(bytes: Uint8Array, done: () => void): void;
  /** Called on every state change. */
  onState(state: TerminalConnectionState): void;
  /** Turns the session's socket path into a URL. Default: same host as the page, `ws:` or `wss:`. */
  socketUrl?(path: string): string;
  /** Creates the socket. Default: an authenticated `WebSocket` (the access token as a subprotocol entry). */
  createSocket?(url: string): WebSocket;
  /** Undrawn bytes above which output is paused. Default 1 MiB. */
  highWaterMark?: number;
  /** Undrawn bytes below which paused output resumes. Default 128 KiB. */
  lowWaterMark?: number;
}

/** The socket URL of a session path on the page's own host. */
export function sameHostSocketUrl(path: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

const encoder = new TextEncoder();

/** One terminal session of the page. */
export class TerminalConnection {
  readonly #options: TerminalConnectionOptions;
  #socket: WebSocket | undefined;
  #state: TerminalConnectionState = { phase: "connecting" };
  #size: { cols: number; rows: number } | undefined;
  #sentSize = "";
  #undrawn = 0;
  #paused = false;
  #closed = false;

  constructor(options: TerminalConnectionOptions) {
    this.#options = options;
  }

  /** The current state. */
  get state(): TerminalConnectionState {
    return this.#state;
  }

  /** Bytes handed to the renderer and not drawn yet. */
  get undrawnBytes(): number {
    return this.#undrawn;
  }

  /** Whether the server has been asked to pause output. */
  get outputPaused(): boolean {
    return this.#paused;
  }

  /** Opens the session with the terminal's current size and connects its socket. */
  async open(size: { cols: number; rows: number }): Promise<void> {
    this.#size = size;
    let session: TerminalSession;
    try {
      session = await this.#options.openSession(size);
    } catch (error) {
      this.#setState({ phase: "failed", message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const url = (this.#options.socketUrl ?? sameHostSocketUrl)(session.url);
    const socket = (this.#options.createSocket ?? openApiSocket)(url);
    if (this.#closed) {
      // Closed while the session was opening: attach and close at once, so the server frees it now
      // rather than when its attach timeout runs out.
      socket.addEventListener("open", () => socket.close(1000, "closed by the user"));
      return;
    }
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    socket.addEventListener("open", () => {
      this.#sentSize = `${size.cols}x${size.rows}`;
      // The size may have changed while the session was opening.
      if (this.#size) this.resize(this.#size.cols, this.#size.rows);
      this.#setState({ phase: "open", title: session.title });
    });
    socket.addEventListener("message", (event: MessageEvent) => {
      if (typeof event.data === "string") this.#onControl(event.data);
      else this.#onBytes(new Uint8Array(event.data as ArrayBuffer));
    });
    socket.addEventListener("close", (event: CloseEvent) => {
      this.#socket = undefined;
      if (this.#state.phase === "exited" || this.#state.phase === "failed" || this.#closed) return;
      this.#setState({
        phase: "failed",
        message: event.reason ? `The terminal connection closed: ${event.reason}` : "The terminal connection closed.",
      });
    });
  }

  /** Sends typed or pasted text (UTF-8) as a binary frame. */
  sendText(text: string): void {
    this.#send(encoder.encode(text));
  }

  /** Sends a binary string (one char per byte, as xterm's `onBinary` gives it). */
  sendBinaryString(data: string): void {
    const bytes = new Uint8Array(data.length);
    for (let index = 0; index < data.length; index += 1) bytes[index] = data.charCodeAt(index) & 0xff;
    this.#send(bytes);
  }

  /** Tells the server the terminal's new size (only when it changed). */
  resize(cols: number, rows: number): void {
    this.#size = { cols, rows };
    const key = `${cols}x${rows}`;
    if (key === this.#sentSize || this.#socket?.readyState !== WebSocket.OPEN) return;
    this.#sentSize = key;
    this.#control({ type: "resize", cols, rows });
  }

  /** Closes the socket; the server then ends the terminal. */
  close(): void {
    this.#closed = true;
    this.#socket?.close(1000, "closed by the user");
    this.#socket = undefined;
  }

  #send(bytes: Uint8Array): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(bytes);
  }

  #control(message: TerminalControlMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #onBytes(bytes: Uint8Array): void {
    const length = bytes.byteLength;
    this.#undrawn += length;
    if (!this.#paused && this.#undrawn > (this.#options.highWaterMark ?? 1024 * 1024)) {
      this.#paused = true;
      this.#control({ type: "pause" });
    }
    this.#options.onOutput(bytes, () => {
      this.#undrawn -= length;
      if (this.#paused && this.#undrawn < (this.#options.lowWaterMark ?? 128 * 1024)) {
        this.#paused = false;
        this.#control({ type: "resume" });
      }
    });
  }

  #onControl(text: string): void {
    let message: TerminalControlMessage;
    try {
      message = JSON.parse(text) as TerminalControlMessage;
    } catch {
      return;
    }
    if (message.type === "exit") this.#setState({ phase: "exited", code: message.code, signal: message.signal ?? null });
    else if (message.type === "error") this.#setState({ phase: "failed", message: message.message });
  }

  #setState(state: TerminalConnectionState): void {
    // An error followed by the exit it caused stays an error.
    if (this.#state.phase === "failed" && state.phase === "exited") return;
    this.#state = state;
    this.#options.onState(state);
  }
}
