import { endpointVisibilitySchema } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { identityEntity, ipAddressSchema, peerEntity } from "../../entities.js";

/** A client config (for `wg-quick`, the WireGuard apps and phones) of an identity and its peers. */
export const config = defineComponent({
  type: "wireguard.config.v1",
  args: {
    /** The interface (and file) name the config is offered as, for example `wg0` → `wg0.conf`. */
    interfaceName: z
      .string()
      .regex(/^[A-Za-z0-9_=+.-]{1,15}$/, "must be 1–15 letters, digits or _=+.- (a Linux interface name)")
      .default("wg0"),
    /** Emit `ListenPort`; by default only when the identity has endpoints (others reach it). */
    listen: z.boolean().optional(),
    /** The interface MTU; left to the client (usually 1420) when not set. */
    mtu: z.number().int().min(576).max(65535).optional(),
    /** Extra DNS servers, after those of the peers. */
    dns: z.array(ipAddressSchema).default([]),
    /** Only use peer endpoints with these visibilities, for example `public` for a laptop outside the LAN. */
    endpointVisibilities: z.array(endpointVisibilitySchema).optional(),
  },
  inputs: {
    /** The identity the config is for; its private key goes into the config. */
    identity: identityEntity,
    /** The peers the identity talks to. */
    peers: { entity: peerEntity, required: false, multiple: true },
  },
  meta: {
    title: "WireGuard Config",
    description: "A WireGuard config for an identity and its peers, shown as a page with a download button and a QR code for phones.",
    icon: "mdi:file-key",
    category: "Networking",
  },
  source: { package: "@highstate/wireguard", path: "config" },
});
