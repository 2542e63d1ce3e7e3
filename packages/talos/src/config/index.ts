/**
 * Talos v1alpha1 machine configs: generation for control-plane and worker nodes (Talos 1.11 contract),
 * talosctl-compatible patches (strategic merge and JSON 6902), a zod schema of the documents and YAML
 * rendering.
 */
export * from "./generate.js";
export * from "./patch.js";
export * from "./render.js";
export * from "./schema.js";
