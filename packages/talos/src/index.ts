/**
 * The definitions of `@highstate/talos`: the `talos.cluster.v1` entity and the Talos Cluster
 * component. Importing this module never loads Pulumi; the program is in `./cluster`, the PKI in
 * `./pki`, machine configs in `./config` and the Talos API client in `./client`.
 */
export { talosCluster } from "./components/cluster/definition.js";
export * from "./entities/cluster.js";
