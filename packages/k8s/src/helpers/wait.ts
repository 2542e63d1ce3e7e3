/**
 * Annotations that make the Kubernetes provider wait for a condition before it counts a resource as
 * created, for objects it has no built-in readiness check for (custom resources such as cert-manager
 * Certificates). Deployments, StatefulSets, Services, Pods, Jobs and PVCs are awaited without them.
 *
 * ```ts
 * new k8s.apiextensions.CustomResource(name, { …, metadata: { annotations: waitForCondition("Ready") } }, { provider });
 * ```
 */
export function waitForCondition(condition: string, status: "True" | "False" = "True"): Record<string, string> {
  return { "pulumi.com/waitFor": status === "True" ? `condition=${condition}` : `condition=${condition}=${status}` };
}

/** Annotations that make the provider wait until a JSONPath expression of the live object has a value, e.g. `{.status.phase}=Running`. */
export function waitForJsonPath(expression: string): Record<string, string> {
  return { "pulumi.com/waitFor": `jsonpath=${expression}` };
}

/** Annotations that tell the provider not to wait for readiness at all (for objects that become ready only later). */
export const skipAwaitAnnotations: Record<string, string> = { "pulumi.com/skipAwait": "true" };
