import { dnsProviderEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { accessPointEntity, gatewayEntity, tlsIssuerEntity } from "../../entities/resources.js";

/**
 * Where apps are published: one gateway, the TLS issuers for their certificates and the DNS providers
 * for their names. Apps take the access point as an input and call `publishService` from
 * `@highstate/k8s/publish` to be reachable at a host name.
 */
export const accessPoint = defineComponent({
  type: "k8s.access-point.v1",
  args: {
    /** Ask DNS providers to proxy the records they create when they can (Cloudflare's orange cloud). */
    proxied: z.boolean().default(false),
  },
  inputs: {
    /** The gateway that routes traffic to the apps. */
    gateway: gatewayEntity,
    /** Issuers for the apps' TLS certificates, picked by zone. Without one, apps are published over plain HTTP. */
    tlsIssuers: { entity: tlsIssuerEntity, required: false, multiple: true },
    /** DNS providers for the apps' host names, picked by zone. Without one, records must be created by hand. */
    dnsProviders: { entity: dnsProviderEntity, required: false, multiple: true },
  },
  outputs: {
    /** The gateway, issuers and DNS providers, for apps to publish themselves through. */
    accessPoint: accessPointEntity,
  },
  meta: {
    title: "Access Point",
    description: "A gateway with TLS issuers and DNS providers: apps connected to it get a host name, a certificate and a route.",
    icon: "mdi:door-open",
    category: "Network",
  },
  source: { package: "@highstate/k8s", path: "access-point" },
});
