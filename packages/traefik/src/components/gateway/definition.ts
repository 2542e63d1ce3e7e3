import { defineComponent, z } from "@highstate/contract";
import { clusterEntity, gatewayEntity, serviceEntity } from "@highstate/k8s";

/** Traefik as a Gateway API gateway in a cluster: apps publish their services through it. */
export const gateway = defineComponent({
  type: "traefik.gateway.v1",
  args: {
    /** The namespace and Helm release name. */
    appName: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(53)
      .default("traefik"),
    /** The name of the GatewayClass (and IngressClass) Traefik serves. */
    className: z.string().min(1).default("traefik"),
    /**
     * How Traefik's Service is exposed: `ClusterIP` (the default, for use inside a VPN), or `LoadBalancer`
     * / `NodePort` to reach it from the internet.
     */
    serviceType: z.enum(["ClusterIP", "LoadBalancer", "NodePort"]).default("ClusterIP"),
    /** The number of Traefik pods. */
    replicas: z.number().int().min(1).max(20).default(1),
    /** Whether Traefik serves the Gateway API (routes of published apps use it). */
    gatewayApi: z.boolean().default(true),
    /**
     * Whether to install the chart's CRDs (Traefik's and the Gateway API's). Existing ones are taken
     * over by server-side apply; turn it off when another unit manages the Gateway API CRDs.
     */
    installCrds: z.boolean().default(true),
    /**
     * The public addresses (IPs or host names) DNS records should point at. Left empty, the Service's
     * addresses are used: load-balancer addresses, the cluster's external IPs for `NodePort`, the
     * cluster IP for `ClusterIP`.
     */
    endpoints: z.array(z.union([z.ipv4(), z.ipv6(), z.hostname()])).default([]),
  },
  inputs: {
    /** The cluster to install Traefik into. */
    k8sCluster: clusterEntity,
  },
  outputs: {
    /** The gateway, for access points. */
    gateway: gatewayEntity,
    /** Traefik's Service. */
    service: serviceEntity,
  },
  meta: {
    title: "Traefik Gateway",
    description:
      "Traefik installed from its pinned Helm chart, serving the Gateway API; apps connected through an access point get routes here.",
    icon: "simple-icons:traefikproxy",
    category: "Network",
  },
  source: { package: "@highstate/traefik", path: "gateway" },
});
