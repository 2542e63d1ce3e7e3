import { endpointSchema, portSchema } from "@highstate/common";
import { defineEntity, z } from "@highstate/contract";

/** How pods get a TUN device (`/dev/net/tun`), needed by VPN workloads such as WireGuard clients. */
export const tunDevicePolicySchema = z.discriminatedUnion("type", [
  z
    .object({
      /** Mount the host's `/dev/net/tun` into the pod (needs a privileged or host-path-allowed namespace). */
      type: z.literal("host"),
    })
    .strict(),
  z
    .object({
      /** Request the device from a device plugin as an extended resource. */
      type: z.literal("plugin"),
      /** The extended resource name, for example `squat.ai/tun`. */
      resourceName: z.string().min(1),
      /** The amount to request, usually `1`. */
      resourceValue: z.string().min(1).default("1"),
    })
    .strict(),
]);
export type TunDevicePolicy = z.output<typeof tunDevicePolicySchema>;

/** Differences between clusters that workloads must adapt to. */
export const clusterQuirksSchema = z
  .object({
    /** How services are exposed outside the cluster: `NodePort` (the default, works everywhere) or `LoadBalancer`. */
    externalServiceType: z.enum(["NodePort", "LoadBalancer"]).default("NodePort"),
    /** How pods get a TUN device. */
    tunDevicePolicy: tunDevicePolicySchema.default({ type: "host" }),
    /**
     * An address pods can reach the Kubernetes API at when the in-cluster `kubernetes` service is not
     * usable from their network (for example host-network pods on some CNIs).
     */
    fallbackKubeApiAccess: z
      .object({
        /** The IP address of an API server. */
        serverIp: z.union([z.ipv4(), z.ipv6()]),
        /** The port of the API server. */
        serverPort: portSchema.default(6443),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ClusterQuirks = z.output<typeof clusterQuirksSchema>;

/** A Kubernetes cluster and the credentials to manage it. */
export const clusterSchema = z
  .object({
    /** The cluster's stable id: the uid of its `kube-system` namespace. */
    id: z.string().min(1),
    /** The cluster's name, used to label and name things created in it. */
    name: z.string().min(1),
    /** The address of the Kubernetes API server. */
    apiEndpoint: endpointSchema,
    /**
     * A kubeconfig (YAML) with exactly one context, which is current, for managing the cluster. Secret:
     * it holds credentials.
     */
    kubeconfig: z.string().min(1).meta({ secret: true }),
    /** Public IP addresses of the cluster's nodes or load balancers, where external services are reachable. */
    externalIps: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
    /** Differences between clusters that workloads must adapt to. */
    quirks: clusterQuirksSchema.default({ externalServiceType: "NodePort", tunDevicePolicy: { type: "host" } }),
  })
  .strict();
export type Cluster = z.output<typeof clusterSchema>;
export type ClusterInput = z.input<typeof clusterSchema>;

/** A Kubernetes cluster with a kubeconfig to manage it. */
export const clusterEntity = defineEntity({
  type: "k8s.cluster.v1",
  schema: clusterSchema,
  meta: { title: "Kubernetes Cluster", color: "#326ce5", icon: "mdi:kubernetes" },
});
