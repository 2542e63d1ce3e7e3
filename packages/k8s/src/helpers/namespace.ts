import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { kubernetesName, managedByLabels } from "./naming.js";

/** Pod Security Standards levels (`pod-security.kubernetes.io/enforce`). */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** Options of {@link createNamespace}. */
export interface NamespaceArgs {
  /** The namespace name; defaults to the resource name made Kubernetes-safe. */
  name?: string;
  /** Extra labels. */
  labels?: Record<string, string>;
  /** The Pod Security Standards level to enforce; `privileged` for workloads such as VPN nodes. */
  podSecurity?: PodSecurityLevel;
}

/**
 * Creates a namespace with an exact name (no random suffix), the managed-by label and, when asked, a
 * Pod Security level. Deleting it deletes everything in it, so units should only create namespaces
 * they own.
 */
export function createNamespace(name: string, args: NamespaceArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
  const podSecurity: Record<string, string> = args.podSecurity
    ? { "pod-security.kubernetes.io/enforce": args.podSecurity, "pod-security.kubernetes.io/warn": args.podSecurity }
    : {};
  return new k8s.core.v1.Namespace(
    name,
    { metadata: { name: args.name ?? kubernetesName(name), labels: { ...args.labels, ...podSecurity, ...managedByLabels } } },
    { deleteBeforeReplace: true, ...opts },
  );
}
