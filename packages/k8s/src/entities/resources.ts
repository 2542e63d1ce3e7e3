import { dnsProviderSchema, endpointSchema, hostSchema, implementationReferenceSchema } from "@highstate/common";
import { defineEntity, z } from "@highstate/contract";

/** A Kubernetes object name (RFC 1123 label: lower-case letters, digits and dashes). */
export const kubernetesNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be lower-case letters, digits and dashes, starting and ending with a letter or digit");

/** A Service in a Kubernetes cluster and the endpoints it is reachable at. */
export const serviceSchema = z
  .object({
    /** The id of the cluster the service is in (see `k8s.cluster.v1`). */
    clusterId: z.string().min(1),
    /** The name of the cluster the service is in. */
    clusterName: z.string().min(1),
    /** The service name. */
    name: kubernetesNameSchema,
    /** The namespace of the service. */
    namespace: kubernetesNameSchema,
    /** The service type. */
    type: z.enum(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]).default("ClusterIP"),
    /**
     * The service's cluster IP, where pods (and networks routed into the cluster, such as WireGuard
     * peers) reach it; left out for headless and ExternalName services and when unknown.
     */
    clusterIp: z.union([z.ipv4(), z.ipv6()]).optional(),
    /** The pod labels the service selects. */
    selector: z.record(z.string(), z.string()).default({}),
    /**
     * Where the service answers: its in-cluster DNS name (visibility `internal`) and, for node-port and
     * load-balancer services, external addresses.
     */
    endpoints: z.array(endpointSchema).default([]),
  })
  .strict();
export type Service = z.output<typeof serviceSchema>;
export type ServiceInput = z.input<typeof serviceSchema>;

/** A reverse proxy in a cluster that routes HTTP and TCP traffic from its public endpoints to services. */
export const gatewaySchema = z
  .object({
    /** The id of the cluster the gateway runs in. */
    clusterId: z.string().min(1),
    /** The name of the cluster the gateway runs in. */
    clusterName: z.string().min(1),
    /** The package implementing the `gateway-route` capability (creating routes to services), with its data. */
    implRef: implementationReferenceSchema,
    /** The public addresses (IPs or host names) the gateway answers on; DNS records point here. */
    endpoints: z.array(hostSchema).default([]),
  })
  .strict();
export type Gateway = z.output<typeof gatewaySchema>;

/** A cert-manager issuer able to issue TLS certificates for some DNS zones. */
export const tlsIssuerSchema = z
  .object({
    /** The id of the cluster the issuer lives in. */
    clusterId: z.string().min(1),
    /** The DNS zones (domains) the issuer can issue certificates for, subdomains included. */
    zones: z.array(z.hostname()).min(1),
    /** The cert-manager issuer a Certificate's `issuerRef` names. */
    issuerRef: z
      .object({
        /** The issuer's name. */
        name: kubernetesNameSchema,
        /** `ClusterIssuer` (usable from every namespace) or `Issuer`. */
        kind: z.enum(["ClusterIssuer", "Issuer"]).default("ClusterIssuer"),
        /** The API group of the issuer. */
        group: z.string().min(1).default("cert-manager.io"),
      })
      .strict(),
  })
  .strict();
export type TlsIssuer = z.output<typeof tlsIssuerSchema>;

/** Where apps are published: a gateway, the TLS issuers for their certificates and the DNS providers for their names. */
export const accessPointSchema = z
  .object({
    /** The gateway that routes traffic to apps. */
    gateway: gatewaySchema,
    /** The issuers used for apps' TLS certificates, picked by zone. */
    tlsIssuers: z.array(tlsIssuerSchema).default([]),
    /** The DNS providers used for apps' host names, picked by zone. */
    dnsProviders: z.array(dnsProviderSchema).default([]),
    /** Whether DNS records should be proxied by the provider when it can (Cloudflare's orange cloud). */
    proxied: z.boolean().default(false),
  })
  .strict();
export type AccessPoint = z.output<typeof accessPointSchema>;

/** A Service in a Kubernetes cluster and the endpoints it is reachable at. */
export const serviceEntity = defineEntity({
  type: "k8s.service.v1",
  schema: serviceSchema,
  meta: { title: "Kubernetes Service", color: "#5b8def", icon: "mdi:lan" },
});

/** A reverse proxy in a cluster that routes traffic to services. */
export const gatewayEntity = defineEntity({
  type: "k8s.gateway.v1",
  schema: gatewaySchema,
  meta: { title: "Gateway", color: "#24a1c1", icon: "mdi:router-network" },
});

/** A cert-manager issuer for TLS certificates. */
export const tlsIssuerEntity = defineEntity({
  type: "k8s.tls-issuer.v1",
  schema: tlsIssuerSchema,
  meta: { title: "TLS Issuer", color: "#2e8b57", icon: "mdi:certificate" },
});

/** A gateway with TLS issuers and DNS providers: where apps are published. */
export const accessPointEntity = defineEntity({
  type: "k8s.access-point.v1",
  schema: accessPointSchema,
  meta: { title: "Access Point", color: "#9b59b6", icon: "mdi:door-open" },
});
