export * from "./component.js";
export * from "./entity.js";
export * from "./errors.js";
export * from "./project.js";
export * from "./registry.js";
export * from "./type-id.js";
export * from "./unit-outputs.js";
export * from "./validation.js";
export { z } from "zod";
