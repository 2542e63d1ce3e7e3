/**
 * The `/api/events` WebSocket: every connected designer gets every `ServerEvent` (project changes,
 * instance statuses, operations, engine events). Sockets are pinged so dead ones are dropped, and a
 * client that cannot keep up is disconnected instead of buffering without bound.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ClientEventMessage, ServerEvent } from "@highstate/project/api";
import { WebSocket, WebSocketServer } from "ws";
import { selectApiProtocol } from "./security.js";

/** How much unsent data one client may have queued before it is dropped. */
const maxBufferedBytes = 16 * 1024 * 1024;
const pingIntervalMs = 20_000;

/** Broadcasts `ServerEvent`s to every connected client. */
export class EventsHub {
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    perMessageDeflate: false,
    handleProtocols: selectApiProtocol,
  });
  readonly #alive = new WeakSet<WebSocket>();
  readonly #timer: NodeJS.Timeout;

  constructor() {
    this.#timer = setInterval(() => this.#ping(), pingIntervalMs);
    this.#timer.unref();
  }

  /** Number of connected clients. */
  get clientCount(): number {
    return this.#wss.clients.size;
  }

  /** Completes an (already admitted) WebSocket upgrade and registers the client. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      this.#alive.add(ws);
      ws.on("pong", () => this.#alive.add(ws));
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        let message: ClientEventMessage | undefined;
        try {
          message = JSON.parse(data.toString()) as ClientEventMessage;
        } catch {
          return;
        }
        if (message?.type === "ping") this.#send(ws, { type: "hello", serverTime: new Date().toISOString() });
      });
      ws.on("error", () => ws.terminate());
      this.#send(ws, { type: "hello", serverTime: new Date().toISOString() });
    });
  }

  /** Sends an event to every connected client. */
  broadcast(event: ServerEvent): void {
    if (this.#wss.clients.size === 0) return;
    const text = JSON.stringify(event);
    for (const ws of this.#wss.clients) this.#sendText(ws, text);
  }

  /** Closes every client (1001 "going away") and stops the hub. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const ws of this.#wss.clients) ws.close(1001, "the designer server is stopping");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const ws of this.#wss.clients) ws.terminate();
        resolve();
      }, 500);
      timer.unref();
      const check = () => {
        if (this.#wss.clients.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      for (const ws of this.#wss.clients) ws.once("close", check);
      check();
    });
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #send(ws: WebSocket, event: ServerEvent): void {
    this.#sendText(ws, JSON.stringify(event));
  }

  #sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      ws.terminate();
      return;
    }
    ws.send(text);
  }

  #ping(): void {
    for (const ws of this.#wss.clients) {
      if (!this.#alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  }
}
