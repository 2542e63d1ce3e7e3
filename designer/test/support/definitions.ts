/** The component packages the designer's UI tests and benchmark load into the fake server. */
import * as common from "@highstate/common";
import { type AnyComponent, defineComponent, defineEntity, type Entity, isComponent, isEntity, z } from "@highstate/contract";

function collect(module: Record<string, unknown>): { entities: Entity[]; components: AnyComponent[] } {
  const values = Object.values(module);
  return { entities: values.filter(isEntity), components: values.filter(isComponent) };
}

/** A cluster entity and an existing-cluster component with a YAML kubeconfig (code-highlighted) and assorted arg kinds. */
export const clusterEntity = defineEntity({
  type: "test.cluster.v1",
  schema: z.object({ name: z.string() }),
  meta: { title: "Cluster", color: "#2196f3", icon: "mdi:kubernetes" },
});

export const testCluster = defineComponent({
  type: "test.existing-cluster.v1",
  args: {
    apiServer: z.string().url().describe("The address of the Kubernetes API server."),
    channel: z.enum(["stable", "latest", "testing"]).default("stable").describe("The release channel."),
    replicas: z.number().int().min(1).max(9).default(3).describe("How many replicas to run."),
    monitoring: z.boolean().default(false).describe("Whether to install monitoring."),
    nodeLabels: z.array(z.string()).default([]).describe("Labels for every node."),
    patch: z.string().optional().meta({ language: "yaml", description: "A YAML patch applied to every node's config." }),
  },
  secrets: { kubeconfig: z.string().meta({ language: "yaml", description: "The kubeconfig with one cluster." }) },
  inputs: { servers: { entity: common.serverEntity, required: false, multiple: true } },
  outputs: { cluster: clusterEntity },
  meta: { title: "Existing Cluster", description: "A Kubernetes cluster you already run.", icon: "mdi:kubernetes", category: "Kubernetes" },
  source: { package: "@highstate/test", path: "cluster" },
});

export const testPackages = [
  { name: "@highstate/common", ...collect(common as unknown as Record<string, unknown>) },
  { name: "@highstate/test", entities: [clusterEntity], components: [testCluster as AnyComponent] },
];
