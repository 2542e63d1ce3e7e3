// The project operations live in @highstate/project (shared with the designer); re-exported as before.
export {
  type AddHubOptions,
  type AddInstanceOptions,
  addHub,
  addInstance,
  connectHubInput,
  connectInput,
  DuplicateInstanceError,
  disconnectHubInput,
  disconnectInput,
  generateInstanceUid,
  HubNotFoundError,
  IncompatibleInputError,
  type InputConnection,
  InputNotFoundError,
  InstanceNotFoundError,
  InvalidArgsError,
  InvalidHubError,
  InvalidInstanceNameError,
  InvalidPositionError,
  injectHub,
  moveHub,
  moveInstance,
  OutputNotFoundError,
  ProjectOperationError,
  removeHub,
  removeInstance,
  renameInstance,
  setHubTitle,
  setInstanceArgs,
  UnknownComponentTypeError,
  uninjectHub,
  unknownComponentInstances,
} from "@highstate/project";
export * from "./errors.js";
export * from "./init.js";
export * from "./instance-state.js";
export * from "./instance-state-schema.js";
export * from "./lock.js";
export * from "./paths.js";
export { InvalidProjectError, parseProjectFile, serializeProject } from "./project-file.js";
export * from "./project-store.js";
