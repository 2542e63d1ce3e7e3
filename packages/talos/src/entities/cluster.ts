import { hostSchema } from "@highstate/common";
import { defineEntity, z } from "@highstate/contract";

/** A Talos Linux cluster: how to reach its Talos API and the versions it runs. */
export const talosClusterSchema = z
  .object({
    /** The cluster name (also the talosconfig context name). */
    name: z.string().min(1),
    /** The control-plane addresses talosctl connects to (Talos API, port 50000). */
    endpoints: z.array(hostSchema).min(1),
    /** The addresses of every node, control plane first. */
    nodes: z.array(hostSchema).min(1),
    /** The Kubernetes API endpoint, `https://host:port`. */
    kubernetesEndpoint: z.string().regex(/^https:\/\/.+:\d+$/),
    /** The Talos version of every node (installer image, config contract and client). */
    talosVersion: z.string().regex(/^v\d+\.\d+\.\d+$/),
    /** The Kubernetes version. */
    kubernetesVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
    /** A talosconfig (YAML) with an `os:admin` client certificate, for talosctl. Secret: it grants full control of the nodes. */
    talosconfig: z.string().min(1).meta({ secret: true }),
  })
  .strict();
export type TalosCluster = z.output<typeof talosClusterSchema>;

/** A Talos Linux cluster with a talosconfig to manage its nodes. */
export const talosClusterEntity = defineEntity({
  type: "talos.cluster.v1",
  schema: talosClusterSchema,
  meta: { title: "Talos Cluster", color: "#ff7300", icon: "simple-icons:talos" },
});
