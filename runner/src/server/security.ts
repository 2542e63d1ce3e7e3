/**
 * Request admission for the designer server: the access token (`Authorization: Bearer` on HTTP; on a
 * WebSocket handshake, where browsers cannot set headers, a `Sec-WebSocket-Protocol` entry
 * `highstate.token.<token>`), the DNS-rebinding defence (the `Host` header must name this server) and
 * the cross-site defence (a present `Origin` must be this server). No cookie ever carries the token:
 * cookies are scoped by host, not port, so any other server on 127.0.0.1 would receive it. Pure
 * functions over headers, so the HTTP handler and the WebSocket upgrade apply exactly the same rules.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { networkInterfaces, hostname as osHostname } from "node:os";
import { apiWebSocketProtocol, tokenWebSocketProtocolPrefix } from "@highstate/project/api";

/** A fresh random access token: 32 bytes, base64url (43 characters). */
export function generateAccessToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Compares a presented token with the expected one in constant time. Both sides are hashed first, so
 * neither the content nor the length of the expected token leaks through timing.
 */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** Whether an address (IP literal or name) is a loopback one. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare.startsWith("::ffff:127.");
  return false;
}

/** Whether binding to `host` listens on every interface. */
export function isWildcardHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "0.0.0.0" || bare === "::";
}

/** Formats a host for use in a URL or `Host` header (IPv6 literals get brackets). */
export function formatHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "");
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/**
 * The `host:port` values a request may carry in its `Host` header: the address the server is bound
 * to, plus the loopback names when it is bound to loopback, plus every interface address and the
 * machine's host name when it is bound to all interfaces. Lower-case.
 */
export function allowedHostHeaders(boundHost: string, port: number, extraHosts: string[] = []): Set<string> {
  const names = new Set<string>([formatHost(boundHost)]);
  if (isLoopbackHost(boundHost) || isWildcardHost(boundHost)) {
    for (const name of ["localhost", "127.0.0.1", "[::1]"]) names.add(name);
  }
  if (isWildcardHost(boundHost)) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) names.add(formatHost(address.address.replace(/%.*$/, "")));
    }
    names.add(osHostname());
  }
  for (const extra of extraHosts) names.add(formatHost(extra));
  return new Set([...names].map((name) => `${name.toLowerCase()}:${port}`));
}

/** Why a request was refused. */
export interface AdmissionRefusal {
  status: 401 | 403 | 421;
  code: "unauthorized" | "forbidden" | "misdirected";
  message: string;
}

/** The request facts admission looks at. */
export interface AdmissionRequest {
  host: string | undefined;
  origin: string | undefined;
  /** `Authorization` header. */
  authorization: string | undefined;
  /** `Sec-WebSocket-Protocol` header of a WebSocket handshake. */
  webSocketProtocols?: string | undefined;
}

/** What admission concluded: refused, or admitted together with how the token was presented. */
export type AdmissionResult = { ok: false; refusal: AdmissionRefusal } | { ok: true; via: "bearer" | "websocket-protocol" | "none" };

export { apiWebSocketProtocol, tokenWebSocketProtocolPrefix };

/**
 * Chooses the subprotocol of an admitted WebSocket handshake (for `ws`'s `handleProtocols`): always
 * the API protocol, never the token entry, so the token is not echoed in the response. A browser fails
 * a handshake whose response selects none of the protocols it offered.
 */
export function selectApiProtocol(offered: Set<string>): string | false {
  return offered.has(apiWebSocketProtocol) ? apiWebSocketProtocol : false;
}

/** The token presented in a `Sec-WebSocket-Protocol` header, if any. */
export function webSocketProtocolToken(header: string | undefined): string | undefined {
  for (const entry of (header ?? "").split(",")) {
    const protocol = entry.trim();
    if (protocol.startsWith(tokenWebSocketProtocolPrefix)) return protocol.slice(tokenWebSocketProtocolPrefix.length);
  }
  return undefined;
}

/** The checks one server applies; built once at start. */
export interface AdmissionPolicy {
  token: string;
  /** Allowed `Host` header values (`host:port`, lower-case). */
  allowedHosts: Set<string>;
  /** Allowed `Origin` values (`http://host:port`, lower-case). */
  allowedOrigins: Set<string>;
}

/** Builds the policy for a server bound to `host:port`. */
export function createAdmissionPolicy(options: { token: string; host: string; port: number; extraHosts?: string[] }): AdmissionPolicy {
  const allowedHosts = allowedHostHeaders(options.host, options.port, options.extraHosts);
  return {
    token: options.token,
    allowedHosts,
    allowedOrigins: new Set([...allowedHosts].map((host) => `http://${host}`)),
  };
}

/**
 * Decides whether a request (HTTP or WebSocket upgrade) may proceed. The `Host` check runs first so a
 * rebinding attacker learns nothing, then the `Origin` check (browsers send it on every cross-origin
 * request and on every WebSocket handshake; its absence means a non-browser client), then the token,
 * unless `tokenRequired` is false (the app's static files, which hold nothing but the public build:
 * the page must load before it can present the token it finds in its URL fragment).
 */
export function admitRequest(policy: AdmissionPolicy, request: AdmissionRequest, tokenRequired = true): AdmissionResult {
  const host = request.host?.toLowerCase();
  if (!host || !policy.allowedHosts.has(host)) {
    return {
      ok: false,
      refusal: {
        status: 421,
        code: "misdirected",
        message: `the Host header "${request.host ?? ""}" does not name this server; open the URL printed by "highstate designer"`,
      },
    };
  }
  if (request.origin !== undefined && !policy.allowedOrigins.has(request.origin.toLowerCase())) {
    return {
      ok: false,
      refusal: {
        status: 403,
        code: "forbidden",
        message: `requests from origin "${request.origin}" are not allowed; use the designer served by this server`,
      },
    };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? "")?.[1];
  if (bearer !== undefined && tokensEqual(bearer, policy.token)) return { ok: true, via: "bearer" };
  const protocolToken = webSocketProtocolToken(request.webSocketProtocols);
  if (protocolToken !== undefined && tokensEqual(protocolToken, policy.token)) return { ok: true, via: "websocket-protocol" };
  if (!tokenRequired) return { ok: true, via: "none" };
  return {
    ok: false,
    refusal: {
      status: 401,
      code: "unauthorized",
      message:
        'a valid access token is required; open the URL printed by "highstate designer" (the token travels in its #fragment), or send "Authorization: Bearer <token>"',
    },
  };
}

/** Headers sent with every response. */
export const baseSecurityHeaders: Readonly<Record<string, string>> = {
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/**
 * The Content-Security-Policy of the app: only its own scripts, no inline scripts, inline styles
 * allowed (the canvas library positions nodes with style attributes), connections only back to this
 * server (HTTP and WebSocket; `hostHeader` is the already admitted `Host`), no framing.
 */
export function appContentSecurityPolicy(hostHeader: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://${hostHeader}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The CSP of API responses: nothing may be loaded or run from them. */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";
