/**
 * The definitions of `@highstate/wireguard`: the WireGuard network, peer and identity entities and
 * the WireGuard components. Importing this module never loads Pulumi; the programs live in the
 * subpaths named after each component, config generation in `./shared`.
 */
export { config } from "./components/config/definition.js";
export { identity } from "./components/identity/definition.js";
export { network } from "./components/network/definition.js";
export { node } from "./components/node/definition.js";
export { serverNode } from "./components/server-node/definition.js";
export * from "./entities.js";
