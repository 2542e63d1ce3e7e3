/**
 * Generated configs against the real WireGuard tools: `wg pubkey` checks the keys, `wg-quick strip`
 * and `wg setconf` load every config into a `wireguard-go` interface, and two namespaces joined by a
 * veth pair ping each other through the tunnel. Needs root, wireguard-tools and wireguard-go.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity, Network } from "../entities.js";
import { type LabInterface, labUnavailableReason, sh, WireGuardLab } from "./__fixtures__/lab.js";
import { identity, keys, network } from "./__fixtures__/peers.js";
import { computeAllowedIps } from "./allowed-ips.js";
import { buildConfig, type ConfigOptions, generateConfig } from "./config.js";
import {
  clampPrivateKey,
  derivePairPresharedKey,
  derivePublicKey,
  generatePresharedKey,
  generatePrivateKey,
  isWireGuardKey,
} from "./keys.js";

const skipReason = labUnavailableReason();
if (skipReason) console.warn(`Skipping the real WireGuard tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("keys against wg", () => {
  it("derive the public key wg pubkey prints, for generated keys and keys from wg genkey", async () => {
    for (let round = 0; round < 3; round++) {
      const ours = generatePrivateKey();
      expect((await sh("wg", ["pubkey"], ours)).trim()).toBe(derivePublicKey(ours));
      const theirs = (await sh("wg", ["genkey"])).trim();
      expect((await sh("wg", ["pubkey"], theirs)).trim()).toBe(derivePublicKey(theirs));
    }
    for (const pair of Object.values(keys)) expect((await sh("wg", ["pubkey"], pair.privateKey)).trim()).toBe(pair.publicKey);
    expect(isWireGuardKey((await sh("wg", ["genpsk"])).trim())).toBe(true);
  });
});

describe.skipIf(skipReason !== undefined)("configs loaded by wg", () => {
  const lab = new WireGuardLab();
  let namespace: string;

  beforeAll(async () => {
    namespace = await lab.namespace("load");
  });
  afterAll(async () => {
    await lab.destroy();
  });

  /** Loads the config into a fresh interface and checks that wg holds exactly what was generated. */
  async function load(own: Identity, peers: Identity[], options: ConfigOptions = {}): Promise<string> {
    const iface = await lab.wireguardGo(namespace);
    const config = buildConfig(
      own,
      peers.map((peer) => peer.peer),
      options,
    );
    const stripped = await lab.apply(
      iface,
      generateConfig(
        own,
        peers.map((peer) => peer.peer),
        options,
      ),
      [],
    );
    const dump = await lab.dump(iface);
    // wg keeps the clamped scalar; the fixed test keys are not clamped.
    expect(dump.privateKey).toBe(clampPrivateKey(own.privateKey));
    expect(dump.publicKey).toBe(own.peer.publicKey);
    if (config.interface.listenPort !== undefined) expect(dump.listenPort).toBe(config.interface.listenPort);
    expect(dump.peers.map((peer) => peer.publicKey).sort()).toEqual(config.peers.map((peer) => peer.publicKey).sort());
    for (const section of config.peers) {
      const loaded = dump.peers.find((peer) => peer.publicKey === section.publicKey)!;
      expect(loaded.presharedKey).toBe(section.presharedKey);
      expect(loaded.allowedIps.sort()).toEqual([...section.allowedIps].sort());
      expect(loaded.endpoint).toBe(section.endpoint);
      expect(loaded.persistentKeepalive).toBe(section.persistentKeepalive);
    }
    return stripped;
  }

  it("a client with DNS, MTU, a server endpoint, keepalive and a secure pair key", async () => {
    const server = identity("alpha", {
      addresses: ["10.8.0.1/24"],
      allowedIps: ["10.8.0.1/32"],
      endpoints: [{ host: "198.51.100.7", port: 51820, protocol: "udp" }],
      dns: ["10.8.0.1"],
    });
    const client = identity("bravo", { addresses: ["10.8.0.2/24", "fd08::2/64"], persistentKeepalive: 25 });
    const stripped = await load(client, [server], { mtu: 1380 });
    expect(stripped).not.toMatch(/DNS|MTU|Address/);
  });

  it("a server with a listen port and many peers in the shared mode", async () => {
    const net = network({ presharedKeyMode: "shared", presharedKey: generatePresharedKey() });
    const server = identity(
      "alpha",
      { addresses: ["10.9.0.1/24"], listenPort: 41820, endpoints: [{ host: "198.51.100.7", port: 41820, protocol: "udp" }] },
      net,
    );
    const clients = Array.from({ length: 5 }, (_, index) => {
      const privateKey = generatePrivateKey();
      return {
        privateKey,
        network: net,
        peer: {
          ...identity("bravo", {}, net).peer,
          name: `client-${index}`,
          publicKey: derivePublicKey(privateKey),
          allowedIps: [`10.9.0.${index + 10}/32`],
        },
      } satisfies Identity;
    });
    await load(server, clients);
  });

  it("a client of an exit node with private ranges excluded, over IPv6, without preshared keys", async () => {
    const net: Network = network({ presharedKeyMode: "none", presharedKey: undefined, ipv6: true });
    const allowedIps = computeAllowedIps({
      exitNode: true,
      ipv6: true,
      excludePrivateSubnets: true,
      addresses: ["10.10.0.1/24", "fd10::1/64"],
    });
    const exit = identity(
      "alpha",
      { addresses: ["10.10.0.1/24"], allowedIps, exitNode: true, endpoints: [{ host: "2001:db8::7", port: 51820, protocol: "udp" }] },
      net,
    );
    const client = identity("charlie", { addresses: ["10.10.0.3/24"] }, net);
    await load(client, [exit]);
  });

  it("AmneziaWG configs without their obfuscation keys (plain wg cannot read those)", async () => {
    const net = network({ backend: "amneziawg", amnezia: { jc: 4, jmin: 40, jmax: 70 } });
    const a = identity("alpha", { addresses: ["10.11.0.1/24"], allowedIps: ["10.11.0.1/32"] }, net);
    const b = identity("bravo", { addresses: ["10.11.0.2/24"] }, net);
    const text = generateConfig(b, [a.peer]);
    expect(text).toMatch(/^Jc = 4$/m);
    // Everything else in an AmneziaWG config is plain WireGuard syntax.
    const iface = await lab.wireguardGo(namespace);
    await lab.apply(iface, text.replace(/^(Jc|Jmin|Jmax) = .*\n/gm, ""), []);
    expect((await lab.dump(iface)).peers[0]?.presharedKey).toBe(
      derivePairPresharedKey(net.presharedKey!, keys.alpha.publicKey, keys.bravo.publicKey),
    );
  });
});

describe.skipIf(skipReason !== undefined)("two namespaces through the tunnel", () => {
  const lab = new WireGuardLab();
  let left: string;
  let right: string;

  beforeAll(async () => {
    left = await lab.namespace("left");
    right = await lab.namespace("right");
    await lab.link(left, "192.0.2.1/24", right, "192.0.2.2/24");
  });
  afterAll(async () => {
    await lab.destroy();
  });

  /** Two identities that reach each other over the veth link, in a network of the given mode. */
  function pair(net: Network, subnet: number, listenPort: number): [Identity, Identity] {
    const a = identity(
      "alpha",
      { addresses: [`10.${subnet}.0.1/24`], listenPort, endpoints: [{ host: "192.0.2.1", port: listenPort, protocol: "udp" }] },
      net,
    );
    const b = identity(
      "bravo",
      { addresses: [`10.${subnet}.0.2/24`], listenPort, endpoints: [{ host: "192.0.2.2", port: listenPort, protocol: "udp" }] },
      net,
    );
    const withAllowed = (value: Identity): Identity => ({
      ...value,
      peer: { ...value.peer, allowedIps: computeAllowedIps({ addresses: value.peer.addresses }) },
    });
    return [withAllowed(a), withAllowed(b)];
  }

  async function connect(
    a: Identity,
    b: Identity,
    tamper: (config: string) => string = (config) => config,
  ): Promise<{ a: LabInterface; b: LabInterface }> {
    const ifaceA = await lab.wireguardGo(left);
    const ifaceB = await lab.wireguardGo(right);
    await lab.apply(ifaceA, generateConfig(a, [b.peer]), a.peer.addresses);
    await lab.apply(ifaceB, tamper(generateConfig(b, [a.peer])), b.peer.addresses);
    return { a: ifaceA, b: ifaceB };
  }

  it("ping each other with secure pair keys, both sides holding the same derived key", async () => {
    const net = network({ presharedKey: generatePresharedKey() });
    const [a, b] = pair(net, 20, 51820);
    const ifaces = await connect(a, b);
    expect(await lab.ping(left, "10.20.0.2")).toBe(true);
    expect(await lab.ping(right, "10.20.0.1")).toBe(true);
    const expected = derivePairPresharedKey(net.presharedKey!, a.peer.publicKey, b.peer.publicKey);
    const [dumpA, dumpB] = await Promise.all([lab.dump(ifaces.a), lab.dump(ifaces.b)]);
    expect(dumpA.peers[0]?.presharedKey).toBe(expected);
    expect(dumpB.peers[0]?.presharedKey).toBe(expected);
    expect(dumpA.peers[0]?.latestHandshake).toBeGreaterThan(0);
  });

  it("ping each other without preshared keys and with a shared one", async () => {
    const [a, b] = pair(network({ presharedKeyMode: "none", presharedKey: undefined }), 21, 51821);
    await connect(a, b);
    expect(await lab.ping(left, "10.21.0.2")).toBe(true);
    const [c, d] = pair(network({ presharedKeyMode: "shared", presharedKey: generatePresharedKey() }), 22, 51822);
    await connect(c, d);
    expect(await lab.ping(right, "10.22.0.1")).toBe(true);
  });

  it("cannot talk when one side's preshared key differs, which shows the key is really used", async () => {
    const [a, b] = pair(network({ presharedKey: generatePresharedKey() }), 23, 51823);
    await connect(a, b, (config) => config.replace(/^PresharedKey = .*$/m, `PresharedKey = ${generatePresharedKey()}`));
    expect(await lab.ping(left, "10.23.0.2", 1, 4)).toBe(false);
  });

  it("come up with wg-quick as the nodes run it: addresses, MTU, routes for routed subnets, hooks", async () => {
    const net = network({ presharedKey: generatePresharedKey() });
    const [a, b] = pair(net, 24, 51824);
    // The right side routes a subnet behind it, so the left side's wg-quick adds a route for it.
    const routed: Identity = {
      ...b,
      peer: { ...b.peer, allowedIps: computeAllowedIps({ addresses: b.peer.addresses, allowedSubnets: ["10.124.0.0/24"] }) },
    };
    const left1 = await lab.wgQuickUp(
      left,
      generateConfig(a, [routed.peer], { mtu: 1380, listen: true, postUp: ["ip link set %i alias highstate-up"], preDown: ["true"] }),
    );
    await lab.wgQuickUp(right, generateConfig(routed, [a.peer], { listen: true }));
    await sh("ip", ["-n", right, "address", "add", "10.124.0.1/32", "dev", "lo"]);
    expect(await lab.ping(left, "10.24.0.2")).toBe(true);
    expect(await lab.ping(left, "10.124.0.1")).toBe(true);
    const link = await sh("ip", ["-n", left, "link", "show", left1.name]);
    expect(link).toContain("mtu 1380");
    expect(link).toContain("alias highstate-up");
    expect(await sh("ip", ["-n", left, "route", "show", "10.124.0.0/24"])).toContain(`dev ${left1.name}`);
  });
});
