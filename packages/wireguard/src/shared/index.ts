/**
 * WireGuard config generation without Pulumi: x25519 keys, preshared keys (including the stable
 * per-pair derivation of the `secure` mode), Allowed IPs with subnet exclusion, endpoint choice and
 * the `wg-quick` text format.
 */
export * from "./allowed-ips.js";
export * from "./config.js";
export * from "./endpoints.js";
export * from "./errors.js";
export * from "./hooks.js";
export * from "./keys.js";
export * from "./subnets.js";
