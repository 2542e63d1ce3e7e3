export * from "./errors.js";
export * from "./fingerprint.js";
export * from "./graph.js";
export * from "./plan.js";
export * from "./selection.js";
