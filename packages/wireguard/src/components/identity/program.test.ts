import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { identitySchema, peerSchema } from "../../entities.js";
import { keys, network } from "../../shared/__fixtures__/peers.js";
import { derivePublicKey } from "../../shared/keys.js";
import type { identity } from "./definition.js";

let unit: Unit<typeof identity>;

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

const service = {
  clusterId: "c1",
  clusterName: "prod",
  name: "traefik",
  namespace: "ingress",
  type: "LoadBalancer" as const,
  clusterIp: "10.43.0.7",
  selector: { app: "traefik" },
  endpoints: [
    { host: "traefik.ingress.svc.cluster.local", port: 443, protocol: "tcp" as const, visibility: "internal" as const },
    { host: "10.43.0.10", port: 443, protocol: "tcp" as const },
  ],
};

describe("WireGuard Identity", () => {
  it("generates a private key once, outputs the identity (secret) and its peer (public)", async () => {
    const first = await testUnit(unit, {
      name: "gateway",
      args: { addresses: ["10.8.0.1/24"], endpoints: ["203.0.113.10", "[2001:db8::1]:443"], dns: ["10.8.0.1"] },
    });
    expect(first.resources).toEqual([]);
    const value = identitySchema.parse(first.outputs.identity);
    expect(first.secrets).toEqual({ privateKey: value.privateKey });
    expect(value.peer.publicKey).toBe(derivePublicKey(value.privateKey));
    expect(peerSchema.parse(first.outputs.peer)).toEqual(value.peer);
    expect(value.peer).toMatchObject({
      name: "gateway",
      addresses: ["10.8.0.1/24"],
      allowedIps: ["10.8.0.1/32"],
      dns: ["10.8.0.1"],
      listenPort: 51820,
      endpoints: [
        { host: "203.0.113.10", port: 51820, protocol: "udp" },
        { host: "2001:db8::1", port: 443, protocol: "udp" },
      ],
    });
    expect(first.secretOutputs).toContain("identity");
    expect(first.secretOutputs).not.toContain("peer");
    expect(first.secretOutputs).not.toContain("$statusFields");
    expect(first.outputs.$statusFields).toEqual([
      { name: "publicKey", title: "Public Key", value: value.peer.publicKey, secret: false },
      { name: "allowedIps", title: "Allowed IPs", value: "10.8.0.1/32", secret: false },
      { name: "endpoint", title: "Endpoint", value: "203.0.113.10:51820", secret: false },
    ]);

    const second = await testUnit(unit, { name: "gateway", secrets: first.secrets });
    expect(identitySchema.parse(second.outputs.identity).privateKey).toBe(value.privateKey);
    expect(second.secrets).toEqual({});
  });

  it("joins the network: the peer carries its settings without the key material", async () => {
    const net = network({ ipv6: true });
    const result = await testUnit(unit, {
      secretInputs: { network: net },
      secrets: { privateKey: keys.alpha.privateKey },
      args: { exitNode: true, excludePrivateSubnets: true, addresses: ["10.8.0.1/24"] },
    });
    const value = identitySchema.parse(result.outputs.identity);
    expect(value.network).toEqual(net);
    const peer = peerSchema.parse(result.outputs.peer);
    expect(peer.publicKey).toBe(keys.alpha.publicKey);
    expect(peer.network).toEqual({
      id: "net-uid",
      name: "office",
      backend: "wireguard",
      ipv4: true,
      ipv6: true,
      presharedKeyMode: "secure",
    });
    expect(JSON.stringify(result.outputs.peer)).not.toContain(net.presharedKey);
    expect(result.secretOutputs).not.toContain("peer");
    expect(peer.exitNode).toBe(true);
    expect(peer.allowedIps).toContain("10.8.0.1/32");
    expect(peer.allowedIps).toContain("::/1");
    expect(peer.allowedIps).not.toContain("fc00::/7");
    expect(peer.allowedIps).not.toContain("10.0.0.0/8");
  });

  it("routes the IP addresses of connected Kubernetes services and adds connected endpoints as UDP", async () => {
    const result = await testUnit(unit, {
      inputs: { k8sServices: [service], endpoints: [{ host: "vpn.example.com", port: 31820, protocol: "tcp", visibility: "public" }] },
      args: { addresses: ["10.8.0.5/24"], allowedSubnets: ["10.42.0.0/16"] },
    });
    const peer = peerSchema.parse(result.outputs.peer);
    expect(peer.allowedIps).toEqual(["10.8.0.5/32", "10.42.0.0/16", "10.43.0.7/32", "10.43.0.10/32"]);
    expect(peer.endpoints).toEqual([{ host: "vpn.example.com", port: 31820, protocol: "udp", visibility: "public" }]);
  });

  it("rejects bad args and keys, naming the arg and the instance", async () => {
    expect((await runError(testUnit(unit, { name: "gw", args: { endpoints: ["bad host:1"] } }))).message).toMatch(
      /"bad host:1" in arg "endpoints" of "gw"/,
    );
    expect((await runError(testUnit(unit, { name: "gw", args: { endpoints: ["vpn.example.com:99999"] } }))).message).toMatch(
      /the port must be 1–65535/,
    );
    expect((await runError(testUnit(unit, { name: "gw", secrets: { privateKey: "x" } }))).message).toMatch(
      /Secret "privateKey" of "gw" is not a valid WireGuard key/,
    );
    expect((await runError(testUnit(unit, { name: "gw", args: { addresses: ["10.8.0.1/40"] as never } }))).message).toMatch(/addresses/);
  });
});
