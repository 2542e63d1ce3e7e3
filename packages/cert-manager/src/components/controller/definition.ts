import { defineComponent, z } from "@highstate/contract";
import { clusterEntity } from "@highstate/k8s";

/** cert-manager in a cluster: issues TLS certificates for apps. */
export const controller = defineComponent({
  type: "cert-manager.controller.v1",
  args: {
    /** The number of controller pods; more than one run with leader election. */
    replicas: z.number().int().min(1).max(5).default(1),
  },
  inputs: {
    /** The cluster to install cert-manager into. */
    k8sCluster: clusterEntity,
  },
  outputs: {
    /**
     * The same cluster, passed on once cert-manager is installed: connect issuers to this output (not to
     * the cluster directly) so they wait for cert-manager's CRDs.
     */
    cluster: clusterEntity,
  },
  meta: {
    title: "Cert Manager",
    description: "cert-manager from its pinned Helm chart, CRDs included. Connect DNS01 issuers to its cluster output.",
    icon: "mdi:certificate-outline",
    category: "Kubernetes",
  },
  source: { package: "@highstate/cert-manager", path: "controller" },
});
