/**
 * SSH helpers shared by Highstate units: key generation and parsing, fingerprints, sessions with a
 * pinned host key, waiting for a server to answer and reading its facts. No Pulumi import.
 */
export * from "./connect.js";
export * from "./errors.js";
export * from "./keys.js";
export * from "./probe.js";
