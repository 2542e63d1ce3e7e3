import { endpointEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { serviceEntity } from "@highstate/k8s";
import { identityEntity, interfaceAddressSchema, ipAddressSchema, networkEntity, peerEntity, subnetSchema } from "../../entities.js";

/** A WireGuard identity: a key pair with addresses, endpoints and the subnets routed to it. */
export const identity = defineComponent({
  type: "wireguard.identity.v1",
  args: {
    /** The peer's name in configs; the instance name when left out. */
    peerName: z.string().min(1).optional(),
    /** The interface addresses with their prefixes, for example `10.8.0.1/24` (and `fd08::1/64` with IPv6). */
    addresses: z.array(interfaceAddressSchema).default([]),
    /** The UDP port the identity listens on. */
    listenPort: z.number().int().min(1).max(65535).default(51820),
    /**
     * Where others reach this identity: `host`, `host:port` or `[IPv6]:port` (the listen port when no port
     * is given), the preferred one first. Leave empty for peers behind NAT, such as laptops and phones.
     */
    endpoints: z.array(z.string().min(1)).default([]),
    /** DNS servers reachable through this identity, which its peers' configs use. */
    dns: z.array(ipAddressSchema).default([]),
    /** Route all traffic of the peers that use this identity through it (`0.0.0.0/0`, and `::/0` with IPv6). */
    exitNode: z.boolean().default(false),
    /** Subnets behind this identity that peers should reach through it (a LAN, a cluster's service range). */
    allowedSubnets: z.array(subnetSchema).default([]),
    /** Subnets subtracted from the allowed subnets and the exit-node routes. */
    excludedSubnets: z.array(subnetSchema).default([]),
    /**
     * Subtract the private ranges (10/8, 172.16/12, 192.168/16, and with IPv6 fc00::/7 and fe80::/10) from
     * the allowed subnets and exit-node routes, so peers keep reaching their local networks directly.
     */
    excludePrivateSubnets: z.boolean().default(false),
    /** Route this identity's own addresses to it. */
    includeAddresses: z.boolean().default(true),
    /** Route the DNS servers to it. */
    includeDns: z.boolean().default(true),
    /** Seconds between keepalive packets this identity sends to its peers, to keep NAT mappings open (0 = off, 25 is usual). */
    persistentKeepalive: z.number().int().min(0).max(65535).default(0),
  },
  secrets: {
    /** The private key (`wg genkey`). Leave it empty to have one generated; it is kept with the instance's secrets. */
    privateKey: z.string().optional(),
  },
  inputs: {
    /** The network the identity belongs to: backend, IP families and preshared keys. */
    network: { entity: networkEntity, required: false },
    /** Kubernetes services reached through this identity: their cluster IPs and IP endpoints join its Allowed IPs. */
    k8sServices: { entity: serviceEntity, required: false, multiple: true },
    /** More endpoints where this identity can be reached (UDP), after the `endpoints` arg. */
    endpoints: { entity: endpointEntity, required: false, multiple: true },
  },
  outputs: {
    /** The identity with its private key, for a node or a config. */
    identity: identityEntity,
    /** The public side, for the peers of this identity. */
    peer: peerEntity,
  },
  meta: {
    title: "WireGuard Identity",
    description: "A WireGuard key pair with its addresses, endpoints and the subnets routed to it.",
    icon: "mdi:card-account-details",
    category: "Networking",
  },
  source: { package: "@highstate/wireguard", path: "identity" },
});
