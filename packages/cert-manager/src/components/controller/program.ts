import { createClusterProvider, createHelmChart, createNamespace } from "@highstate/k8s/helpers";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { certManagerChart, certManagerNamespace } from "../../shared/chart.js";
import { controller } from "./definition.js";

/**
 * Installs cert-manager from its pinned chart with its CRDs (kept when the release is removed, so
 * certificates survive a reinstall) and passes the cluster on after the chart is ready.
 */
export default defineUnit(controller, (unit) => {
  const { args, inputs } = unit;
  const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
  const namespace = createNamespace(resourceName(unit), { name: certManagerNamespace }, { provider });
  const chart = createHelmChart(
    resourceName(unit),
    {
      ...certManagerChart,
      namespace: namespace.metadata.name,
      releaseName: "cert-manager",
      values: {
        crds: { enabled: true, keep: true },
        replicaCount: args.replicas,
        global: { leaderElection: { namespace: certManagerNamespace } },
      },
    },
    { provider, dependsOn: [namespace] },
  );
  // Waiting on the chart's resources makes the pass-through an ordering edge for dependents.
  const cluster = pulumi.all([inputs.k8sCluster, chart.resources]).apply(([cluster]) => cluster);
  return {
    cluster,
    $statusFields: { version: { value: certManagerChart.version, title: "Version" } },
  };
});
