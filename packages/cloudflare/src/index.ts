/**
 * The definitions of `@highstate/cloudflare`: the Cloudflare Connection component. Importing this
 * module never loads Pulumi; the program is in `./connection` and the capability implementations in
 * `./impl/dns-record` and `./impl/dns01-solver`.
 */
export { connection } from "./components/connection/definition.js";
export { type CloudflareImplementationData, cloudflareImplementationDataSchema } from "./shared/data.js";
