/** Kubeconfig parsing and context selection. No Pulumi import. */
export * from "./errors.js";
export * from "./parse.js";
