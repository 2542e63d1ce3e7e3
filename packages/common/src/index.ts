/**
 * The definitions of `@highstate/common`: shared entities (server, SSH key pair, endpoint, DNS
 * provider) and the SSH Key Pair and Existing Server components. Importing this module never loads
 * Pulumi; the programs live in the `./ssh-key-pair` and `./existing-server` subpaths.
 */
export { existingServer } from "./components/existing-server/definition.js";
export { sshKeyPair } from "./components/ssh-key-pair/definition.js";
export * from "./entities/index.js";
