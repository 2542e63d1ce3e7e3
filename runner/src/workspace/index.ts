export * from "./errors.js";
export * from "./hub-ops.js";
export * from "./init.js";
export * from "./instance-state.js";
export * from "./instance-state-schema.js";
export * from "./lock.js";
export * from "./paths.js";
export { InvalidProjectError, parseProjectFile, serializeProject } from "./project-file.js";
export {
  type AddInstanceOptions,
  addInstance,
  connectInput,
  disconnectInput,
  generateInstanceUid,
  type InputConnection,
  moveInstance,
  removeInstance,
  renameInstance,
  setInstanceArgs,
  unknownComponentInstances,
} from "./project-ops.js";
export * from "./project-ops-errors.js";
export * from "./project-store.js";
