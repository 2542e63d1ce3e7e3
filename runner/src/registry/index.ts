export * from "./build.js";
export * from "./cache.js";
export * from "./discover.js";
export * from "./errors.js";
export * from "./load-definitions.js";
export * from "./problems.js";
export * from "./runner-version.js";
export * from "./workspace-registry.js";
