import { defineComponent, z } from "@highstate/contract";
import { clusterEntity, serviceEntity } from "@highstate/k8s";
import { identityEntity, peerEntity, subnetSchema } from "../../entities.js";

/** The interface name rules of Linux and `wg-quick`. */
export const interfaceNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_=+.-]{1,15}$/, "must be 1–15 letters, digits or _=+.- (a Linux interface name)")
  .default("wg0");

/** Runs a WireGuard identity in a Kubernetes cluster, as a gateway between its peers and the cluster. */
export const node = defineComponent({
  type: "wireguard.node.v1",
  args: {
    /** The name of the namespace and the workload; `wg-<instance name>` when left out. */
    appName: z.string().min(1).optional(),
    /** The WireGuard interface name inside the pod. */
    interfaceName: interfaceNameSchema,
    /** The interface MTU; 1420 suits most links, lower it (e.g. 1280) over links with extra encapsulation. */
    mtu: z.number().int().min(576).max(65535).default(1420),
    /** Publish the UDP port in a Service so peers can connect to the node; turn off for nodes that only connect out. */
    expose: z.boolean().default(true),
    /** Publish the Service outside the cluster (NodePort or LoadBalancer, as the cluster's quirks say) instead of ClusterIP. */
    external: z.boolean().default(false),
    /** Allow the node to reach every pod of the cluster, besides its allowed subnets and connected services. */
    allowClusterPods: z.boolean().default(false),
    /** Subnets peers must not reach through the node (dropped by iptables in FORWARD). */
    forwardRestrictedSubnets: z.array(subnetSchema).default([]),
    /** The container image with `wg-quick` (or `awg-quick` for AmneziaWG), pinned by tag or digest; a default is used for plain WireGuard. */
    image: z.string().min(1).optional(),
  },
  inputs: {
    /** The identity the node runs. */
    identity: identityEntity,
    /** The cluster to run in. */
    k8sCluster: clusterEntity,
    /** The peers the node talks to. */
    peers: { entity: peerEntity, required: false, multiple: true },
    /** Services in the cluster peers reach through the node: egress to their pods is allowed by network policy. */
    k8sServices: { entity: serviceEntity, required: false, multiple: true },
  },
  outputs: {
    /** The identity's peer, with the Service's endpoints added, for the node's peers. */
    peer: peerEntity,
  },
  meta: {
    title: "WireGuard Node",
    description: "Runs a WireGuard identity in a Kubernetes cluster with wg-quick: config in a Secret, a UDP Service and network policies.",
    icon: "simple-icons:wireguard",
    category: "Networking",
  },
  source: { package: "@highstate/wireguard", path: "node" },
});
