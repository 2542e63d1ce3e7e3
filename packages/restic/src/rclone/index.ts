/**
 * Reading `rclone.conf` files and repository path patterns, without Pulumi: `parseRcloneConfig`,
 * `selectRcloneRemote`, `renderRcloneConfig`, `remoteHosts`, `validatePathPattern`,
 * `resolvePathPattern` and their error classes.
 */
export * from "./errors.js";
export * from "./parse.js";
export * from "./path-pattern.js";
