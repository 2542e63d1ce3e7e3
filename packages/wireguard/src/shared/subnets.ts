import { isIPv4, isIPv6 } from "node:net";
import { InvalidAddressError } from "./errors.js";

/** An IP family: 4 or 6. */
export type IpFamily = 4 | 6;

/** A parsed subnet in CIDR form: the network address (host bits cleared) and the prefix length. */
export interface Subnet {
  family: IpFamily;
  /** The network address as a number. */
  network: bigint;
  /** The prefix length: 0–32 for IPv4, 0–128 for IPv6. */
  prefix: number;
}

const bits: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** The private ranges subtracted by "exclude private subnets": RFC 1918 for IPv4. */
export const privateIpv4Subnets = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;
/** The IPv6 ranges subtracted with them when the network has IPv6: unique local (RFC 4193) and link-local. */
export const privateIpv6Subnets = ["fc00::/7", "fe80::/10"] as const;

function parseIpv4(text: string): bigint {
  return text.split(".").reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint {
  let body = text.toLowerCase().replace(/%.*$/, "");
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two 16-bit groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4) {
    const value = parseIpv4(v4[1]!);
    body = `${body.slice(0, -v4[1]!.length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head, tail] = body.includes("::") ? body.split("::") : [body, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

/** Parses an IP address literal. Returns `undefined` when the text is not one. */
export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  if (isIPv4(text)) return { family: 4, value: parseIpv4(text) };
  if (isIPv6(text)) return { family: 6, value: parseIpv6(text) };
  return undefined;
}

/** The IP family of an address literal, or `undefined` for a host name. */
export function ipFamily(text: string): IpFamily | undefined {
  return isIPv4(text) ? 4 : isIPv6(text) ? 6 : undefined;
}

/** Formats an address of a family in its canonical text form (RFC 5952 for IPv6). */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - index * 16)) & 0xffffn));
  // The longest run of two or more zero groups collapses to "::" (the first one on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * Parses `address/prefix` or a bare address (a host: `/32` or `/128`).
 *
 * @param where names the value in the error, for example `arg "allowedSubnets" of "laptop"`.
 * @param strict when true, host bits set below the prefix are an error; otherwise they are cleared.
 * @throws InvalidAddressError naming the value and what is wrong.
 */
export function parseSubnet(text: string, where: string, strict = false): Subnet {
  const trimmed = text.trim();
  const [address = "", prefixText, extra] = trimmed.split("/");
  const ip = parseIp(address);
  if (!ip || extra !== undefined)
    throw new InvalidAddressError(text, where, "expected an IP address or a subnet such as 10.0.0.0/24 or fd00::/64");
  const max = bits[ip.family];
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) throw new InvalidAddressError(text, where, `the prefix length must be 0–${max}`);
  const network = ip.value & maskOf(ip.family, prefix);
  if (strict && network !== ip.value) {
    throw new InvalidAddressError(text, where, `host bits are set; the subnet is ${formatSubnet({ family: ip.family, network, prefix })}`);
  }
  return { family: ip.family, network, prefix };
}

/**
 * Parses an interface address such as `10.8.0.2/24`: the host address and the prefix of the network
 * it is in. A bare address gets `/32` or `/128`.
 */
export function parseInterfaceAddress(text: string, where: string): { family: IpFamily; address: bigint; prefix: number } {
  const [address = "", prefixText] = text.trim().split("/");
  const ip = parseIp(address);
  if (!ip) throw new InvalidAddressError(text, where, "expected an IP address with an optional prefix, such as 10.8.0.2/24");
  const subnet = parseSubnet(text, where);
  return { family: ip.family, address: ip.value, prefix: prefixText === undefined ? bits[ip.family] : subnet.prefix };
}

function maskOf(family: IpFamily, prefix: number): bigint {
  const width = BigInt(bits[family]);
  const all = (1n << width) - 1n;
  return (all << (width - BigInt(prefix))) & all;
}

/** Formats a subnet as `network/prefix`. */
export function formatSubnet(subnet: Subnet): string {
  return `${formatIp(subnet.family, subnet.network)}/${subnet.prefix}`;
}

/** The host route (`/32` or `/128`) of a single address. */
export function hostSubnet(family: IpFamily, address: bigint): Subnet {
  return { family, network: address, prefix: bits[family] };
}

interface Range {
  start: bigint;
  end: bigint;
}

function rangeOf(subnet: Subnet): Range {
  const size = 1n << BigInt(bits[subnet.family] - subnet.prefix);
  return { start: subnet.network, end: subnet.network + size - 1n };
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

function subtractRanges(included: Range[], excluded: Range[]): Range[] {
  let result = mergeRanges(included);
  for (const cut of mergeRanges(excluded)) {
    const next: Range[] = [];
    for (const range of result) {
      if (cut.end < range.start || cut.start > range.end) {
        next.push(range);
        continue;
      }
      if (cut.start > range.start) next.push({ start: range.start, end: cut.start - 1n });
      if (cut.end < range.end) next.push({ start: cut.end + 1n, end: range.end });
    }
    result = next;
  }
  return result;
}

/** The fewest CIDR blocks that cover exactly a range of addresses. */
function rangeToSubnets(family: IpFamily, range: Range): Subnet[] {
  const width = bits[family];
  const subnets: Subnet[] = [];
  let start = range.start;
  while (start <= range.end) {
    // The largest aligned block starting here that does not run past the end.
    let size = 0;
    while (size < width && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= range.end) size++;
    subnets.push({ family, network: start, prefix: width - size });
    start += 1n << BigInt(size);
  }
  return subnets;
}

/**
 * An address space: the subnets in `included` minus those in `excluded`, as the fewest CIDR blocks,
 * IPv4 first, each family in address order. Overlaps and adjacent blocks are merged.
 */
export function addressSpace(included: readonly Subnet[], excluded: readonly Subnet[] = []): Subnet[] {
  const result: Subnet[] = [];
  for (const family of [4, 6] as const) {
    const ranges = subtractRanges(
      included.filter((subnet) => subnet.family === family).map(rangeOf),
      excluded.filter((subnet) => subnet.family === family).map(rangeOf),
    );
    for (const range of ranges) result.push(...rangeToSubnets(family, range));
  }
  return result;
}

/** Whether `subnet` lies entirely inside `container`. */
export function subnetContains(container: Subnet, subnet: Subnet): boolean {
  if (container.family !== subnet.family || subnet.prefix < container.prefix) return false;
  const outer = rangeOf(container);
  return subnet.network >= outer.start && subnet.network <= outer.end;
}
