/**
 * Pulumi helpers for units that reach servers over SSH: `connectServer` (probe a server and build its
 * `common.server.v1` value and shell terminal), the `ServerProbe` dynamic resource behind it, and
 * `runOnServer` / `ServerCommand` / `SecretServerCommand` to run commands on a server at deploy time.
 */
export * from "./command.js";
export * from "./command-resource.js";
export * from "./connection.js";
export * from "./probe-resource.js";
