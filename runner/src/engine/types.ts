import type { ComponentSource, UnitInputsConfig, UnitInstanceConfig } from "@highstate/contract";
import type { DriftedResource, EngineEvent, EngineReadiness, InstancePreview, OperationInfo, OperationType } from "@highstate/project/api";

// The engine's events, operations, previews and statuses are what the designer sees too, so their types
// live in the API layer both import (`@highstate/project/api`); the engine's modules take them from
// here, and the server from that package, so the engine does not import the server.
export type {
  DriftedResource,
  EngineEvent,
  EngineReadiness,
  InstanceLogEntry,
  InstancePreview,
  InstanceStatus,
  OperationInfo,
  OperationSelection,
  OperationType,
  PreviewChangeKind,
  PreviewResourceChange,
  SelectedInstance,
  ServerEvent,
} from "@highstate/project/api";

/**
 * Encrypts values for a stack's `Pulumi.<stack>.yaml` in Pulumi's passphrase format. The project
 * crypter satisfies it, so every unit stack of a project shares the project's `encryptionsalt` (and the
 * key derived from it once).
 */
export interface StackSecretEncrypter {
  /** The `encryptionsalt` line (`v1:<salt>:v1:<nonce>:<check>`) the stack yaml carries. */
  readonly encryptionSalt: string;
  /** Encrypts one plaintext into a `v1:<nonce>:<ciphertext>` secure value. */
  encrypt(plaintext: string): string | Promise<string>;
}

/** One stack output as read after a run: its value and whether Pulumi marked it secret. */
export interface EngineOutputValue {
  value: unknown;
  secret: boolean;
}

/**
 * Everything an engine needs to run one Pulumi operation for one unit instance. The orchestrator
 * prepares it: args as set, inputs resolved from upstream instances' last outputs (secret upstream
 * outputs go to `secretInputs`), the instance's secrets in plaintext (they only ever leave the process
 * encrypted, in the stack yaml) and the project password (only ever put into the child environment).
 */
export interface UnitRunRequest {
  /** The operation. */
  operation: OperationType;
  /** Absolute path of the workspace root. */
  workspaceRoot: string;
  /** The Highstate project the instance is in (also the Pulumi project name of its stack). */
  project: string;
  /** The instance (`project`, `id`, `type`, `name`, `uid`), as written to `highstate:instance`. */
  instance: UnitInstanceConfig;
  /** The component: its source module (units only) and declared output names. */
  component: { type: string; source?: ComponentSource; outputs: string[] };
  /** The args as the user set them. */
  args: Record<string, unknown>;
  /** Resolved non-secret inputs. */
  inputs: UnitInputsConfig;
  /** Resolved inputs whose upstream output is secret. */
  secretInputs: UnitInputsConfig;
  /** The instance's secrets (plaintext, name → value). */
  secrets: Record<string, unknown>;
  /** Triggers invoked for this run (e.g. a before-destroy trigger before destroying). */
  invokedTriggers: string[];
  /**
   * With `refresh`: only check for drift. The engine previews the refresh (`pulumi refresh
   * --preview-only`), changes no state (no stack lock is taken) and reports the drifted resources in
   * {@link UnitRunResult.drift}.
   */
  detectDrift?: boolean;
  /** The project password, used as `PULUMI_CONFIG_PASSPHRASE` of the child processes only. */
  password: string;
  /** Encrypts the stack's secret config values. */
  encrypter: StackSecretEncrypter;
  /** The Pulumi backend URL, e.g. `file:///ws/.highstate/state`. */
  backendUrl: string;
  /** Receives engine events while the run goes on. */
  onEvent: (event: EngineEvent) => void;
  /** Aborted to ask for a graceful cancel (Pulumi finishes in-flight steps and unlocks the stack). */
  signal: AbortSignal;
  /** Aborted to stop at once (processes are killed; a stale lock is recovered by the next run). */
  forceSignal: AbortSignal;
}

/** What a successful run reports. */
export interface UnitRunResult {
  /** Resource changes by Pulumi op (`create`, `same`, `update`, `delete`, …). */
  changes: Record<string, number>;
  /**
   * Resources in the stack after the run (the root stack resource and default providers not counted).
   * For `preview` it is the count the update would leave.
   */
  resourceCount: number;
  /** Stack outputs after `up` (and after `refresh`); absent for preview, destroy and drift checks. */
  outputs?: Record<string, EngineOutputValue>;
  /** For a drift check ({@link UnitRunRequest.detectDrift}): the resources whose real state differs (empty: no drift). */
  drift?: DriftedResource[];
  /** For `preview`: what `up` would do, per resource (from the engine's events; no property values). */
  preview?: InstancePreview;
}

/**
 * Runs Pulumi operations for single unit instances. Implementations: {@link AutomationEngine} (the
 * Pulumi Automation API with a local `pulumi` CLI) and {@link FakeEngine} (tests, benchmarks, the
 * designer's end-to-end tests).
 */
export interface Engine {
  /** A short name for messages and `highstate doctor` (`pulumi`, `fake`). */
  readonly name: string;
  /**
   * Checks that the engine can run at all (e.g. that the `pulumi` CLI is installed and usable). The
   * orchestrator calls it once per operation; when it throws, every run of the operation fails at once
   * with that error and nothing else is touched.
   */
  preflight(): Promise<void>;
  /**
   * Reports, without throwing, whether {@link Engine.preflight} would pass and what to do if not (the
   * designer shows it up front). Optional: engines without it are taken as ready.
   */
  readiness?(): Promise<EngineReadiness>;
  /**
   * Runs one operation for one instance, streaming events through `request.onEvent`. Rejects with
   * {@link UnitRunError} when the operation fails and {@link UnitRunCancelledError} when it was cancelled.
   */
  runOperation(request: UnitRunRequest): Promise<UnitRunResult>;
}

/** What to run. */
export interface OperationRequest {
  type: OperationType;
  /** The selected instance ids. */
  instanceIds: string[];
  /** For `up`: also run dependencies that are not created or are outdated. */
  includeDependencies?: boolean;
  /** For `destroy`: also destroy created dependents (first) instead of refusing. */
  cascade?: boolean;
  /** Overrides the orchestrator's parallelism for this operation. */
  parallelism?: number;
  /**
   * For `refresh`: only check for drift (see {@link UnitRunRequest.detectDrift}). The result is recorded
   * per instance (`drift` in its state, with the time); nothing else changes.
   */
  detectDrift?: boolean;
}

/** A started operation. */
export interface OperationHandle {
  /** The operation as it is now (a fresh copy on every read). */
  readonly info: OperationInfo;
  /** Resolves with the final operation when it has finished (never rejects). */
  readonly done: Promise<OperationInfo>;
  /** Cancels it: gracefully, or at once with `force`. */
  cancel(options?: { force?: boolean }): OperationInfo;
}
