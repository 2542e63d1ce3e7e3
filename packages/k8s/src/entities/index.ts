export * from "./cluster.js";
export * from "./resources.js";
