import { z } from "@highstate/contract";

/** The Cilium Helm chart this package installs, pinned. */
export const ciliumChart = { chart: "cilium", repository: "https://helm.cilium.io", version: "1.17.4" } as const;

/** Cilium's default agent capabilities without `SYS_MODULE`, which Talos does not allow (Talos's Cilium guide). */
export const ciliumAgentCapabilities = [
  "CHOWN",
  "KILL",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "SYS_ADMIN",
  "SYS_RESOURCE",
  "DAC_OVERRIDE",
  "FOWNER",
  "SETGID",
  "SETUID",
];

/**
 * The Helm values this package sets, as a schema: what Talos's Cilium guide requires (Kubernetes IPAM,
 * kube-proxy replacement through KubePrism on localhost:7445, no cgroup auto-mount, capabilities
 * without SYS_MODULE) and the operator replica count.
 */
export const ciliumValuesSchema = z
  .object({
    ipam: z.object({ mode: z.literal("kubernetes") }).strict(),
    kubeProxyReplacement: z.literal(true),
    k8sServiceHost: z.literal("localhost"),
    k8sServicePort: z.literal(7445),
    securityContext: z
      .object({
        capabilities: z
          .object({
            ciliumAgent: z.array(z.string()).refine((list) => !list.includes("SYS_MODULE"), "Talos does not allow SYS_MODULE"),
            cleanCiliumState: z.array(z.string()).refine((list) => !list.includes("SYS_MODULE"), "Talos does not allow SYS_MODULE"),
          })
          .strict(),
      })
      .strict(),
    cgroup: z.object({ autoMount: z.object({ enabled: z.literal(false) }).strict(), hostRoot: z.literal("/sys/fs/cgroup") }).strict(),
    operator: z.object({ replicas: z.number().int().min(1).max(2) }).strict(),
  })
  .strict();
export type CiliumValues = z.output<typeof ciliumValuesSchema>;

/** The Cilium values for a Talos cluster with kube-proxy disabled; one operator replica on a one-node cluster, two otherwise. */
export function ciliumValues(nodeCount: number): CiliumValues {
  return ciliumValuesSchema.parse({
    ipam: { mode: "kubernetes" },
    kubeProxyReplacement: true,
    k8sServiceHost: "localhost",
    k8sServicePort: 7445,
    securityContext: {
      capabilities: { ciliumAgent: ciliumAgentCapabilities, cleanCiliumState: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"] },
    },
    cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    operator: { replicas: nodeCount > 1 ? 2 : 1 },
  });
}
