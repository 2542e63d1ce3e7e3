import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../entities/cluster.js";

/**
 * A Kubernetes provider for a `k8s.cluster.v1` entity. The kubeconfig stays a secret. Pass the
 * provider to every Kubernetes resource of the unit (or to a component resource, whose children
 * inherit it).
 *
 * ```ts
 * const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
 * new k8s.core.v1.Namespace(resourceName(unit), { metadata: { name: "apps" } }, { provider });
 * ```
 */
export function createClusterProvider(name: string, cluster: pulumi.Input<Cluster>, opts?: pulumi.CustomResourceOptions): k8s.Provider {
  return new k8s.Provider(
    name,
    {
      kubeconfig: pulumi.secret(pulumi.output(cluster).apply((value) => value.kubeconfig)),
    },
    opts,
  );
}
