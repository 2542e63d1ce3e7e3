import { defineUnit, resourceName } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterQuirksSchema } from "../../entities/cluster.js";
import { selectKubeconfigContext } from "../../kubeconfig/parse.js";
import { existingCluster } from "./definition.js";

/**
 * Reads the selected context of the kubeconfig secret, checks that the cluster's API answers by
 * reading the `kube-system` namespace (whose uid becomes the cluster id), and outputs the cluster
 * with a kubeconfig holding only that context, plus a local terminal with `KUBECONFIG` set.
 */
export default defineUnit(existingCluster, (unit) => {
  const { args, secrets } = unit;
  const selected = secrets.kubeconfig.apply((text) => selectKubeconfigContext(text, args.context, `secret "kubeconfig" of "${unit.name}"`));
  const kubeconfig = pulumi.secret(selected.apply((context) => context.kubeconfig));
  const provider = new k8s.Provider(resourceName(unit), { kubeconfig });
  // A read, not a create: it fails the run when the API does not answer or the credentials are refused.
  const kubeSystem = k8s.core.v1.Namespace.get(resourceName(unit, "kube-system"), "kube-system", { provider });
  const id = kubeSystem.metadata.uid;
  // The API server's address is not secret, even though it is read from the secret kubeconfig.
  const apiEndpoint = pulumi.unsecret(selected.apply((context) => ({ host: context.host, port: context.port, protocol: "tcp" as const })));
  return {
    k8sCluster: {
      id,
      name: unit.name,
      apiEndpoint,
      kubeconfig,
      externalIps: args.externalIps,
      quirks: args.quirks ?? clusterQuirksSchema.parse({}),
    },
    $statusFields: {
      clusterId: { value: id, title: "Cluster ID" },
      apiEndpoint: { value: pulumi.unsecret(selected.apply((context) => context.server)), title: "API Server" },
    },
    $terminals: [
      {
        type: "local",
        name: "management",
        title: "Cluster Management",
        // The runner replaces this placeholder with the path of the file below.
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: kubeconfig, mode: 0o600 }],
      },
    ],
  };
});
