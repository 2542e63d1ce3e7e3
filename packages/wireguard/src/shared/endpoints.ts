import type { Endpoint } from "@highstate/common";
import { InvalidAddressError } from "./errors.js";
import { ipFamily } from "./subnets.js";

const hostnamePattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Parses `host`, `host:port` or `[IPv6]:port` (a bare IPv6 address is a host too) into a UDP
 * endpoint, with `defaultPort` when no port is given.
 *
 * @throws InvalidAddressError naming the value and where it came from.
 */
export function parseEndpoint(text: string, defaultPort: number, where: string): Endpoint {
  const trimmed = text.trim();
  let host = trimmed;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if (ipFamily(trimmed) !== 6) {
    const colon = trimmed.lastIndexOf(":");
    if (colon >= 0) {
      host = trimmed.slice(0, colon);
      portText = trimmed.slice(colon + 1);
    }
  }
  if (!(ipFamily(host) !== undefined || hostnamePattern.test(host)) || (bracketed && ipFamily(host) !== 6)) {
    throw new InvalidAddressError(text, where, "expected host, host:port or [IPv6]:port, such as vpn.example.com:51820");
  }
  const port = portText === undefined ? defaultPort : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new InvalidAddressError(text, where, "the port must be 1–65535");
  return { host, port, protocol: "udp" };
}

/** Formats an endpoint as WireGuard's `Endpoint` wants it: `host:port`, `[IPv6]:port`. */
export function formatEndpoint(endpoint: Pick<Endpoint, "host" | "port">): string {
  return ipFamily(endpoint.host) === 6 ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}
