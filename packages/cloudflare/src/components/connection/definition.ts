import { dnsProviderEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";

/** A Cloudflare account reached with an API token, serving DNS zones to access points and certificate issuers. */
export const connection = defineComponent({
  type: "cloudflare.connection.v1",
  args: {
    /**
     * The zones (domains) to serve, for example `example.com`. Leave it empty to serve every zone the
     * API token can see.
     */
    zones: z.array(z.hostname()).default([]),
  },
  secrets: {
    /** A Cloudflare API token with the permissions `Zone:Read` and `DNS:Edit` on the zones. */
    apiToken: z.string().min(1),
  },
  outputs: {
    /** The DNS provider: the zones, their ids and the token, for DNS records and DNS-01 challenges. */
    dnsProvider: dnsProviderEntity,
  },
  meta: {
    title: "Cloudflare Connection",
    description:
      "Cloudflare DNS: apps published through an access point get their records here, and cert-manager solves DNS-01 challenges with it.",
    icon: "simple-icons:cloudflare",
    category: "DNS",
  },
  source: { package: "@highstate/cloudflare", path: "connection" },
});
