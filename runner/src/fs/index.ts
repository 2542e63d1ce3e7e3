export * from "./atomic-write.js";
export * from "./errors.js";
