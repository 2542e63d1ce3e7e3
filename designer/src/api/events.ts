/**
 * The `/api/events` WebSocket: reconnects with back-off, pings to keep idle proxies from closing it,
 * and hands every `ServerEvent` to the listeners. `onReconnect` listeners run after a connection is
 * re-established so the app can reload what it may have missed.
 */
import type { ClientEventMessage, ServerEvent } from "@highstate/project/api";
import { openApiSocket } from "./access-token.js";

type Listener = (event: ServerEvent) => void;

/** Connection state shown in the status bar. */
export type EventStreamState = "connecting" | "open" | "closed";

export class EventStream {
  #socket: WebSocket | undefined;
  #listeners = new Set<Listener>();
  #stateListeners = new Set<(state: EventStreamState) => void>();
  #reconnectListeners = new Set<() => void>();
  #retry = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  #everOpened = false;
  state: EventStreamState = "connecting";

  constructor(private readonly url: string) {}

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#ping);
    this.#socket?.close(1000, "designer closed");
    this.#socket = undefined;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onState(listener: (state: EventStreamState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  #setState(state: EventStreamState): void {
    this.state = state;
    for (const listener of this.#stateListeners) listener(state);
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#setState("connecting");
    const socket = openApiSocket(this.url);
    this.#socket = socket;
    socket.onopen = () => {
      const reconnected = this.#everOpened;
      this.#everOpened = true;
      this.#retry = 0;
      this.#setState("open");
      clearInterval(this.#ping);
      this.#ping = setInterval(() => this.#send({ type: "ping" }), 25_000);
      if (reconnected) for (const listener of this.#reconnectListeners) listener();
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== "string") return;
      let event: ServerEvent;
      try {
        event = JSON.parse(message.data) as ServerEvent;
      } catch {
        return;
      }
      for (const listener of this.#listeners) listener(event);
    };
    socket.onclose = () => {
      clearInterval(this.#ping);
      if (this.#socket !== socket || this.#stopped) return;
      this.#setState("closed");
      const delay = Math.min(10_000, 250 * 2 ** this.#retry++);
      this.#timer = setTimeout(() => this.#connect(), delay);
    };
    socket.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
  }

  #send(message: ClientEventMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }
}

/** The URL of the events socket of the server this page came from. */
export function eventsUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/events`;
}
