/**
 * The definitions of `@highstate/proxmox`: the connection and image entities and the Proxmox
 * Connection, Existing Image, Image and Virtual Machine components. Importing this module never loads
 * Pulumi; the programs live in the component subpaths and the API client in `./api`.
 */
export { proxmoxConnection } from "./components/connection/definition.js";
export { proxmoxExistingImage } from "./components/existing-image/definition.js";
export { proxmoxImage } from "./components/image/definition.js";
export { proxmoxVirtualMachine, vmNetworkSchema } from "./components/virtual-machine/definition.js";
export * from "./entities/index.js";
