/**
 * The definitions of `@highstate/k8s`: the cluster, service, gateway, TLS issuer and access point
 * entities and the Existing Cluster and Access Point components. Importing this module never loads
 * Pulumi; the Pulumi helpers are in the `./helpers` subpath, the publish helper in `./publish`, the
 * capability interfaces in `./capabilities` and the programs in `./existing-cluster` and `./access-point`.
 */
export { accessPoint } from "./components/access-point/definition.js";
export { existingCluster } from "./components/existing-cluster/definition.js";
export * from "./entities/index.js";
