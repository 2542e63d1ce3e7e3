/**
 * Pulumi helpers shared by every Kubernetes unit: a provider for a cluster entity, naming and labels,
 * namespaces, secrets, volume claims, workloads (Deployment/StatefulSet with volume and Service), version-pinned Helm
 * charts, readiness annotations and the `k8s.service.v1` value of a Service.
 */
export * from "./helm.js";
export * from "./namespace.js";
export * from "./naming.js";
export * from "./provider.js";
export * from "./secret.js";
export * from "./service.js";
export * from "./volume-claim.js";
export * from "./wait.js";
export * from "./workload.js";
