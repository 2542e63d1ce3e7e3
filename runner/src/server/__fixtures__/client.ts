/**
 * A raw HTTP/WebSocket client for server tests: unlike `fetch`, it can send any `Host` and `Origin`.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import WebSocket from "ws";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = unknown>(): T;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Sends one request to `127.0.0.1:port`; `Host` defaults to `127.0.0.1:port`. */
export function rawRequest(port: number, options: RawRequest): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A client bound to one server and token. */
export class ApiClient {
  constructor(
    readonly port: number,
    readonly token: string,
  ) {}

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawRequest(this.port, { method, path, body, headers: { authorization: `Bearer ${this.token}`, ...headers } });
  }

  async get<T>(path: string): Promise<T> {
    const response = await this.request("GET", path);
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${response.text}`);
    return response.json<T>();
  }

  /** Opens a WebSocket; resolves when open or rejects with the HTTP status of a refused upgrade. */
  openSocket(path: string, headers: Record<string, string> = {}): Promise<WebSocket> {
    return openSocket(this.port, path, { authorization: `Bearer ${this.token}`, ...headers });
  }
}

/** Opens a WebSocket to `127.0.0.1:port`; rejects with `Error("status <n>")` when refused. */
export function openSocket(port: number, path: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const { host, origin, ...rest } = headers;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols, {
      headers: { host: host ?? `127.0.0.1:${port}`, ...rest },
      ...(origin !== undefined ? { origin } : {}),
    });
    const buffer: unknown[] = [];
    received.set(ws, buffer);
    const bytes: Buffer[] = [];
    receivedBytes.set(ws, bytes);
    ws.on("message", (data, isBinary) => {
      if (isBinary) bytes.push(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
      else buffer.push(JSON.parse(data.toString()));
    });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => {
      reject(new Error(`status ${res.statusCode}`));
      res.resume();
      ws.terminate();
    });
    ws.once("error", reject);
  });
}

const received = new WeakMap<WebSocket, unknown[]>();
const receivedBytes = new WeakMap<WebSocket, Buffer[]>();

/** Every binary frame a socket opened with {@link openSocket} has received, concatenated. */
export function binaryReceived(ws: WebSocket): Buffer {
  return Buffer.concat(receivedBytes.get(ws) ?? []);
}

/**
 * Resolves with the first JSON message (received since the socket opened, not yet consumed) that
 * matches `predicate`, and consumes it.
 */
export async function nextMessage<T>(ws: WebSocket, predicate: (message: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const buffer = received.get(ws) ?? [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const index = buffer.findIndex((message) => predicate(message as T));
    if (index >= 0) return buffer.splice(index, 1)[0] as T;
    if (Date.now() > deadline) throw new Error("timed out waiting for a WebSocket message");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
