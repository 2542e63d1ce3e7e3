export * from "./atomic-write.js";
export * from "./canonical.js";
export * from "./errors.js";
export * from "./json-syntax.js";
export * from "./strict-text.js";
