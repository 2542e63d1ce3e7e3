/**
 * Pulumi helpers for units that reach servers over SSH: the `ServerProbe` dynamic resource and
 * `connectServer`, which builds a `common.server.v1` value and a shell terminal.
 */
export * from "./connection.js";
export * from "./probe-resource.js";
