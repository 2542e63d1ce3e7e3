/**
 * Request admission for the designer server: the access token (URL once, then an HttpOnly cookie, or
 * `Authorization: Bearer`), the DNS-rebinding defence (the `Host` header must name this server) and the
 * cross-site defence (a present `Origin` must be this server). Pure functions over headers, so the HTTP
 * handler and the WebSocket upgrade apply exactly the same rules.
 */
import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import { isIP } from "node:net";
import { hostname as osHostname, networkInterfaces } from "node:os";

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
  /** `Cookie` header. */
  cookie: string | undefined;
  /** The `token` query parameter, if any. */
  queryToken: string | undefined;
}

/** What admission concluded: refused, or admitted together with how the token was presented. */
export type AdmissionResult = { ok: false; refusal: AdmissionRefusal } | { ok: true; via: "cookie" | "bearer" | "query" };

/** Parses a `Cookie` header into a map (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The checks one server applies; built once at start. */
export interface AdmissionPolicy {
  token: string;
  /** Name of the cookie carrying the token (includes the port: cookies are shared across ports). */
  cookieName: string;
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
    cookieName: `highstate-token-${options.port}`,
    allowedHosts,
    allowedOrigins: new Set([...allowedHosts].map((host) => `http://${host}`)),
  };
}

/**
 * Decides whether a request (HTTP or WebSocket upgrade) may proceed. The `Host` check runs first so a
 * rebinding attacker learns nothing, then the `Origin` check (browsers send it on every cross-origin
 * request and on every WebSocket handshake; its absence means a non-browser client), then the token.
 */
export function admitRequest(policy: AdmissionPolicy, request: AdmissionRequest): AdmissionResult {
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
      refusal: { status: 403, code: "forbidden", message: `requests from origin "${request.origin}" are not allowed; use the designer served by this server` },
    };
  }
  if (request.queryToken !== undefined && tokensEqual(request.queryToken, policy.token)) return { ok: true, via: "query" };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? "")?.[1];
  if (bearer !== undefined && tokensEqual(bearer, policy.token)) return { ok: true, via: "bearer" };
  if (tokensEqual(parseCookies(request.cookie).get(policy.cookieName), policy.token)) return { ok: true, via: "cookie" };
  return {
    ok: false,
    refusal: {
      status: 401,
      code: "unauthorized",
      message: 'a valid access token is required; open the URL printed by "highstate designer" (or send "Authorization: Bearer <token>")',
    },
  };
}

/** The `Set-Cookie` value that stores the token in the browser. */
export function tokenCookie(policy: AdmissionPolicy): string {
  return `${policy.cookieName}=${policy.token}; Path=/; HttpOnly; SameSite=Strict`;
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
