import { dnsProviderEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { clusterEntity, tlsIssuerEntity } from "@highstate/k8s";

/** The ACME server certificates are requested from. */
export const acmeServerSchema = z.discriminatedUnion("type", [
  z.object({ /** Let's Encrypt production. */ type: z.literal("letsencrypt") }).strict(),
  z
    .object({
      /** Let's Encrypt staging: untrusted certificates, generous rate limits, for trying things out. */ type: z.literal(
        "letsencrypt-staging",
      ),
    })
    .strict(),
  z.object({ /** ZeroSSL; needs the EAB secrets. */ type: z.literal("zerossl") }).strict(),
  z
    .object({
      /** Another ACME server. */
      type: z.literal("custom"),
      /** Its directory URL. */
      url: z.url({ protocol: /^https$/ }),
    })
    .strict(),
]);
export type AcmeServer = z.output<typeof acmeServerSchema>;

/** The directory URL of an ACME server. */
export function acmeServerUrl(server: AcmeServer): string {
  switch (server.type) {
    case "letsencrypt":
      return "https://acme-v02.api.letsencrypt.org/directory";
    case "letsencrypt-staging":
      return "https://acme-staging-v02.api.letsencrypt.org/directory";
    case "zerossl":
      return "https://acme.zerossl.com/v2/DV90";
    case "custom":
      return server.url;
  }
}

/** A cert-manager ClusterIssuer answering ACME DNS-01 challenges through a DNS provider. */
export const dns01Issuer = defineComponent({
  type: "cert-manager.dns01-issuer.v1",
  args: {
    /** The ACME server: Let's Encrypt (production or staging), ZeroSSL, or a custom directory URL. */
    acmeServer: acmeServerSchema.default({ type: "letsencrypt" }),
    /** The e-mail address of the ACME account; the server sends expiry and policy notices there. */
    email: z.email(),
    /** The zones to issue for; empty (the default): every zone of the DNS provider. */
    zones: z.array(z.hostname()).default([]),
  },
  secrets: {
    /** The External Account Binding key id (ZeroSSL, or a custom server that requires EAB). */
    eabKeyId: z.string().min(1).optional(),
    /** The External Account Binding HMAC key, base64url as the server gives it. */
    eabHmacKey: z.string().min(1).optional(),
  },
  inputs: {
    /** The cluster, from Cert Manager's output so the issuer waits for cert-manager. */
    k8sCluster: clusterEntity,
    /** The DNS provider that answers the challenges; its package must implement `dns01-solver`. */
    dnsProvider: dnsProviderEntity,
  },
  outputs: {
    /** The issuer and the zones it serves, for access points. */
    tlsIssuer: tlsIssuerEntity,
  },
  meta: {
    title: "DNS01 Issuer",
    description: "An ACME ClusterIssuer (Let's Encrypt, ZeroSSL, …) that proves domain ownership with DNS records from a DNS provider.",
    icon: "mdi:certificate",
    category: "Kubernetes",
  },
  source: { package: "@highstate/cert-manager", path: "dns01-issuer" },
});
