/**
 * The designer API: the HTTP + WebSocket contract between `highstate designer` (the runner's server,
 * `runner/src/server`) and the designer web app, and the types of the runner's engine events both sides
 * see. Request bodies are zod schemas (validated by the server, reused by the app for typing); responses
 * and events are plain types. This module imports only the contract and zod, so the browser bundle can
 * import it; the runner re-exports it as `@highstate/runner/api` for embedders that used that path.
 *
 * Authentication: the URL `highstate designer` prints carries the access token in its fragment
 * (`#token=…`, never sent over the network); the app moves it to session storage and sends it as
 * `Authorization: Bearer <token>` on every API request, and on every WebSocket as the subprotocol entry
 * `highstate.token.<token>` next to `highstate.v1` (the one the server selects). No cookie is used.
 *
 * HTTP routes (JSON; errors are `ApiError` bodies):
 *   GET    /api/session                                         → SessionInfo
 *   GET    /api/registry                                        → Registry
 *   GET    /api/projects                                        → ProjectList
 *   POST   /api/projects                      CreateProjectRequest → ProjectSnapshot (201)
 *   GET    /api/projects/:project                               → ProjectSnapshot
 *   POST   /api/projects/:project/unlock      UnlockProjectRequest → ProjectSnapshot (401 wrong password)
 *   POST   /api/projects/:project/rename      RenameProjectRequest → ProjectSnapshot
 *   POST   /api/projects/:project/mutations   MutateProjectRequest → ProjectSnapshot (409 stale revision)
 *   PUT    /api/projects/:project/instances/:instanceId/secrets   SetSecretsRequest → InstanceSecretsInfo (423 locked project)
 *   POST   /api/projects/:project/instances/:instanceId/secrets/:secret/reveal RevealSecretRequest → RevealSecretResponse (401 password-required)
 *   POST   /api/projects/:project/secrets/accept AcceptSecretsRequest → AcceptSecretsResponse (401 wrong password)
 *   GET    /api/projects/:project/plan                          → PlanResponse
 *   POST   /api/projects/:project/operations  StartOperationRequest → OperationInfo (202)
 *   POST   /api/projects/:project/operations/selection OperationSelectionRequest → OperationSelection (what would run, in order)
 *   GET    /api/projects/:project/operations                    → OperationInfo[] (recent first)
 *   POST   /api/operations/:operationId/cancel CancelOperationRequest → OperationInfo
 *   GET    /api/projects/:project/instances/:instanceId/details → InstanceDetails
 *   GET    /api/projects/:project/instances/:instanceId/logs    → InstanceLogs
 *   GET    /api/projects/:project/instances/:instanceId/pages/:page → Page (contract pageSchema)
 *   POST   /api/projects/:project/instances/:instanceId/terminals/:terminal OpenTerminalRequest → TerminalSession (201)
 * WebSockets:
 *   /api/events                     server → client `ServerEvent` JSON messages; client may send `ClientEventMessage`
 *   /api/terminals/:sessionId       terminal bridge: binary frames are terminal bytes both ways; text frames
 *                                   are `TerminalControlMessage` JSON (resize, pause, resume from the client; exit/error from the server)
 * `:instanceId` and other path parameters are URL-encoded (`encodeURIComponent`).
 *
 * Access (every route and socket): the token from the printed URL (`/?token=…` sets an HttpOnly
 * SameSite=Strict cookie and redirects to the clean URL), or `Authorization: Bearer <token>`; a `Host`
 * that is not the server's own gets 421, a foreign `Origin` 403, no valid token 401.
 */
import {
  hubRefSchema,
  type InstanceOutputRef,
  inputRefSchema,
  instanceOutputRefSchema,
  instanceUidPattern,
  type Page,
  type Project,
  type ProjectProblem,
  positionSchema,
  type Registry,
  type StatusField,
  type TerminalSpec,
  z,
} from "@highstate/contract";

/** The body of `GET /api/registry` (re-exported so clients need only this module). */
export type { Registry };

/** Every error response body. `code` is stable for programs, `message` is for people. */
export interface ApiError {
  error: {
    /**
     * E.g. `not-found`, `bad-request`, `conflict`, `incorrect-password`, `locked` (423: unlock the
     * project first), `unauthorized`, `forbidden`, `misdirected`, `already-exists`, `busy`/`refused`
     * (409: an operation is running or cannot start), `needs-dependencies` (409: an instance to run takes
     * inputs from one that is not created; run it with its dependencies), `unknown-component`, `unreadable` (a workspace
     * file this version cannot read), `internal`.
     */
    code: string;
    /** What happened and what to do. */
    message: string;
    /** The request field the error is about (dotted path), when there is one. */
    field?: string;
    /** For `conflict`: the current revision, so the client can reload and retry. */
    revision?: number;
    /**
     * For `secrets-not-bound` (409: a value in `Pulumi.<project>.yaml` is not where it was written): the
     * file and every place whose binding does not hold, so the designer can list them and offer to
     * accept them (`POST …/secrets/accept`).
     */
    bindings?: SecretBindingProblems;
  };
}

/** A secret of a project's secrets file: the instance id it is stored under and its name. */
export interface SecretPlace {
  instanceId: string;
  name: string;
}

/** A secret whose binding to its place does not hold (or that has none). */
export interface SecretBindingPlace extends SecretPlace {
  /**
   * `mismatch`: the value is not the one bound here (moved or copied here from another place, or edited
   * by hand); `unbound`: the value has no binding (added by hand, by a merge, by an older Highstate, or
   * written before bindings existed).
   */
  kind: "mismatch" | "unbound";
  /** The place whose binding covers the value stored here: it was moved or copied from there. */
  movedFrom?: SecretPlace;
}

/** The body of a `secrets-not-bound` error: why unlocking was refused. */
export interface SecretBindingProblems {
  /** The secrets file (absolute path). */
  file: string;
  /** Every secret whose binding does not hold, sorted by instance and name. */
  places: SecretBindingPlace[];
  /** Whether the whole bindings section was removed from a file this workspace has seen with bindings. */
  bindingsRemoved: boolean;
}

/**
 * Secrets of a file written before bindings existed (it has no `highstate:secretBindings` at all): they
 * are read as they are, and a value moved between places would not be noticed until they are bound.
 */
export interface UnboundSecrets {
  /** Every secret of the file, none of them bound yet. */
  places: SecretPlace[];
  /** The runner's warning (names the file and how to bind them). */
  warning: string;
}

export interface SessionInfo {
  /** Absolute path of the workspace. */
  workspace: string;
  /** Version of @highstate/runner. */
  runnerVersion: string;
  /** Problems found while building the registry (broken packages, duplicate ids). */
  registryProblems: Array<{ package?: string; message: string }>;
  /** Whether the engine can run operations (e.g. the `pulumi` CLI is installed); absent when the engine cannot tell. */
  engine?: EngineReadiness;
}

/**
 * Whether the engine that runs units can run at all, checked when asked (so installing the CLI while
 * the designer is open is noticed on the next check).
 */
export interface EngineReadiness {
  /** The engine's short name (`pulumi`, `fake`). */
  name: string;
  /** Whether runs can start. When `false`, every operation fails at once with `problem`. */
  ready: boolean;
  /** What is wrong (when not ready) or worth knowing (e.g. a CLI version other than the pinned one). */
  problem?: string;
  /** How to fix it, e.g. the `highstate install-pulumi` command. */
  installHint?: string;
  /** The version of the tool found (e.g. the `pulumi` CLI). */
  version?: string;
  /** The version Highstate is tested with. */
  pinnedVersion?: string;
  /** The executable found. */
  command?: string;
}

export interface ProjectSummary {
  name: string;
  instanceCount: number;
  /** Whether this server holds the project's password (secrets can be set and units run). */
  unlocked: boolean;
  /** Set when `projects/<name>.json` cannot be read; the file is left untouched. */
  unreadable?: string;
}

export interface ProjectList {
  projects: ProjectSummary[];
}

/** The subprotocol every designer WebSocket speaks; the server selects it in the handshake. */
export const apiWebSocketProtocol = "highstate.v1";

/** Prefix of the handshake-only subprotocol entry that carries the access token (never selected, never echoed). */
export const tokenWebSocketProtocolPrefix = "highstate.token.";

/** The WebSocket subprotocols a browser offers: the API protocol and the token entry. */
export function apiWebSocketProtocols(token: string): string[] {
  return [apiWebSocketProtocol, `${tokenWebSocketProtocolPrefix}${token}`];
}

export const projectNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "project names use lower-case letters, digits and dashes, starting with a letter");

export const createProjectRequestSchema = z
  .object({
    name: projectNameSchema,
    /** The project password: encrypts the project's secrets. At least 8 characters. */
    password: z.string().min(8, "the password must have at least 8 characters"),
  })
  .strict();
export type CreateProjectRequest = z.input<typeof createProjectRequestSchema>;

export const unlockProjectRequestSchema = z.object({ password: z.string().min(1) }).strict();
export type UnlockProjectRequest = z.input<typeof unlockProjectRequestSchema>;

export const renameProjectRequestSchema = z.object({ newName: projectNameSchema }).strict();
export type RenameProjectRequest = z.input<typeof renameProjectRequestSchema>;

/** One resource whose real state differs from the instance's Pulumi state, as a drift check found it. */
export interface DriftedResource {
  /** The resource's URN. */
  urn: string;
  /** The Pulumi resource type, e.g. `kubernetes:apps/v1:Deployment`. */
  type: string;
  /** The resource name (the last part of the URN). */
  name: string;
  /** `changed`: some properties differ; `deleted`: the resource no longer exists. */
  change: "changed" | "deleted";
  /** The top-level properties that differ (names only, never values); empty when the provider did not say. */
  properties: string[];
}

/** The result of the last drift check of an instance (`highstate drift`). */
export interface InstanceDrift {
  /** When the check finished (ISO 8601). */
  checkedAt: string;
  /** Resources that differ from the state; empty when the check found none. */
  resources: DriftedResource[];
}

/** What the runner knows about an instance's deployment. */
export interface InstanceStatus {
  /**
   * `unknown-component`: its package is not installed; `not-created`; `created`; `pending`: queued in a
   * running operation; `running`; `failed`: the last operation failed (see `error`).
   */
  state: "unknown-component" | "not-created" | "created" | "pending" | "running" | "failed";
  /** Args, secrets, inputs or the component version changed since the last successful `up`. */
  outdated: boolean;
  /** Why it is outdated, e.g. `args changed`, `input "cluster" changed`. */
  outdatedReasons?: string[];
  /** Resources in the stack after the last run. */
  resourceCount?: number;
  /** While running: resources done and the expected total (from the preview or the last run). */
  progress?: { done: number; total: number };
  /** The operation running or last run. */
  operation?: OperationType;
  /** The error of the last failed operation. */
  error?: string;
  /** ISO time of the last change. */
  updatedAt?: string;
  /**
   * The last drift check, while its result still stands (a later successful `up`, `refresh` or `destroy`
   * clears it): drift is found when `resources` is not empty.
   */
  drift?: InstanceDrift;
}

/** The full state of one project as the designer shows it. */
export interface ProjectSnapshot {
  name: string;
  /**
   * Increases with every change (mutations, secrets set or cleared, and edits of the project file made
   * on disk); mutations must name the revision they were made against.
   */
  revision: number;
  project: Project;
  unlocked: boolean;
  /** Validation problems (unknown components, missing inputs, bad args, cycles, …). */
  problems: ProjectProblem[];
  /** Instance id → status. */
  statuses: Record<string, InstanceStatus>;
  /** Instance id → names of the secrets that are set (never their values). */
  secrets: Record<string, string[]>;
  /** Instance id → status fields from the last outputs (secret values replaced by `null`). */
  statusFields: Record<string, Array<Omit<StatusField, "value"> & { value: string | null }>>;
  /**
   * Instance id → the terminals and pages its last outputs offer (names and titles, never
   * credentials). Instances that offer none are left out, so the designer shows Terminal and Page
   * buttons only where there is something to open.
   */
  offers: Record<string, InstanceOffers>;
  /**
   * Present when the secrets file has secrets that are not bound to their places yet (it was written
   * before bindings existed): the designer shows a warning and offers to bind them (`POST
   * …/secrets/accept` with `all: true`). Needs no password, so it is there while locked too.
   */
  unboundSecrets?: UnboundSecrets;
}

/** What an instance offers to open, from its last outputs. */
export interface InstanceOffers {
  terminals: Array<Pick<TerminalSpec, "name" | "title" | "type">>;
  pages: Array<Pick<Page, "name" | "title">>;
  /**
   * Which of them are stored encrypted and cannot be listed while the project is locked (unlocking
   * the project lists them).
   */
  locked?: Array<"terminals" | "pages">;
}

const instanceIdSchema = z.string().min(1);
const hubIdSchema = z.string().regex(/^hub:[a-z][a-z0-9-]{0,62}$/, "hub ids look like hub:<name>");

/** One change to a project. A request carries a batch that is applied atomically. */
export const projectMutationSchema = z.discriminatedUnion("op", [
  z
    .object({
      op: z.literal("add-instance"),
      type: z.string().min(1),
      name: z.string().min(1),
      args: z.record(z.string(), z.unknown()).optional(),
      position: positionSchema.optional(),
      /**
       * The instance's stable identity (its Pulumi stack); the server generates one when left out. A
       * client that applies the batch itself sets it (`assignInstanceUids`), so both end with the same
       * document, and undoing a removal brings the instance back with its old uid.
       */
      uid: z.string().regex(instanceUidPattern, "instance uids are 8-32 lower-case letters and digits").optional(),
    })
    .strict(),
  z.object({ op: z.literal("remove-instance"), instanceId: instanceIdSchema }).strict(),
  z.object({ op: z.literal("rename-instance"), instanceId: instanceIdSchema, newName: z.string().min(1) }).strict(),
  z.object({ op: z.literal("move"), nodeId: z.string().min(1), position: positionSchema }).strict(),
  /** Replaces the instance's args (fields left out fall back to their defaults). */
  z.object({ op: z.literal("set-args"), instanceId: instanceIdSchema, args: z.record(z.string(), z.unknown()) }).strict(),
  /** Connects an output or a hub to an input: a single input is replaced, a multiple input gains one. */
  z.object({ op: z.literal("connect"), instanceId: instanceIdSchema, input: z.string().min(1), source: inputRefSchema }).strict(),
  z.object({ op: z.literal("disconnect"), instanceId: instanceIdSchema, input: z.string().min(1), source: inputRefSchema }).strict(),
  z.object({ op: z.literal("add-hub"), hubId: hubIdSchema, title: z.string().optional(), position: positionSchema.optional() }).strict(),
  z.object({ op: z.literal("remove-hub"), hubId: hubIdSchema }).strict(),
  /** Adds an instance output (or another hub) to a hub. */
  z.object({ op: z.literal("connect-hub"), hubId: hubIdSchema, source: z.union([instanceOutputRefSchema, hubRefSchema]) }).strict(),
  z.object({ op: z.literal("disconnect-hub"), hubId: hubIdSchema, source: z.union([instanceOutputRefSchema, hubRefSchema]) }).strict(),
  z.object({ op: z.literal("inject-hub"), instanceId: instanceIdSchema, hubId: hubIdSchema }).strict(),
  z.object({ op: z.literal("uninject-hub"), instanceId: instanceIdSchema, hubId: hubIdSchema }).strict(),
]);
export type ProjectMutation = z.input<typeof projectMutationSchema>;

export const mutateProjectRequestSchema = z
  .object({
    /** The revision the client's view is at; a stale one gets `409 conflict` and nothing changes. */
    revision: z.number().int().nonnegative(),
    mutations: z.array(projectMutationSchema).min(1).max(10_000),
  })
  .strict();
export type MutateProjectRequest = z.input<typeof mutateProjectRequestSchema>;

export const setSecretsRequestSchema = z
  .object({
    /** Secret name → new value. */
    set: z.record(z.string(), z.string()).default({}),
    /** Secret names to clear. */
    clear: z.array(z.string()).default([]),
  })
  .strict();
export type SetSecretsRequest = z.input<typeof setSecretsRequestSchema>;

export interface InstanceSecretsInfo {
  instanceId: string;
  /** Names of the secrets that are set. */
  secrets: string[];
}

/**
 * Body of a reveal: the project password, required unless it was entered (unlock or an earlier reveal)
 * within the last {@link revealWithoutPasswordMs}. Without it the server answers 401 `password-required`.
 */
export const revealSecretRequestSchema = z.object({ password: z.string().min(1).optional() }).strict();
export type RevealSecretRequest = z.infer<typeof revealSecretRequestSchema>;

/** How long after the password was entered a secret may be revealed without entering it again. */
export const revealWithoutPasswordMs = 60_000;

export interface RevealSecretResponse {
  name: string;
  value: string;
}

/**
 * Body of `POST /api/projects/:project/secrets/accept`: binds secrets that are not bound to their place
 * (moved or edited on purpose, or written before bindings existed) to where they are now. Accepting is
 * a trust decision, so the password is always required, even in an unlocked project. Either `all: true`
 * (every such secret), or `instanceId` (every secret of it) with an optional `name` (one secret).
 */
export const acceptSecretsRequestSchema = z
  .object({
    password: z.string().min(1),
    all: z.literal(true).optional(),
    instanceId: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.all === true && value.instanceId !== undefined)
      context.addIssue({ code: "custom", path: ["instanceId"], message: "give either all: true or an instanceId, not both" });
    else if (value.all !== true && value.instanceId === undefined)
      context.addIssue({ code: "custom", path: ["instanceId"], message: "name the instance (and secret) to accept, or give all: true" });
    else if (value.name !== undefined && value.instanceId === undefined)
      context.addIssue({ code: "custom", path: ["name"], message: "a secret name needs the instanceId it belongs to" });
  });
export type AcceptSecretsRequest = z.input<typeof acceptSecretsRequestSchema>;

/** What `POST …/secrets/accept` did. */
export interface AcceptSecretsResponse {
  /** The secrets bound to their current place by this request (empty: there was nothing to accept). */
  accepted: SecretBindingPlace[];
  /** Secrets still not bound to their place (not selected): the project stays locked while there are any. */
  remaining: SecretBindingPlace[];
  /** The project after accepting: unlocked when nothing remains (the password was checked). */
  project: ProjectSnapshot;
}

export interface PlanResponse {
  /** Instance ids in run order: each layer can run in parallel after the previous one. */
  layers: string[][];
  /** Instance id → reasons it is outdated. */
  outdated: Record<string, string[]>;
  problems: ProjectProblem[];
}

export type OperationType = "preview" | "up" | "destroy" | "refresh";

export const startOperationRequestSchema = z
  .object({
    type: z.enum(["preview", "up", "destroy", "refresh"]),
    instanceIds: z.array(instanceIdSchema).min(1),
    /** For `up`: also run dependencies that are not created or are outdated. */
    includeDependencies: z.boolean().default(false),
    /** For `destroy`: also destroy dependents (in reverse order) instead of refusing. */
    cascade: z.boolean().default(false),
    /** For `refresh`: only check for drift (a refresh preview; nothing but the drift found is recorded). */
    detectDrift: z.boolean().default(false),
  })
  .strict();
export type StartOperationRequest = z.input<typeof startOperationRequestSchema>;

export const cancelOperationRequestSchema = z
  .object({
    /** Skip Pulumi's graceful cancel and stop the processes at once. */
    force: z.boolean().default(false),
  })
  .strict();
export type CancelOperationRequest = z.input<typeof cancelOperationRequestSchema>;

export interface OperationInfo {
  id: string;
  project: string;
  type: OperationType;
  /** Instances the operation runs, in order. */
  instanceIds: string[];
  state: "running" | "cancelling" | "completed" | "failed" | "cancelled";
  startedAt: string;
  finishedAt?: string;
  /** Instance id → its result in this operation. */
  results: Record<string, "pending" | "running" | "succeeded" | "failed" | "skipped" | "cancelled">;
  /** Instance id → the instance that did not succeed, for instances skipped because of it. */
  skippedBecause?: Record<string, string>;
  /** For `refresh`: a drift check (a preview of the refresh that changes no state; see `highstate drift`). */
  detectDrift?: boolean;
  /** For `preview`: instance id → what `up` would do to its resources (set as each instance's preview succeeds). */
  previews?: Record<string, InstancePreview>;
  error?: string;
}

/**
 * How `up` would change one resource: `create`, `update` (in place), `replace` (a new resource is created
 * and the old one deleted — whatever the old one held is gone), `delete` or `import`.
 */
export type PreviewChangeKind = "create" | "update" | "replace" | "delete" | "import";

/** One resource a preview would change. Names only: never a property value (values may be secrets). */
export interface PreviewResourceChange {
  kind: PreviewChangeKind;
  /** The resource's URN. */
  urn: string;
  /** Its Pulumi type, e.g. `kubernetes:apps/v1:Deployment`. */
  type: string;
  /** Its name (the last part of the URN). */
  name: string;
  /** Names of the properties that differ (update, replace), when Pulumi reports them. */
  changedKeys?: string[];
  /** For `replace`: names of the properties whose change forces the replacement. */
  replaceKeys?: string[];
  /** For `replace`: the old resource is deleted before the new one exists (a gap, not only data loss). */
  deleteBeforeReplace?: boolean;
}

/** What a preview of one instance found (from the engine's resource events; root stack and default providers left out). */
export interface InstancePreview {
  /** Changed resources, in the order the engine reported them. */
  changes: PreviewResourceChange[];
  /** Changed resources per kind. */
  counts: Record<PreviewChangeKind, number>;
  /** Resources that stay as they are. */
  unchanged: number;
}

/**
 * Body of `POST /api/projects/:project/operations/selection`: which instances an operation would run, in
 * the order it would run them, without starting it. Either name instances (optionally with their
 * dependencies) or ask for every instance that is not created or is outdated (`outdated`).
 */
export const operationSelectionRequestSchema = z
  .object({
    type: z.enum(["preview", "up"]).default("up"),
    instanceIds: z.array(instanceIdSchema).min(1).optional(),
    /** Also run the dependencies of the named instances that are not created or are outdated. */
    includeDependencies: z.boolean().default(false),
    /** Select every instance that is not created or is outdated (instead of naming them). */
    outdated: z.boolean().default(false),
  })
  .strict()
  .refine((body) => (body.instanceIds !== undefined) !== body.outdated, {
    message: "name the instances (instanceIds) or ask for the outdated ones (outdated: true), not both and not neither",
    path: ["instanceIds"],
  });
export type OperationSelectionRequest = z.input<typeof operationSelectionRequestSchema>;

/** Why an instance is part of a selection. */
export interface SelectedInstance {
  id: string;
  /** Its layer: instances of a layer run in parallel, after every earlier layer. */
  layer: number;
  /** Whether it was asked for (named, or outdated) rather than pulled in as a dependency. */
  requested: boolean;
  /** `not created`, or why it is outdated (`args changed`, `upstream "…" is outdated`, …); empty when up to date. */
  reasons: string[];
}

/**
 * The answer of the selection route: exactly what starting the operation with `instanceIds` (and no
 * `includeDependencies`) runs, in this order — the designer shows it for confirmation and then starts
 * that operation.
 */
export interface OperationSelection {
  type: "preview" | "up";
  /** Instance ids in run order (the layers flattened). */
  instanceIds: string[];
  /** The run order in layers. */
  layers: string[][];
  instances: SelectedInstance[];
  /** Instances asked for that cannot run and are left out (outdated selection only), with why. */
  excluded: Array<{ id: string; reason: string }>;
}

/** One event of the Pulumi engine for one instance, as streamed to clients. */
export type EngineEvent =
  | {
      type: "resource";
      urn: string;
      resourceType: string;
      name: string;
      /** Pulumi step op: create, update, delete, replace, same, read, refresh, … */
      op: string;
      status: "started" | "done" | "failed";
    }
  | { type: "diagnostic"; severity: "debug" | "info" | "warning" | "error"; message: string; urn?: string }
  | { type: "summary"; changes: Record<string, number>; resourceCount: number; durationMs: number }
  | { type: "log"; message: string };

/** Messages on `/api/events`. */
export type ServerEvent =
  | { type: "hello"; serverTime: string }
  | { type: "project-changed"; project: string; revision: number }
  | { type: "projects-changed" }
  | { type: "instance-status"; project: string; instanceId: string; status: InstanceStatus }
  | { type: "operation"; operation: OperationInfo }
  | { type: "engine-event"; operationId: string; project: string; instanceId: string; event: EngineEvent; time: string };

/** Messages a client may send on `/api/events`. */
export type ClientEventMessage = { type: "ping" };

/** Outputs of an instance as the designer may see them (secret values are never included). */
export interface InstanceDetails {
  instanceId: string;
  status: InstanceStatus;
  /** Output name → value, or `{ secret: true }` for secret outputs. */
  outputs: Record<string, unknown>;
  statusFields: Array<Omit<StatusField, "value"> & { value: string | null }>;
  /** Terminals the instance offers (credentials omitted). */
  terminals: Array<Pick<TerminalSpec, "name" | "title" | "type">>;
  /** Pages the instance offers. */
  pages: Array<Pick<Page, "name" | "title">>;
  /** Upstream references resolved for each input (hubs expanded). */
  resolvedInputs: Record<string, InstanceOutputRef[]>;
}

export interface InstanceLogEntry {
  time: string;
  operationId: string;
  event: EngineEvent;
}

export interface InstanceLogs {
  instanceId: string;
  entries: InstanceLogEntry[];
}

export const openTerminalRequestSchema = z
  .object({
    cols: z.number().int().min(1).max(1000).default(80),
    rows: z.number().int().min(1).max(1000).default(24),
  })
  .strict();
export type OpenTerminalRequest = z.input<typeof openTerminalRequestSchema>;

/** The terminal session and socket frames (defined with the terminals, which speak them). */
export type { TerminalControlMessage, TerminalSession } from "./terminal-protocol.js";
