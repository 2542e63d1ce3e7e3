/**
 * The definitions of `@highstate/cert-manager`: the Cert Manager and DNS01 Issuer components.
 * Importing this module never loads Pulumi; the programs are in `./controller` and `./dns01-issuer`.
 */
export { controller } from "./components/controller/definition.js";
export { type AcmeServer, acmeServerSchema, acmeServerUrl, dns01Issuer } from "./components/dns01-issuer/definition.js";
export { certManagerChart, certManagerNamespace } from "./shared/chart.js";
