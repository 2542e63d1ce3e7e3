import {
  addressSpace,
  formatSubnet,
  hostSubnet,
  parseInterfaceAddress,
  parseSubnet,
  privateIpv4Subnets,
  privateIpv6Subnets,
  type Subnet,
} from "./subnets.js";

/** What a peer's Allowed IPs (the subnets routed to it) are computed from. */
export interface AllowedIpsSpec {
  /** The peer's interface addresses (`10.8.0.1/24`); each address itself (not its subnet) is routed to the peer. */
  addresses?: readonly string[];
  /** Whether to route the peer's own addresses to it (default true). */
  includeAddresses?: boolean;
  /** Subnets behind the peer (a LAN, a cluster's pod or service range). */
  allowedSubnets?: readonly string[];
  /** Single addresses behind the peer, such as the IPs of services reached through it. */
  allowedAddresses?: readonly string[];
  /** Whether the peer is an exit node: `0.0.0.0/0` (with `ipv4`) and `::/0` (with `ipv6`). */
  exitNode?: boolean;
  /** Whether the network carries IPv4 (default true). */
  ipv4?: boolean;
  /** Whether the network carries IPv6 (default false). */
  ipv6?: boolean;
  /** Subnets subtracted from the allowed subnets and the exit-node routes. */
  excludedSubnets?: readonly string[];
  /**
   * Subtract the private ranges (RFC 1918, and with IPv6 `fc00::/7` and `fe80::/10`) from the allowed
   * subnets and exit-node routes, so local networks stay local while everything else goes through the peer.
   */
  excludePrivateSubnets?: boolean;
  /** DNS servers reachable through the peer. */
  dns?: readonly string[];
  /** Whether to route the DNS servers to the peer (default true). */
  includeDns?: boolean;
  /** Names the values in errors, for example `identity "gateway"`. */
  where?: string;
}

/**
 * Computes the subnets routed to a peer as the fewest CIDR blocks, IPv4 first:
 *
 * (allowed subnets ∪ allowed addresses ∪ exit-node routes) − (excluded subnets ∪ private ranges when
 * asked) ∪ the peer's own addresses ∪ its DNS servers.
 *
 * The peer's own addresses and DNS servers are added after the exclusions, so an exit node whose
 * tunnel address is private (`10.8.0.1`) stays reachable when private ranges are excluded.
 *
 * @throws InvalidAddressError naming the bad value and where it came from.
 */
export function computeAllowedIps(spec: AllowedIpsSpec): string[] {
  const where = spec.where ?? "the peer";
  const ipv4 = spec.ipv4 ?? true;
  const ipv6 = spec.ipv6 ?? false;
  const included: Subnet[] = [];
  for (const text of spec.allowedSubnets ?? []) included.push(parseSubnet(text, `the allowed subnets of ${where}`));
  for (const text of spec.allowedAddresses ?? []) included.push(parseSubnet(text, `the allowed addresses of ${where}`));
  if (spec.exitNode) {
    if (ipv4) included.push(parseSubnet("0.0.0.0/0", where));
    if (ipv6) included.push(parseSubnet("::/0", where));
  }
  const excluded: Subnet[] = [];
  for (const text of spec.excludedSubnets ?? []) excluded.push(parseSubnet(text, `the excluded subnets of ${where}`));
  if (spec.excludePrivateSubnets) {
    for (const text of privateIpv4Subnets) excluded.push(parseSubnet(text, where));
    if (ipv6) for (const text of privateIpv6Subnets) excluded.push(parseSubnet(text, where));
  }
  const always: Subnet[] = [];
  if (spec.includeAddresses ?? true) {
    for (const text of spec.addresses ?? []) {
      const address = parseInterfaceAddress(text, `the addresses of ${where}`);
      always.push(hostSubnet(address.family, address.address));
    }
  }
  if (spec.includeDns ?? true) {
    for (const text of spec.dns ?? []) always.push(parseSubnet(text, `the DNS servers of ${where}`));
  }
  return addressSpace([...addressSpace(included, excluded), ...always]).map(formatSubnet);
}
