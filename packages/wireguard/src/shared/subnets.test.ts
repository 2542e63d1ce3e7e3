import { describe, expect, it } from "vitest";
import { computeAllowedIps } from "./allowed-ips.js";
import { InvalidAddressError } from "./errors.js";
import { addressSpace, formatIp, formatSubnet, parseIp, parseSubnet, subnetContains } from "./subnets.js";

const subnets = (...texts: string[]) => texts.map((text) => parseSubnet(text, "test"));
const space = (included: string[], excluded: string[] = []) => addressSpace(subnets(...included), subnets(...excluded)).map(formatSubnet);

describe("subnets", () => {
  it("parse and format IPv4 and IPv6 canonically", () => {
    expect(formatSubnet(parseSubnet("10.1.2.3/8", "test"))).toBe("10.0.0.0/8");
    expect(formatSubnet(parseSubnet("192.168.1.7", "test"))).toBe("192.168.1.7/32");
    expect(formatSubnet(parseSubnet("FD00:0:0:0::1/64", "test"))).toBe("fd00::/64");
    expect(formatSubnet(parseSubnet("::ffff:10.0.0.1", "test"))).toBe("::ffff:a00:1/128");
    expect(formatIp(6, parseIp("2001:db8:0:0:1:0:0:1")!.value)).toBe("2001:db8::1:0:0:1");
    expect(formatIp(6, 0n)).toBe("::");
    expect(formatIp(6, parseIp("1:2:3:4:5:6:7:8")!.value)).toBe("1:2:3:4:5:6:7:8");
  });

  it("reject bad subnets naming the value and where it came from", () => {
    expect(() => parseSubnet("10.0.0.0/33", 'arg "allowedSubnets" of "gw"')).toThrow(InvalidAddressError);
    expect(() => parseSubnet("10.0.0.0/33", 'arg "allowedSubnets" of "gw"')).toThrow(
      '"10.0.0.0/33" in arg "allowedSubnets" of "gw" is not usable: the prefix length must be 0–32.',
    );
    expect(() => parseSubnet("lan", "x")).toThrow(/expected an IP address or a subnet/);
    expect(() => parseSubnet("10.0.0.1/24", "x", true)).toThrow(/host bits are set; the subnet is 10\.0\.0\.0\/24/);
    expect(() => parseSubnet("10.0.0.0/8/1", "x")).toThrow(InvalidAddressError);
  });

  it("merge overlapping and adjacent blocks into the fewest CIDRs", () => {
    expect(space(["10.0.0.0/25", "10.0.0.128/25", "10.0.0.5/32"])).toEqual(["10.0.0.0/24"]);
    expect(space(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"])).toEqual(["10.0.0.0/23", "10.0.2.0/24"]);
    expect(space(["fd00::/64", "10.0.0.0/8"])).toEqual(["10.0.0.0/8", "fd00::/64"]);
  });

  it("subtract excluded subnets", () => {
    expect(space(["10.0.0.0/24"], ["10.0.0.0/25"])).toEqual(["10.0.0.128/25"]);
    expect(space(["10.0.0.0/24"], ["10.0.0.1/32"])).toEqual([
      "10.0.0.0/32",
      "10.0.0.2/31",
      "10.0.0.4/30",
      "10.0.0.8/29",
      "10.0.0.16/28",
      "10.0.0.32/27",
      "10.0.0.64/26",
      "10.0.0.128/25",
    ]);
    expect(space(["10.0.0.0/24"], ["0.0.0.0/0"])).toEqual([]);
    expect(space(["::/0"], ["::/1"])).toEqual(["8000::/1"]);
    expect(subnetContains(parseSubnet("10.0.0.0/8", "t"), parseSubnet("10.2.0.0/16", "t"))).toBe(true);
    expect(subnetContains(parseSubnet("10.2.0.0/16", "t"), parseSubnet("10.0.0.0/8", "t"))).toBe(false);
  });
});

describe("Allowed IPs", () => {
  it("route the peer's own addresses (not their subnets), its subnets and DNS servers", () => {
    expect(
      computeAllowedIps({ addresses: ["10.8.0.1/24", "fd08::1/64"], allowedSubnets: ["192.168.10.0/24"], dns: ["10.8.0.53"] }),
    ).toEqual(["10.8.0.1/32", "10.8.0.53/32", "192.168.10.0/24", "fd08::1/128"]);
    expect(computeAllowedIps({ addresses: ["10.8.0.1/24"], includeAddresses: false, dns: ["1.1.1.1"], includeDns: false })).toEqual([]);
  });

  it("give an exit node every address of the network's families", () => {
    expect(computeAllowedIps({ exitNode: true })).toEqual(["0.0.0.0/0"]);
    expect(computeAllowedIps({ exitNode: true, ipv6: true })).toEqual(["0.0.0.0/0", "::/0"]);
    expect(computeAllowedIps({ exitNode: true, ipv4: false, ipv6: true })).toEqual(["::/0"]);
  });

  it("exclude the private ranges from an exit node, but keep its own private tunnel address reachable", () => {
    expect(computeAllowedIps({ exitNode: true, excludePrivateSubnets: true, addresses: ["10.8.0.1/24"] })).toEqual([
      "0.0.0.0/5",
      "8.0.0.0/7",
      "10.8.0.1/32",
      "11.0.0.0/8",
      "12.0.0.0/6",
      "16.0.0.0/4",
      "32.0.0.0/3",
      "64.0.0.0/2",
      "128.0.0.0/3",
      "160.0.0.0/5",
      "168.0.0.0/6",
      "172.0.0.0/12",
      "172.32.0.0/11",
      "172.64.0.0/10",
      "172.128.0.0/9",
      "173.0.0.0/8",
      "174.0.0.0/7",
      "176.0.0.0/4",
      "192.0.0.0/9",
      "192.128.0.0/11",
      "192.160.0.0/13",
      "192.169.0.0/16",
      "192.170.0.0/15",
      "192.172.0.0/14",
      "192.176.0.0/12",
      "192.192.0.0/10",
      "193.0.0.0/8",
      "194.0.0.0/7",
      "196.0.0.0/6",
      "200.0.0.0/5",
      "208.0.0.0/4",
      "224.0.0.0/3",
    ]);
    const v6 = computeAllowedIps({ exitNode: true, ipv4: false, ipv6: true, excludePrivateSubnets: true });
    expect(v6).toContain("fe00::/9");
    expect(v6).toContain("fec0::/10");
    expect(v6.some((subnet) => subnet.startsWith("fd") || subnet.startsWith("fc") || subnet.startsWith("fe80"))).toBe(false);
  });

  it("subtract explicitly excluded subnets and name the bad value", () => {
    expect(computeAllowedIps({ allowedSubnets: ["10.0.0.0/16"], excludedSubnets: ["10.0.128.0/17"] })).toEqual(["10.0.0.0/17"]);
    expect(() => computeAllowedIps({ allowedSubnets: ["10.0.0.0/99"], where: 'identity "gw"' })).toThrow(
      /in the allowed subnets of identity "gw"/,
    );
  });
});
