import { defineComponent, z } from "@highstate/contract";
import { accessPointEntity, clusterEntity, kubernetesNameSchema } from "@highstate/k8s";

/** The Kubernetes Dashboard web UI, published through an access point, with an admin login token. */
export const kubernetesDashboard = defineComponent({
  type: "apps.kubernetes-dashboard.v1",
  args: {
    /** The host name the dashboard is published at, for example `dashboard.example.com`. */
    fqdn: z.hostname(),
    /** The namespace (and Helm release name); `kubernetes-dashboard` by default. */
    namespace: kubernetesNameSchema.default("kubernetes-dashboard"),
  },
  inputs: {
    /** The cluster the dashboard shows and runs in. */
    k8sCluster: clusterEntity,
    /** Where the dashboard is published: the gateway, the TLS issuer and the DNS provider for `fqdn`. */
    accessPoint: accessPointEntity,
  },
  outputs: {},
  meta: {
    title: "Kubernetes Dashboard",
    description:
      "The pinned Kubernetes Dashboard chart, published through an access point; its page gives the URL and a cluster-admin login token (secret).",
    icon: "mdi:view-dashboard",
    category: "Apps",
  },
  source: { package: "@highstate/apps", path: "kubernetes-dashboard" },
});
