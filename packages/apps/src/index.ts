/**
 * The definitions of `@highstate/apps`: the Kubernetes Dashboard and Vaultwarden components. Importing
 * this module never loads Pulumi; the programs are in the `./kubernetes-dashboard` and `./vaultwarden`
 * subpaths.
 */
export { kubernetesDashboard } from "./components/kubernetes-dashboard/definition.js";
export { vaultwarden } from "./components/vaultwarden/definition.js";
export { dashboardChart, vaultwardenImage } from "./shared/images.js";
