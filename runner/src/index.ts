/**
 * `@highstate/runner` for programs that embed it: what `highstate` itself is built from, and nothing
 * else. Start the designer server, load a workspace's registry and projects, plan them, run operations
 * through the orchestrator (with the Pulumi engine), and recognise errors by their code.
 *
 * The designer's API types are in `@highstate/runner/api`; a fake engine for tests of component
 * packages is in `@highstate/runner/testing`; the CLI is `@highstate/runner/cli`.
 */

// Running operations.
export {
  AutomationEngine,
  type AutomationEngineOptions,
  checkPulumiCli,
  createEngine,
  defaultParallelism,
  type Engine,
  type EngineEvent,
  type EngineOutputValue,
  installPulumiCli,
  MINIMUM_PULUMI_VERSION,
  type OperationHandle,
  type OperationRequest,
  type OperationType,
  Orchestrator,
  type OrchestratorEvent,
  type OrchestratorListener,
  type OrchestratorOptions,
  PINNED_PULUMI_VERSION,
  type ProjectContext,
  type PulumiCliCheck,
  type StackSecretEncrypter,
  type UnitRunRequest,
  type UnitRunResult,
} from "./engine/index.js";
// Errors: one base with a stable `code`, recognised across package copies.
export { type ErrorCode, type ErrorKind, errorCodes, HighstateError, isHighstateError } from "./errors/index.js";
// Planning: what is created, outdated or blocked.
export { type InstancePlan, type PlanOptions, type ProjectPlan, planProject } from "./planner/index.js";

// Component packages: discovery and the registry of their definitions.
export { type LoadRegistryOptions, loadWorkspaceRegistry, type WorkspaceRegistry } from "./registry/index.js";

// Project secrets (the project password, Pulumi's passphrase format).
export { createPassphraseCrypter, type PassphraseCrypter, type PasswordChange, ProjectSecrets } from "./secrets/index.js";
// The designer server (what `highstate designer` starts).
export { type DesignerCloseOptions, type DesignerServer, type DesignerServerOptions, startDesignerServer } from "./server/index.js";
// Workspaces and projects.
export {
  acquireWorkspaceLock,
  findWorkspaceRoot,
  type InitWorkspaceOptions,
  type InitWorkspaceResult,
  InstanceStateStore,
  initWorkspace,
  ProjectStore,
  type WorkspaceLock,
  type WorkspaceLockHolder,
  type WorkspacePaths,
} from "./workspace/index.js";
