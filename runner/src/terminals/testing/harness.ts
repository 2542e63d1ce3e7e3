/**
 * Test helper: an HTTP server that upgrades `/api/terminals/:sessionId` with a {@link TerminalManager}
 * the way the designer server does, and a WebSocket client that records terminal output and control
 * messages. Used by the terminal tests and the terminal benchmark.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { TerminalManager, type TerminalManagerOptions } from "../manager.js";
import type { TerminalControlMessage } from "../protocol.js";

/** A loopback HTTP server bridging terminal sockets through a manager. */
export interface TerminalTestServer {
  manager: TerminalManager;
  server: Server;
  /** `ws://127.0.0.1:<port>` */
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts a server on a free loopback port. */
export async function startTerminalTestServer(options: TerminalManagerOptions = {}): Promise<TerminalTestServer> {
  const manager = new TerminalManager(options);
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_request, response) => response.writeHead(404).end());
  server.on("upgrade", (request, socket, head) => {
    const match = /^\/api\/terminals\/([^/?]+)/.exec(request.url ?? "");
    if (!match?.[1]) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    manager.handleUpgrade(wss, request, socket, head, decodeURIComponent(match[1]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    manager,
    server,
    baseUrl: `ws://127.0.0.1:${port}`,
    async stop() {
      await manager.closeAll();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A terminal WebSocket client that keeps the output as text. */
export class TerminalTestClient {
  readonly ws: WebSocket;
  /** Output received so far (UTF-8 decoded), unless `keepOutput` was false. */
  output = "";
  /** Output bytes received. */
  bytes = 0;
  readonly controls: TerminalControlMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<() => void> = [];
  #tail = "";

  constructor(url: string, options: { keepOutput?: boolean } = {}) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = "nodebuffer";
    const keep = options.keepOutput ?? true;
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.closed = new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on("message", (data, isBinary) => {
      const buffer = data as Buffer;
      if (isBinary) {
        this.bytes += buffer.length;
        const text = buffer.toString("utf8");
        if (keep) this.output += text;
        this.#tail = (this.#tail + text).slice(-256);
      } else this.controls.push(JSON.parse(buffer.toString("utf8")) as TerminalControlMessage);
      for (const waiter of this.#waiters.splice(0)) waiter();
    });
    this.ws.on("close", () => {
      for (const waiter of this.#waiters.splice(0)) waiter();
    });
  }

  /** The last 256 characters received. */
  get tail(): string {
    return this.#tail;
  }

  /** Sends input bytes as a binary frame. */
  type(text: string): void {
    this.ws.send(Buffer.from(text), { binary: true });
  }

  /** Sends a resize control message. */
  resize(cols: number, rows: number): void {
    this.ws.send(JSON.stringify({ type: "resize", cols, rows } satisfies TerminalControlMessage));
  }

  /** Waits until the predicate holds (checked after every message), or fails after `timeoutMs`. */
  async waitFor(predicate: (client: this) => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; output tail: ${JSON.stringify(this.#tail)}`);
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`Socket closed while waiting for ${what}; output tail: ${JSON.stringify(this.#tail)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(200, Math.max(1, deadline - Date.now())));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the output matches the pattern and returns the match. */
  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    await this.waitFor((client) => pattern.test(client.output), timeoutMs, `output matching ${pattern}`);
    return this.output.match(pattern) as RegExpMatchArray;
  }
}
