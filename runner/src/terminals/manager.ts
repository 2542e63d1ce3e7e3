import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type TerminalSpecInput, terminalSpecSchema } from "@highstate/contract";
import type { WebSocket, WebSocketServer } from "ws";
import { bridgeTerminal, type TerminalBridge, type TerminalBridgeOptions, type TerminalBridgeStats } from "./bridge.js";
import { NoSuchTerminalSessionError, TerminalSessionInUseError } from "./errors.js";
import { LocalTerminal, type LocalTerminalOptions, openLocalTerminal } from "./local-terminal.js";
import type { TerminalSession } from "./protocol.js";
import { openSshTerminal, type SshTerminalOptions } from "./ssh-terminal.js";
import type { TerminalProcess, TerminalSize } from "./terminal-process.js";

/** Settings of a {@link TerminalManager}. */
export interface TerminalManagerOptions {
  /** SSH connection tuning (timeouts, keepalive). */
  ssh?: SshTerminalOptions;
  /** Where local terminals run (working directory, base environment, temp folder). */
  local?: LocalTerminalOptions;
  /** Flow control of the WebSocket bridge. */
  bridge?: TerminalBridgeOptions;
  /** How long an opened session waits for its WebSocket before it is closed. Default 60 s. */
  attachTimeoutMs?: number;
  /** Path prefix of session sockets; the session id is appended. Default `/api/terminals/`. */
  socketPathPrefix?: string;
}

/**
 * Opens a terminal process for a spec, connected (SSH) or started (local) and paused until a consumer
 * attaches. Used by {@link TerminalManager} and by `highstate terminal`.
 */
export async function openTerminalProcess(
  spec: TerminalSpecInput,
  size: TerminalSize,
  options: Pick<TerminalManagerOptions, "ssh" | "local"> = {},
): Promise<TerminalProcess> {
  const parsed = terminalSpecSchema.parse(spec);
  return parsed.type === "ssh" ? openSshTerminal(parsed, size, options.ssh) : openLocalTerminal(parsed, size, options.local);
}

interface Session {
  id: string;
  terminal: TerminalProcess;
  bridge?: TerminalBridge;
  attachTimer?: NodeJS.Timeout;
}

/**
 * Owns the open terminal sessions of a designer server. `open` connects the terminal and returns a
 * session whose WebSocket path the browser connects to; the server authenticates the socket (token,
 * Origin) and hands it to `attach` (or lets `handleUpgrade` do the upgrade). A session serves exactly
 * one socket: closing it ends the terminal, and the terminal ending closes it.
 */
export class TerminalManager {
  readonly #sessions = new Map<string, Session>();
  readonly #options: TerminalManagerOptions;
  readonly #cleanupOnExit = () => this.#removeTempFilesSync();

  constructor(options: TerminalManagerOptions = {}) {
    this.#options = options;
    process.on("exit", this.#cleanupOnExit);
  }

  /** Number of open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Connects (SSH) or starts (local) the terminal with the browser's size and registers a session.
   * Rejects with a `TerminalError` subclass (`SshUnreachableError`, `HostKeyMismatchError`,
   * `SshAuthenticationError`, `SshCredentialsError`, `LocalTerminalError`, …) whose message can be
   * shown to the user as it is.
   */
  async open(spec: TerminalSpecInput, size: TerminalSize): Promise<TerminalSession> {
    const terminal = await openTerminalProcess(spec, size, this.#options);
    const id = randomBytes(18).toString("base64url");
    const session: Session = { id, terminal };
    session.attachTimer = setTimeout(() => void this.close(id), this.#options.attachTimeoutMs ?? 60_000);
    session.attachTimer.unref();
    terminal.once("exit", () => {
      if (!session.bridge) this.#forget(id);
    });
    this.#sessions.set(id, session);
    return { sessionId: id, url: `${this.#options.socketPathPrefix ?? "/api/terminals/"}${id}`, title: terminal.title };
  }

  /** Whether a session with this id is open and still waiting for its socket. */
  canAttach(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId);
    return session !== undefined && session.bridge === undefined;
  }

  /** The terminal process of a session (for diagnostics and tests). */
  terminal(sessionId: string): TerminalProcess | undefined {
    return this.#sessions.get(sessionId)?.terminal;
  }

  /** Flow-control counters of a session's bridge, once a socket is attached (for diagnostics, tests and benchmarks). */
  bridgeStats(sessionId: string): TerminalBridgeStats | undefined {
    return this.#sessions.get(sessionId)?.bridge?.stats;
  }

  /**
   * Bridges an already authenticated WebSocket to the session's terminal. Throws
   * `NoSuchTerminalSessionError` or `TerminalSessionInUseError` (the caller should close the socket).
   */
  attach(sessionId: string, ws: WebSocket): TerminalBridge {
    const session = this.#sessions.get(sessionId);
    if (!session) throw new NoSuchTerminalSessionError(sessionId);
    if (session.bridge) throw new TerminalSessionInUseError(sessionId);
    clearTimeout(session.attachTimer);
    session.bridge = bridgeTerminal(session.terminal, ws, this.#options.bridge);
    void session.bridge.closed.then(() => this.#forget(sessionId));
    return session.bridge;
  }

  /**
   * Upgrades an HTTP request to the session's WebSocket with the given `noServer` WebSocketServer and
   * attaches it. Call it only after checking the token and Origin. An unknown or busy session gets a
   * plain HTTP 404 or 409 and the socket is closed.
   */
  handleUpgrade(wss: WebSocketServer, request: IncomingMessage, socket: Duplex, head: Buffer, sessionId: string): void {
    const session = this.#sessions.get(sessionId);
    if (!session || session.bridge) {
      const status = session ? "409 Conflict" : "404 Not Found";
      const error = session ? new TerminalSessionInUseError(sessionId) : new NoSuchTerminalSessionError(sessionId);
      const body = JSON.stringify({ error: { code: error.code, message: error.message } });
      socket.end(
        `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      try {
        this.attach(sessionId, ws);
      } catch (error) {
        ws.close(1008, error instanceof Error ? error.message.slice(0, 120) : "terminal unavailable");
      }
    });
  }

  /** Closes one session: ends the terminal (freeing its connection, PTY and files) and its socket. */
  async close(sessionId: string): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (!session) return;
    clearTimeout(session.attachTimer);
    await session.terminal.close();
    if (session.bridge) await session.bridge.closed;
    this.#forget(sessionId);
  }

  /** Closes every session; call it when the server stops. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.keys()].map((id) => this.close(id)));
    process.off("exit", this.#cleanupOnExit);
  }

  #forget(sessionId: string): void {
    const session = this.#sessions.get(sessionId);
    if (session) clearTimeout(session.attachTimer);
    this.#sessions.delete(sessionId);
  }

  /** Last resort when the process exits without `closeAll`: local terminals' files must not stay on disk. */
  #removeTempFilesSync(): void {
    for (const { terminal } of this.#sessions.values()) {
      if (terminal instanceof LocalTerminal && terminal.directory) rmSync(terminal.directory, { recursive: true, force: true });
    }
  }
}
