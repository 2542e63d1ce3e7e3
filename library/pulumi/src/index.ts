export { type DecodedUnitConfig, decodeUnitConfig, readUnitConfig } from "./config.js";
export {
  type DynamicProvider,
  type DynamicResource,
  type DynamicResourceArgs,
  type DynamicResourceClass,
  type DynamicResourceState,
  defineDynamicResource,
} from "./dynamic.js";
export * from "./errors.js";
export { resourceName, secret } from "./helpers.js";
export { runUnit, type UnitStackOutputs } from "./run.js";
export type * from "./types.js";
export { type AnyUnit, defineUnit, isUnit, type Unit, unitBrand } from "./unit.js";
