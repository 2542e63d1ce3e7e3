import { defineComponent, z } from "@highstate/contract";
import { clusterEntity, clusterQuirksSchema } from "../../entities/cluster.js";

/** A Kubernetes cluster that already exists, managed through a kubeconfig. */
export const existingCluster = defineComponent({
  type: "k8s.existing-cluster.v1",
  args: {
    /** The kubeconfig context to use. Leave it empty to use the kubeconfig's current context. */
    context: z.string().min(1).optional(),
    /** Public IP addresses of the cluster's nodes or load balancers, where services exposed outside the cluster are reachable. */
    externalIps: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
    /** Differences of this cluster that workloads must adapt to, such as how services are exposed outside. */
    quirks: clusterQuirksSchema.optional(),
  },
  secrets: {
    /** The kubeconfig, as YAML or JSON (`kubectl config view --raw --flatten`). Only the selected context is passed on. */
    kubeconfig: z.string().min(1),
  },
  outputs: {
    /** The cluster: its id, API endpoint and a kubeconfig holding only the selected context. */
    k8sCluster: clusterEntity,
  },
  meta: {
    title: "Existing Cluster",
    description: "A Kubernetes cluster you already run: Highstate checks that its API answers and reads its id.",
    icon: "mdi:kubernetes",
    category: "Kubernetes",
  },
  source: { package: "@highstate/k8s", path: "existing-cluster" },
});
