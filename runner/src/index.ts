export * from "./engine/index.js";
export * from "./fs/index.js";
export * from "./planner/index.js";
export * from "./registry/index.js";
export * from "./secrets/index.js";
export * from "./server/index.js";
export * from "./workspace/index.js";
