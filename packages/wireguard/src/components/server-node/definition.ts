import { serverEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { identityEntity, peerEntity, subnetSchema } from "../../entities.js";
import { interfaceNameSchema } from "../node/definition.js";

/** Runs a WireGuard identity on a server over SSH, as a `wg-quick@<interface>` systemd service. */
export const serverNode = defineComponent({
  type: "wireguard.server-node.v1",
  args: {
    /** The WireGuard interface name; the config is `/etc/wireguard/<name>.conf` (`/etc/amnezia/amneziawg/` for AmneziaWG). */
    interfaceName: interfaceNameSchema,
    /** The interface MTU; left to `wg-quick` when not set. */
    mtu: z.number().int().min(576).max(65535).optional(),
    /**
     * Forward traffic between the peers and the server's networks: enables IP forwarding (a sysctl file)
     * and masquerades traffic from the tunnel, as exit nodes and gateways to a LAN need.
     */
    gateway: z.boolean().default(false),
    /** Subnets peers must not reach through the server (dropped by iptables in FORWARD; with `gateway`). */
    forwardRestrictedSubnets: z.array(subnetSchema).default([]),
  },
  inputs: {
    /** The identity the server runs. */
    identity: identityEntity,
    /** The server, reachable over SSH as root (or a user allowed to write `/etc` and run `systemctl`). */
    server: serverEntity,
    /** The peers the server talks to. */
    peers: { entity: peerEntity, required: false, multiple: true },
  },
  outputs: {
    /** The identity's peer; when the identity has no endpoints, the server's addresses at the listen port. */
    peer: peerEntity,
  },
  meta: {
    title: "WireGuard Server Node",
    description:
      "Runs a WireGuard identity on a server over SSH: writes the wg-quick config and enables wg-quick@<interface> under systemd.",
    icon: "simple-icons:wireguard",
    category: "Networking",
  },
  source: { package: "@highstate/wireguard", path: "server-node" },
});
