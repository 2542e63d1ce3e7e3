/**
 * A gRPC client for the Talos API methods a cluster needs (ApplyConfiguration, Bootstrap, Kubeconfig,
 * Version, Disks), with hand-written message definitions, mutual TLS, maintenance-mode detection,
 * clear errors and retries.
 */
export * from "./client.js";
export * from "./errors.js";
export * from "./kubernetes-api.js";
export * from "./operations.js";
export { type ApplyMode, applyModes, decodeMessage, encodeMessage, type TalosMethod, talosMethods } from "./proto.js";
export * from "./retry.js";
