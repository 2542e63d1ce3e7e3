/**
 * The definitions of `@highstate/k8s`: the cluster, service, gateway, TLS issuer and access point
 * entities and the Existing Cluster component. Importing this module never loads Pulumi; the Pulumi
 * helpers are in the `./helpers` subpath and the program in `./existing-cluster`.
 */
export { existingCluster } from "./components/existing-cluster/definition.js";
export * from "./entities/index.js";
