import type { EndpointVisibility } from "@highstate/common";
import type { AmneziaParameters, Identity, Network, NetworkInfo, Peer } from "../entities.js";
import { formatEndpoint } from "./endpoints.js";
import { InvalidAddressError, WireGuardConfigError } from "./errors.js";
import { decodeWireGuardKey, derivePairPresharedKey, derivePublicKey } from "./keys.js";
import { ipFamily, parseInterfaceAddress, parseSubnet } from "./subnets.js";

/** How a config is rendered beyond what the identity and peers say. */
export interface ConfigOptions {
  /** Emit `ListenPort`; by default only when the identity has endpoints (others reach it). */
  listen?: boolean;
  /** The interface MTU; left to `wg-quick` (which derives it from the route) when not given. */
  mtu?: number;
  /** `Table` for `wg-quick`: a routing table number, `off` or `auto`. */
  table?: string | number;
  /** Extra DNS servers, after those of the peers. */
  dns?: readonly string[];
  /** Only use peer endpoints with these visibilities (endpoints of unknown visibility always qualify). */
  endpointVisibilities?: readonly EndpointVisibility[];
  /** `PostUp` commands of `wg-quick`, in order. */
  postUp?: readonly string[];
  /** `PreDown` commands of `wg-quick`, in order. */
  preDown?: readonly string[];
}

/** One `[Peer]` section. */
export interface PeerSection {
  /** The peer's name, written as a comment. */
  name: string;
  publicKey: string;
  presharedKey?: string;
  allowedIps: string[];
  /** `host:port` (`[v6]:port` for IPv6 literals). */
  endpoint?: string;
  persistentKeepalive?: number;
}

/** A whole config, before rendering. */
export interface WireGuardConfig {
  /** The identity's name, written as a comment. */
  name: string;
  backend: Network["backend"];
  interface: {
    privateKey: string;
    addresses: string[];
    listenPort?: number;
    mtu?: number;
    dns: string[];
    table?: string;
    postUp: string[];
    preDown: string[];
    amnezia?: AmneziaParameters;
  };
  peers: PeerSection[];
}

/** The network settings of an identity without a network: plain WireGuard over IPv4, no preshared keys. */
const standaloneNetwork: NetworkInfo = { id: "", name: "", backend: "wireguard", ipv4: true, ipv6: false, presharedKeyMode: "none" };

/**
 * The preshared key of the link between an identity and a peer, the same on both sides: none unless
 * both belong to the same network (same id); then by the network's mode — `none`, `shared` (the
 * network key itself) or `secure` ({@link derivePairPresharedKey}).
 *
 * @throws WireGuardConfigError when the network's mode needs key material that the identity's network lacks.
 */
export function linkPresharedKey(identity: Identity, peer: Peer): string | undefined {
  const network = identity.network;
  if (!network || !peer.network || peer.network.id !== network.id || network.presharedKeyMode === "none") return undefined;
  if (!network.presharedKey) {
    throw new WireGuardConfigError(
      `The network "${network.name}" uses the "${network.presharedKeyMode}" preshared key mode but carries no key material: run the network instance so it generates one, then re-run "${identity.peer.name}".`,
    );
  }
  if (network.presharedKeyMode === "shared") return network.presharedKey;
  return derivePairPresharedKey(network.presharedKey, identity.peer.publicKey, peer.publicKey);
}

/**
 * The endpoint an identity uses for a peer: the first UDP endpoint (in the peer's order of preference)
 * whose visibility is allowed and whose address family the identity's network carries. Host names
 * always qualify: `wg` resolves them.
 */
export function chooseEndpoint(peer: Peer, network: NetworkInfo, visibilities?: readonly EndpointVisibility[]): string | undefined {
  const endpoint = peer.endpoints.find((candidate) => {
    if (candidate.protocol !== "udp") return false;
    if (visibilities && candidate.visibility && !visibilities.includes(candidate.visibility)) return false;
    const family = ipFamily(candidate.host);
    return !((family === 6 && !network.ipv6) || (family === 4 && !network.ipv4));
  });
  return endpoint ? formatEndpoint(endpoint) : undefined;
}

function checkPeer(identity: Identity, peer: Peer): void {
  decodeWireGuardKey(peer.publicKey, `the public key of peer "${peer.name}"`);
  const ownBackend = identity.network?.backend ?? "wireguard";
  const peerBackend = peer.network?.backend ?? "wireguard";
  if (ownBackend !== peerBackend) {
    throw new WireGuardConfigError(
      `The peer "${peer.name}" runs ${peerBackend} but "${identity.peer.name}" runs ${ownBackend}: the two cannot talk. Put both in networks with the same backend.`,
    );
  }
  for (const subnet of peer.allowedIps) parseSubnet(subnet, `the Allowed IPs of peer "${peer.name}"`);
}

/**
 * Builds the config of `identity` for talking to `peers`: one `[Peer]` per peer (the identity itself
 * and duplicates by public key are skipped), with the link's preshared key, the peer's Allowed IPs,
 * its endpoint and the identity's keepalive. The DNS servers are those of the peers, then
 * `options.dns`, without duplicates.
 *
 * @throws WireGuardConfigError when the identity's private key does not match its public key, two peers
 *   claim the same subnet, or a peer runs another backend.
 * @throws InvalidAddressError for an unusable address, naming it and where it came from.
 */
export function buildConfig(identity: Identity, peers: readonly Peer[], options: ConfigOptions = {}): WireGuardConfig {
  const own = identity.peer;
  const where = `identity "${own.name}"`;
  if (derivePublicKey(identity.privateKey, `the private key of ${where}`) !== own.publicKey) {
    throw new WireGuardConfigError(
      `The private key of ${where} does not match its public key ${own.publicKey}: the identity value is corrupt; re-run the identity.`,
    );
  }
  for (const address of own.addresses) parseInterfaceAddress(address, `the addresses of ${where}`);
  const network = identity.network ?? standaloneNetwork;

  const sections: PeerSection[] = [];
  const seenKeys = new Set([own.publicKey]);
  const owners = new Map<string, string>();
  for (const peer of peers) {
    if (seenKeys.has(peer.publicKey)) continue;
    seenKeys.add(peer.publicKey);
    checkPeer(identity, peer);
    const allowedIps = peer.allowedIps.map((text) => {
      const subnet = parseSubnet(text, `the Allowed IPs of peer "${peer.name}"`);
      const key = `${subnet.family}:${subnet.network}/${subnet.prefix}`;
      const owner = owners.get(key);
      if (owner !== undefined) {
        throw new WireGuardConfigError(
          `The peers "${owner}" and "${peer.name}" both claim ${text} in the config of "${own.name}": WireGuard routes a subnet to one peer only. Remove it from one of them (for example make only one of them an exit node).`,
        );
      }
      owners.set(key, peer.name);
      return text;
    });
    const presharedKey = linkPresharedKey(identity, peer);
    const endpoint = chooseEndpoint(peer, network, options.endpointVisibilities);
    sections.push({
      name: peer.name,
      publicKey: peer.publicKey,
      ...(presharedKey ? { presharedKey } : {}),
      allowedIps,
      ...(endpoint ? { endpoint } : {}),
      ...(own.persistentKeepalive > 0 ? { persistentKeepalive: own.persistentKeepalive } : {}),
    });
  }

  const dns: string[] = [];
  for (const server of [...peers.filter((peer) => peer.publicKey !== own.publicKey).flatMap((peer) => peer.dns), ...(options.dns ?? [])]) {
    if (ipFamily(server) === undefined)
      throw new InvalidAddressError(server, `the DNS servers of the config of ${where}`, "expected an IP address");
    if (!dns.includes(server)) dns.push(server);
  }
  if (options.mtu !== undefined && !(Number.isInteger(options.mtu) && options.mtu >= 576 && options.mtu <= 65535)) {
    throw new WireGuardConfigError(
      `The MTU ${options.mtu} of the config of ${where} is out of range: use a whole number from 576 to 65535 (1420 suits most links).`,
    );
  }
  const listen = options.listen ?? own.endpoints.length > 0;
  return {
    name: own.name,
    backend: network.backend,
    interface: {
      privateKey: identity.privateKey,
      addresses: [...own.addresses],
      ...(listen ? { listenPort: own.listenPort } : {}),
      ...(options.mtu !== undefined ? { mtu: options.mtu } : {}),
      dns,
      ...(options.table !== undefined ? { table: String(options.table) } : {}),
      postUp: [...(options.postUp ?? [])],
      preDown: [...(options.preDown ?? [])],
      ...(network.backend === "amneziawg" && network.amnezia ? { amnezia: network.amnezia } : {}),
    },
    peers: sections,
  };
}

/** Makes free text safe for a one-line `#` comment. */
function comment(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

const amneziaKeys: ReadonlyArray<[keyof AmneziaParameters, string]> = [
  ["jc", "Jc"],
  ["jmin", "Jmin"],
  ["jmax", "Jmax"],
  ["s1", "S1"],
  ["s2", "S2"],
  ["s3", "S3"],
  ["s4", "S4"],
  ["h1", "H1"],
  ["h2", "H2"],
  ["h3", "H3"],
  ["h4", "H4"],
  ["i1", "I1"],
  ["i2", "I2"],
  ["i3", "I3"],
  ["i4", "I4"],
  ["i5", "I5"],
];

/** Renders a config in the `wg-quick` (and `awg-quick`) format. */
export function renderConfig(config: WireGuardConfig): string {
  const lines: string[] = [`# WireGuard config of "${comment(config.name)}", generated by Highstate.`, "[Interface]"];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "") lines.push(`${key} = ${value}`);
  };
  const { interface: iface } = config;
  add("PrivateKey", iface.privateKey);
  add("Address", iface.addresses.join(", "));
  add("ListenPort", iface.listenPort);
  add("MTU", iface.mtu);
  add("DNS", iface.dns.join(", "));
  add("Table", iface.table);
  for (const command of iface.postUp) add("PostUp", command);
  for (const command of iface.preDown) add("PreDown", command);
  if (iface.amnezia) for (const [field, key] of amneziaKeys) add(key, iface.amnezia[field]);
  for (const peer of config.peers) {
    lines.push("", `# ${comment(peer.name)}`, "[Peer]");
    add("PublicKey", peer.publicKey);
    add("PresharedKey", peer.presharedKey);
    add("AllowedIPs", peer.allowedIps.join(", "));
    add("Endpoint", peer.endpoint);
    add("PersistentKeepalive", peer.persistentKeepalive);
  }
  return `${lines.join("\n")}\n`;
}

/** Builds and renders the config of `identity` for `peers` (see {@link buildConfig}). */
export function generateConfig(identity: Identity, peers: readonly Peer[], options: ConfigOptions = {}): string {
  return renderConfig(buildConfig(identity, peers, options));
}
