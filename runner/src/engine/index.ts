export { AutomationEngine, type AutomationEngineOptions } from "./automation-engine.js";
export { resolveBackendUrl } from "./backend.js";
export { createEngine, UnknownEngineError } from "./create-engine.js";
export * from "./errors.js";
export type { OrchestratorEvent, OrchestratorListener } from "./event-hub.js";
export { InstanceLogBook } from "./instance-logs.js";
export { type OperationSelectionOptions, operationSelection } from "./operation-selection.js";
export { defaultParallelism, type OperationHandle, type OperationRequest, Orchestrator, type OrchestratorOptions } from "./orchestrator.js";
export type { ProjectContext } from "./project-state.js";
export {
  checkPulumiCli,
  installPulumiCli,
  locatePulumiCli,
  MINIMUM_PULUMI_VERSION,
  PINNED_PULUMI_VERSION,
  type PulumiCli,
  type PulumiCliCheck,
  type PulumiCliLocation,
  pulumiVersionRoot,
} from "./pulumi-cli.js";
export { PreviewCollector, previewChangeKind } from "./pulumi-events.js";
export { recoverStaleLocks } from "./stack-locks.js";
export type {
  Engine,
  EngineEvent,
  EngineOutputValue,
  InstancePreview,
  OperationType,
  PreviewChangeKind,
  PreviewResourceChange,
  StackSecretEncrypter,
  UnitRunRequest,
  UnitRunResult,
} from "./types.js";
export { defaultBackendUrl, unitStackName, unitWorkDir } from "./unit-workdir.js";
