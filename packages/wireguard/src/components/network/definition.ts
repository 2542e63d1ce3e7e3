import { defineComponent, z } from "@highstate/contract";
import { amneziaSchema, backendSchema, networkEntity, presharedKeyModeSchema } from "../../entities.js";

/** A WireGuard network: the settings its identities share and the key material of its preshared keys. */
export const network = defineComponent({
  type: "wireguard.network.v1",
  args: {
    /** `wireguard`, or `amneziawg` for AmneziaWG, which disguises WireGuard traffic (every peer needs AmneziaWG). */
    backend: backendSchema.default("wireguard"),
    /** Whether the network carries IPv4. */
    ipv4: z.boolean().default(true),
    /** Whether the network carries IPv6: exit nodes also route `::/0`, and IPv6 endpoints are used. */
    ipv6: z.boolean().default(false),
    /**
     * How links get preshared keys: `none`; `shared`, one key for every link; or `secure` (recommended
     * when Highstate manages every peer), a distinct key for every pair of peers that both sides derive
     * from the network's key material and their public keys, never sent anywhere.
     */
    presharedKeyMode: presharedKeyModeSchema.default("secure"),
    /** AmneziaWG's obfuscation parameters, shared by every peer (only with the `amneziawg` backend). */
    amnezia: amneziaSchema.optional(),
  },
  secrets: {
    /**
     * The network's preshared key material (32 bytes, base64, as `wg genpsk` prints). Leave it empty to
     * have one generated; it is kept with the instance's secrets. Changing it changes every link's key.
     */
    presharedKey: z.string().optional(),
  },
  outputs: {
    /** The network, to connect to every identity in it. */
    network: networkEntity,
  },
  meta: {
    title: "WireGuard Network",
    description: "Settings shared by WireGuard identities: backend, IP families and how preshared keys are chosen.",
    icon: "simple-icons:wireguard",
    category: "Networking",
  },
  source: { package: "@highstate/wireguard", path: "network" },
});
