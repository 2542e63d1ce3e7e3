import { serverEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { clusterEntity } from "@highstate/k8s";
import { talosClusterEntity } from "../../entities/cluster.js";

/** The Talos versions this package generates configs for: the 1.11 line, whose config contract and schema it implements. */
export const talosVersionSchema = z
  .string()
  .regex(
    /^v1\.11\.\d+$/,
    "must be a Talos 1.11 release such as v1.11.5: machine configs follow the Talos 1.11 contract, and the same version is used everywhere",
  );

/** A Talos Linux Kubernetes cluster on servers booted into Talos maintenance mode. */
export const talosCluster = defineComponent({
  type: "talos.cluster.v1",
  args: {
    /** The cluster name; the instance name when left empty. */
    clusterName: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/)
      .max(63)
      .optional(),
    /**
     * The Kubernetes API endpoint: a host (`10.0.0.10`, `k8s.example.com`; port 6443 is added) or
     * `https://host:port`. Give a VIP or load balancer for a highly available control plane; the first
     * master's first address when left empty.
     */
    endpoint: z.string().min(1).optional(),
    /** The Talos version used everywhere: the installer image, the config contract and the client. */
    talosVersion: talosVersionSchema.default("v1.11.5"),
    /** The Kubernetes version. */
    kubernetesVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must look like 1.34.1")
      .default("1.34.1"),
    /** The disk Talos is installed on. */
    installDisk: z.string().startsWith("/dev/").default("/dev/sda"),
    /**
     * The installer image, e.g. an Image Factory image with extensions
     * (`factory.talos.dev/installer/<schematic>:v1.11.5`); its tag must be the Talos version.
     * `ghcr.io/siderolabs/installer:<talosVersion>` when left empty.
     */
    installerImage: z.string().min(1).optional(),
    /** The CNI: `cilium` (from its Helm chart, replacing kube-proxy), `flannel` (deployed by Talos) or `none`. */
    cni: z.enum(["cilium", "flannel", "none"]).default("cilium"),
    /** The storage provisioner: `local-path-provisioner` (node-local volumes under /var/local-path-provisioner) or `none`. */
    csi: z.enum(["local-path-provisioner", "none"]).default("local-path-provisioner"),
    /** When workloads may run on masters: `always`, `when-no-workers` (the default) or `never`. */
    scheduleOnMastersPolicy: z.enum(["always", "when-no-workers", "never"]).default("when-no-workers"),
    /** A machine config patch for every node: partial YAML (strategic merge, `---` between documents) or a JSON 6902 list. */
    sharedConfigPatch: z.string().optional().meta({ multiline: true, language: "yaml" }),
    /** A machine config patch for masters only. */
    masterConfigPatch: z.string().optional().meta({ multiline: true, language: "yaml" }),
    /** A machine config patch for workers only. */
    workerConfigPatch: z.string().optional().meta({ multiline: true, language: "yaml" }),
    /** How long to wait for each node (install, reboot, bootstrap), in seconds. */
    waitTimeoutSeconds: z.number().int().min(10).default(900),
  },
  secrets: {
    /**
     * The cluster secrets (CAs, keys and tokens) as JSON in the `talos_machine_secrets` shape, or a
     * `secrets.yaml` from `talosctl gen secrets`; generated on the first run and kept. Replacing them
     * makes the nodes a different cluster.
     */
    secretsBundle: z.string().min(1).optional(),
  },
  inputs: {
    /** The control-plane nodes, booted into Talos maintenance mode; the first one bootstraps etcd. */
    masters: { entity: serverEntity, required: true, multiple: true },
    /** The worker nodes, booted into Talos maintenance mode. */
    workers: { entity: serverEntity, required: false, multiple: true },
  },
  outputs: {
    /** The Kubernetes cluster with an admin kubeconfig. */
    k8sCluster: clusterEntity,
    /** The Talos cluster with its talosconfig. */
    talosCluster: talosClusterEntity,
  },
  meta: {
    title: "Talos Cluster",
    description:
      "A Kubernetes cluster on Talos Linux: cluster secrets, machine configs applied over the Talos API, etcd bootstrap, CNI and storage.",
    icon: "simple-icons:talos",
    category: "Kubernetes",
  },
  source: { package: "@highstate/talos", path: "cluster" },
});
