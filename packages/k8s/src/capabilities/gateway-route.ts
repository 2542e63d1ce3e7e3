import { pulumiResourceSchema } from "@highstate/common/capabilities";
import { z } from "@highstate/contract";
import { defineCapability } from "@highstate/pulumi/capabilities";
import { kubernetesNameSchema } from "../entities/resources.js";
import { kubernetesProviderSchema } from "./dns01-solver.js";

/** A request of the `gateway-route` capability: route HTTP(S) for some host names to a Service. */
export const gatewayRouteRequestSchema = z
  .object({
    /** The name of the objects the implementation creates (Gateway API objects are named after it). */
    name: kubernetesNameSchema,
    /** The namespace of the backend Service; the route objects are created there too. */
    namespace: kubernetesNameSchema,
    /** The host names (FQDNs) to route. */
    hostnames: z.array(z.hostname()).min(1),
    /** The path prefix to route, `/` for everything. */
    path: z.string().startsWith("/").default("/"),
    /** The backend: a Service in `namespace` and its port. */
    backend: z
      .object({
        /** The Service name. */
        name: kubernetesNameSchema,
        /** The Service port. */
        port: z.number().int().min(1).max(65535),
      })
      .strict(),
    /**
     * The TLS certificate for the host names: a `kubernetes.io/tls` Secret in `namespace`. Left out,
     * the route is plain HTTP.
     */
    tls: z
      .object({
        /** The Secret holding the certificate and key. */
        secretName: kubernetesNameSchema,
      })
      .strict()
      .optional(),
    /** The provider of the cluster the gateway runs in. */
    provider: kubernetesProviderSchema,
  })
  .strict();
export type GatewayRouteRequest = z.output<typeof gatewayRouteRequestSchema>;

/** The result of the `gateway-route` capability. */
export const gatewayRouteResultSchema = z
  .object({
    /** Where the route answers, for example `https://vault.example.com/`. */
    urls: z.array(z.url()).min(1),
    /** The resources created for the route. */
    resources: z.array(pulumiResourceSchema),
  })
  .strict();
export type GatewayRouteResult = z.output<typeof gatewayRouteResultSchema>;

/**
 * `gateway-route`: makes a gateway (`k8s.gateway.v1`) route traffic for host names to a Service,
 * terminating TLS with a given certificate. Implemented by the gateway's package
 * (`@highstate/traefik/impl/gateway-route`); used by the access point's publish helper.
 */
export const gatewayRouteCapability = defineCapability({
  name: "gateway-route",
  description: "Routes HTTP or HTTPS traffic for host names through a gateway to a Service.",
  request: gatewayRouteRequestSchema,
  result: gatewayRouteResultSchema,
});
