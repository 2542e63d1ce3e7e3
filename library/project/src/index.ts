export * from "./errors.js";
export * from "./hubs.js";
export * from "./instances.js";
export * from "./mutations.js";
