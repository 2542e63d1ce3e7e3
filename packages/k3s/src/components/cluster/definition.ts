import { hostSchema, serverEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { clusterEntity } from "@highstate/k8s";

/**
 * The k3s release installed when the `version` arg is not set. Bumping it in a new package version
 * upgrades clusters that use the default on their next run.
 */
export const defaultK3sVersion = "v1.34.1+k3s1";

/** The packaged k3s components that can be switched off. */
export const disableableComponents = ["traefik", "servicelb", "local-storage", "metrics-server", "coredns"] as const;

/** The `config.yaml` keys Highstate writes itself from args; extra config may not set them. */
export const managedConfigKeys: Record<string, string> = {
  "tls-san": 'the "tlsSans" arg',
  "cluster-cidr": 'the "clusterCidr" arg',
  "service-cidr": 'the "serviceCidr" arg',
  disable: 'the "disable" arg',
  "write-kubeconfig-mode": "Highstate (the kubeconfig is readable by root only)",
  token: "Highstate (agents join with the server's node token)",
  server: "Highstate (agents join the server input)",
};

/** A value in k3s's `config.yaml`: a flag value, or a list for repeatable flags. */
const configValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

function extraConfigSchema() {
  return z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be a k3s flag name without the leading dashes, such as node-label"),
      configValueSchema,
    )
    .superRefine((record, context) => {
      for (const key of Object.keys(record)) {
        const owner = managedConfigKeys[key];
        if (owner)
          context.addIssue({ code: "custom", path: [key], message: `"${key}" is set by ${owner}; remove it from the extra config` });
      }
    })
    .default({});
}

/** One CIDR (`10.42.0.0/16`) or an IPv4 and an IPv6 CIDR separated by a comma, for dual-stack clusters. */
const cidrListSchema = z
  .string()
  .refine(
    (value) => value.split(",").every((part) => z.union([z.cidrv4(), z.cidrv6()]).safeParse(part.trim()).success),
    "must be a CIDR such as 10.42.0.0/16, or an IPv4 and an IPv6 CIDR separated by a comma",
  );

/** A K3s Kubernetes cluster installed over SSH on a server and, optionally, agent servers. */
export const k3sCluster = defineComponent({
  type: "k3s.cluster.v1",
  args: {
    /**
     * The k3s release to install, as published on github.com/k3s-io/k3s/releases (for example
     * `v1.34.1+k3s1`). The install script of the same release is used. Changing it upgrades every node
     * in place.
     */
    version: z
      .string()
      .regex(/^v\d+\.\d+\.\d+\+k3s\d+$/, "must be a k3s release such as v1.34.1+k3s1")
      .default(defaultK3sVersion),
    /** Packaged components k3s should not deploy, for example `traefik` when another ingress is used. */
    disable: z.array(z.enum(disableableComponents)).default([]),
    /** The pod network (`cluster-cidr`). */
    clusterCidr: cidrListSchema.default("10.42.0.0/16"),
    /** The service network (`service-cidr`). */
    serviceCidr: cidrListSchema.default("10.43.0.0/16"),
    /** Extra host names or IP addresses the API server certificate is valid for; the server's endpoints are always included. */
    tlsSans: z.array(hostSchema).default([]),
    /** Extra `config.yaml` entries for the server, keyed by k3s flag name without dashes (for example `{ "node-label": ["zone=a"] }`). */
    extraServerConfig: extraConfigSchema(),
    /** Extra `config.yaml` entries for the agents, keyed by k3s flag name without dashes. */
    extraAgentConfig: extraConfigSchema(),
    /**
     * Where each node downloads the k3s install script from. Leave it empty for the script of the
     * chosen release on GitHub; set it for a mirror in networks without GitHub access.
     */
    installScriptUrl: z.url().optional(),
    /** How long to wait for every node to become Ready after an install or upgrade, in seconds. */
    readyTimeout: z.number().int().min(30).max(7200).default(600),
  },
  inputs: {
    /** The server that runs the k3s control plane; it must be reachable over SSH as root or a user with passwordless sudo. */
    server: serverEntity,
    /** Servers that join the cluster as agents (worker nodes) with the cluster's node token. */
    agents: { entity: serverEntity, required: false, multiple: true },
  },
  outputs: {
    /** The cluster, with a kubeconfig that points at the server's first endpoint. */
    k8sCluster: clusterEntity,
  },
  meta: {
    title: "K3s Cluster",
    description:
      "Installs a pinned k3s release over SSH on a server and its agents, waits for every node to be Ready and outputs the cluster.",
    icon: "simple-icons:k3s",
    category: "Kubernetes",
  },
  source: { package: "@highstate/k3s", path: "cluster" },
});
