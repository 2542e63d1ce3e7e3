import { endpointSchema, portSchema } from "@highstate/common";
import { defineEntity, z } from "@highstate/contract";
import { wireGuardKeyPattern } from "./shared/keys.js";

/** A WireGuard key: 32 bytes in base64, as `wg genkey` / `wg pubkey` print it. */
export const wireGuardKeySchema = z
  .string()
  .regex(wireGuardKeyPattern, 'must be a WireGuard key: 32 bytes in base64 (44 characters ending in "=")');

/** An IPv4 or IPv6 address literal. */
export const ipAddressSchema = z.union([z.ipv4(), z.ipv6()]);

/** An interface address with an optional prefix, such as `10.8.0.2/24` or `fd00::2/64`. */
export const interfaceAddressSchema = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

/** A subnet in CIDR notation (`10.0.0.0/8`, `fd00::/64`) or a single address. */
export const subnetSchema = z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()]);

/** The WireGuard implementation the peers of a network run. */
export const backendSchema = z.enum(["wireguard", "amneziawg"]);
export type Backend = z.output<typeof backendSchema>;

/**
 * How preshared keys (the optional symmetric key WireGuard mixes into every handshake, which keeps
 * recorded traffic safe even from a future quantum computer) are chosen for the links of a network.
 */
export const presharedKeyModeSchema = z.enum(["none", "shared", "secure"]);
export type PresharedKeyMode = z.output<typeof presharedKeyModeSchema>;

const amneziaNumber = (max: number) => z.number().int().min(0).max(max).optional();

/**
 * AmneziaWG's obfuscation parameters. Every peer of a network must use the same values; they are
 * written to the `[Interface]` section under their capitalised names (`Jc`, `S1`, `H1`, `I1`, …).
 */
export const amneziaSchema = z
  .object({
    /** Jc: how many junk packets are sent before the handshake (1–128). */
    jc: amneziaNumber(128),
    /** Jmin: the smallest junk packet size in bytes. */
    jmin: amneziaNumber(1280),
    /** Jmax: the largest junk packet size in bytes (at most 1280). */
    jmax: amneziaNumber(1280),
    /** S1: junk bytes prepended to the handshake initiation packet. */
    s1: amneziaNumber(1132),
    /** S2: junk bytes prepended to the handshake response packet. */
    s2: amneziaNumber(1188),
    /** S3: junk bytes prepended to cookie reply packets (AmneziaWG 2.0). */
    s3: amneziaNumber(1216),
    /** S4: junk bytes prepended to transport packets (AmneziaWG 2.0). */
    s4: amneziaNumber(32),
    /** H1: the header value (or `min-max` range) of handshake initiation packets. */
    h1: z
      .string()
      .regex(/^\d+(-\d+)?$/)
      .optional(),
    /** H2: the header value (or range) of handshake response packets. */
    h2: z
      .string()
      .regex(/^\d+(-\d+)?$/)
      .optional(),
    /** H3: the header value (or range) of cookie reply packets. */
    h3: z
      .string()
      .regex(/^\d+(-\d+)?$/)
      .optional(),
    /** H4: the header value (or range) of transport packets. */
    h4: z
      .string()
      .regex(/^\d+(-\d+)?$/)
      .optional(),
    /** I1: the first special junk packet sent before the handshake (a tag string such as `<b 0x…>`). */
    i1: z.string().min(1).optional(),
    /** I2: the second special junk packet. */
    i2: z.string().min(1).optional(),
    /** I3: the third special junk packet. */
    i3: z.string().min(1).optional(),
    /** I4: the fourth special junk packet. */
    i4: z.string().min(1).optional(),
    /** I5: the fifth special junk packet. */
    i5: z.string().min(1).optional(),
  })
  .strict();
export type AmneziaParameters = z.output<typeof amneziaSchema>;

const networkFields = {
  /** The network's stable id (the network instance's uid); peers with the same id belong to one network. */
  id: z.string().min(1),
  /** The network's name, as shown in configs. */
  name: z.string().min(1),
  /** `wireguard`, or `amneziawg` for the obfuscating fork (peers need AmneziaWG installed). */
  backend: backendSchema.default("wireguard"),
  /** Whether the network carries IPv4. */
  ipv4: z.boolean().default(true),
  /** Whether the network carries IPv6 (also adds `::/0` for exit nodes and allows IPv6 endpoints). */
  ipv6: z.boolean().default(false),
  /** `none`: no preshared keys; `shared`: one key for every link; `secure`: a distinct key per pair of peers. */
  presharedKeyMode: presharedKeyModeSchema.default("secure"),
  /** The AmneziaWG obfuscation parameters (used with the `amneziawg` backend). */
  amnezia: amneziaSchema.optional(),
};

/** The public settings of a WireGuard network, as every peer carries them (no key material). */
export const networkInfoSchema = z.object(networkFields).strict();
export type NetworkInfo = z.output<typeof networkInfoSchema>;

/** A WireGuard network: shared settings of its peers, and the key material their preshared keys come from. */
export const networkSchema = z
  .object({
    ...networkFields,
    /**
     * The network's preshared key material (32 bytes, base64): the key of every link in `shared` mode,
     * the HMAC key pair keys are derived from in `secure` mode. Secret.
     */
    presharedKey: wireGuardKeySchema.meta({ secret: true }).optional(),
  })
  .strict();
export type Network = z.output<typeof networkSchema>;
export type NetworkInput = z.input<typeof networkSchema>;

/** The public side of a WireGuard peer: what others need to connect to it. */
export const peerSchema = z
  .object({
    /** The peer's name, written as a comment above its `[Peer]` section. */
    name: z.string().min(1),
    /** The peer's public key. */
    publicKey: wireGuardKeySchema,
    /** The network the peer belongs to, without key material; peers of one network get preshared keys. */
    network: networkInfoSchema.optional(),
    /** The peer's interface addresses with their prefixes (`10.8.0.1/24`). */
    addresses: z.array(interfaceAddressSchema).default([]),
    /** The subnets routed to this peer (its `AllowedIPs` in other peers' configs), as the fewest CIDR blocks. */
    allowedIps: z.array(subnetSchema).default([]),
    /** Where the peer can be reached (UDP), the preferred one first; empty for peers behind NAT. */
    endpoints: z.array(endpointSchema).default([]),
    /** DNS servers reachable through this peer, which its peers' configs use. */
    dns: z.array(ipAddressSchema).default([]),
    /** The UDP port the peer listens on. */
    listenPort: portSchema.default(51820),
    /** Seconds between keepalive packets this peer sends to its peers (0 = off). */
    persistentKeepalive: z.number().int().min(0).max(65535).default(0),
    /** Whether the peer routes all traffic (`0.0.0.0/0`, and `::/0` with IPv6) for those using it. */
    exitNode: z.boolean().default(false),
  })
  .strict();
export type Peer = z.output<typeof peerSchema>;
export type PeerInput = z.input<typeof peerSchema>;

/** A WireGuard identity: a peer together with its private key, and the network it belongs to. */
export const identitySchema = z
  .object({
    /** The public side of the identity. */
    peer: peerSchema,
    /** The private key (x25519, base64). Secret. */
    privateKey: wireGuardKeySchema.meta({ secret: true }),
    /** The network with its key material, when the identity belongs to one. */
    network: networkSchema.optional(),
  })
  .strict();
export type Identity = z.output<typeof identitySchema>;
export type IdentityInput = z.input<typeof identitySchema>;

/** A WireGuard network: backend, IP families, preshared key mode and key material. */
export const networkEntity = defineEntity({
  type: "wireguard.network.v1",
  schema: networkSchema,
  meta: { title: "WireGuard Network", color: "#88171a", icon: "simple-icons:wireguard" },
});

/** The public side of a WireGuard peer: public key, addresses, Allowed IPs and endpoints. */
export const peerEntity = defineEntity({
  type: "wireguard.peer.v1",
  schema: peerSchema,
  meta: { title: "WireGuard Peer", color: "#c0392b", icon: "mdi:account-network" },
});

/** A WireGuard identity: a peer with its private key. */
export const identityEntity = defineEntity({
  type: "wireguard.identity.v1",
  schema: identitySchema,
  meta: { title: "WireGuard Identity", color: "#e74c3c", icon: "mdi:card-account-details" },
});
