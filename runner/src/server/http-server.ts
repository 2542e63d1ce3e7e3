/**
 * The designer's HTTP + WebSocket listener: admits every request and upgrade (Host and Origin always,
 * the token for the API and every WebSocket), dispatches `/api/*` to the router and WebSocket paths to
 * their handlers, and serves the app for everything else. The URL it prints carries the token in its
 * fragment, which browsers never send to any server; the page keeps it in session storage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { ApiError } from "@highstate/project/api";
import { toHttpError } from "./errors.js";
import { sendError, sendJson } from "./http.js";
import type { Router } from "./router.js";
import {
  type AdmissionPolicy,
  type AdmissionRefusal,
  admitRequest,
  baseSecurityHeaders,
  createAdmissionPolicy,
  formatHost,
  generateAccessToken,
} from "./security.js";
import type { StaticFiles } from "./static-files.js";

/** Handles an admitted WebSocket upgrade; returns false when it does not serve the path. */
export type UpgradeHandler = (pathname: string, request: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface HttpServerOptions {
  /** Address to bind (already checked by the caller for remote exposure). */
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** The access token; a random one when omitted. */
  token?: string;
  /** Extra names the `Host` header may use (e.g. a reverse proxy's name). */
  extraHosts?: string[];
  router: Router;
  upgrade: UpgradeHandler;
  assets: StaticFiles;
}

/** A listening designer HTTP server. */
export interface ListeningHttpServer {
  /** The URL to open, with the token. */
  url: string;
  /** The URL without the token. */
  baseUrl: string;
  token: string;
  host: string;
  port: number;
  /** Stops accepting, closes every connection and resolves when the port is released. */
  close(): Promise<void>;
}

/** Starts listening and returns once the port is bound. */
export async function listenHttpServer(options: HttpServerOptions): Promise<ListeningHttpServer> {
  const token = options.token ?? generateAccessToken();
  let policy: AdmissionPolicy | undefined;
  const server: Server = createServer({ requestTimeout: 0, headersTimeout: 30_000 }, (request, response) => {
    void handleRequest(policy!, options, request, response).catch((error) => sendError(response, toHttpError(error)));
  });
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    handleUpgrade(policy!, options, request, socket, head);
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  policy = createAdmissionPolicy({ token, host: options.host, port, extraHosts: options.extraHosts });
  const baseUrl = `http://${formatHost(options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host)}:${port}/`;
  let closing: Promise<void> | undefined;
  return {
    url: `${baseUrl}#token=${token}`,
    baseUrl,
    token,
    host: options.host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function admissionFacts(request: IncomingMessage) {
  const origin = request.headers.origin;
  return {
    host: request.headers.host,
    origin: Array.isArray(origin) ? origin[0] : origin,
    authorization: request.headers.authorization,
    webSocketProtocols: request.headers["sec-websocket-protocol"],
  };
}

function parseRequestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? "/", "http://server.invalid");
  } catch {
    return undefined;
  }
}

async function handleRequest(
  policy: AdmissionPolicy,
  options: HttpServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = parseRequestUrl(request);
  if (!url) {
    sendJson(response, 400, { error: { code: "bad-request", message: "the request URL is malformed" } } satisfies ApiError);
    return;
  }
  const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
  const admission = admitRequest(policy, admissionFacts(request), isApi);
  if (!admission.ok) {
    sendRefusal(response, admission.refusal, isApi);
    return;
  }
  if (isApi) {
    const { handler, params } = options.router.match(request.method ?? "GET", url.pathname);
    await handler({ request, response, params, url });
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    sendJson(response, 405, { error: { code: "method-not-allowed", message: `"${url.pathname}" accepts GET only` } } satisfies ApiError, {
      Allow: "GET, HEAD",
    });
    return;
  }
  await options.assets.serve(url.pathname, request.headers.host!, response, request.method === "HEAD");
}

function sendRefusal(response: ServerResponse, refusal: AdmissionRefusal, isApi: boolean): void {
  if (isApi) {
    sendJson(response, refusal.status, { error: { code: refusal.code, message: refusal.message } } satisfies ApiError);
    return;
  }
  const text = `Highstate designer: ${refusal.message}.\n`;
  response.writeHead(refusal.status, {
    ...baseSecurityHeaders,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  response.end(text);
}

function handleUpgrade(policy: AdmissionPolicy, options: HttpServerOptions, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const url = parseRequestUrl(request);
  if (!url) {
    rejectUpgrade(socket, 400, "bad-request", "the request URL is malformed");
    return;
  }
  const admission = admitRequest(policy, admissionFacts(request));
  if (!admission.ok) {
    rejectUpgrade(socket, admission.refusal.status, admission.refusal.code, admission.refusal.message);
    return;
  }
  if (!options.upgrade(url.pathname, request, socket, head)) {
    rejectUpgrade(socket, 404, "not-found", `there is no WebSocket at "${url.pathname}"`);
  }
}

const statusTexts: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  421: "Misdirected Request",
};

/** Refuses a WebSocket upgrade with an HTTP response carrying an `ApiError` body. */
export function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } } satisfies ApiError);
  socket.end(
    `HTTP/1.1 ${status} ${statusTexts[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
