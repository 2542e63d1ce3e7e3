/**
 * The definitions of `@highstate/k3s`: the K3s Cluster component. Importing this module never loads
 * Pulumi; the program lives in the `./cluster` subpath.
 */
export { defaultK3sVersion, disableableComponents, k3sCluster } from "./components/cluster/definition.js";
