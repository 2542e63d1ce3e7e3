/**
 * The orchestrator runs operations (preview, up, destroy, refresh) on a selection of a project's
 * instances: it plans them with the planner (dependencies first, or dependents first for destroy,
 * refusing a destroy while dependents exist unless asked to cascade), runs independent instances in
 * parallel up to a limit, stops the dependents of a failed instance, can be cancelled (graceful, then
 * forced), and streams operation, status and engine events to its subscribers.
 */
import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import type { ProjectPlan } from "../planner/index.js";
import { type InstanceState, InstanceStateStore } from "../workspace/index.js";
import { resolveBackendUrl } from "./backend.js";
import { createEngine } from "./create-engine.js";
import { NoSuchInstanceError, NoSuchOperationError, OperationRefusedError } from "./errors.js";
import { EventHub, type OrchestratorListener } from "./event-hub.js";
import { InstanceLogBook } from "./instance-logs.js";
import { runInstance } from "./instance-run.js";
import { operationDependencies, operationLayers } from "./operation-layers.js";
import { type LiveInstanceState, type ProjectContext, ProjectStateCache } from "./project-state.js";
import { runSchedule, Semaphore } from "./scheduler.js";
import type { Engine, InstanceStatus, OperationHandle, OperationInfo, OperationRequest } from "./types.js";

export type { OperationHandle, OperationRequest } from "./types.js";

import { defaultBackendUrl } from "./unit-workdir.js";

/** Options of {@link Orchestrator}. */
export interface OrchestratorOptions {
  /** Absolute path of the workspace root. */
  workspaceRoot: string;
  /** The engine that runs single instances. */
  engine: Engine;
  /** At most this many instances run at once. Default: the number of CPUs (at least 2). */
  parallelism?: number;
  /** The Pulumi backend URL. Default `file://<workspace>/.highstate/state`. */
  backendUrl?: string;
  /** How long a graceful cancel may take before the runs are stopped by force. Default 60 s. */
  forceCancelAfterMs?: number;
}

interface RunningOperation {
  info: OperationInfo;
  project: string;
  graceful: AbortController;
  force: AbortController;
  forceTimer?: NodeJS.Timeout;
  done: Promise<OperationInfo>;
}

/** The default parallelism: one run per CPU, at least 2. */
export function defaultParallelism(): number {
  return Math.max(2, availableParallelism());
}

const maxFinishedOperations = 100;

/** Runs operations on projects. One orchestrator serves a whole workspace. */
export class Orchestrator {
  readonly workspaceRoot: string;
  readonly engine: Engine;
  readonly backendUrl: string;
  readonly parallelism: number;
  private readonly forceCancelAfterMs: number;
  private readonly hub = new EventHub();
  private readonly projects = new Map<string, ProjectStateCache>();
  private readonly operations = new Map<string, RunningOperation>();
  /** The last status sent per project and instance, so unchanged statuses are not sent again. */
  private readonly sentStatuses = new Map<string, string>();
  /** Per-instance engine event logs (last runs), kept in memory and under `.highstate/logs`. */
  readonly logs: InstanceLogBook;

  constructor(options: OrchestratorOptions) {
    this.workspaceRoot = options.workspaceRoot;
    this.engine = options.engine;
    this.backendUrl = options.backendUrl ?? defaultBackendUrl(options.workspaceRoot);
    this.parallelism = Math.max(1, options.parallelism ?? defaultParallelism());
    this.forceCancelAfterMs = options.forceCancelAfterMs ?? 60_000;
    this.logs = new InstanceLogBook(options.workspaceRoot);
  }

  /**
   * The orchestrator of a workspace as the CLI and the designer server use it: the engine chosen by
   * `HIGHSTATE_ENGINE` (Pulumi by default) and the backend from `HIGHSTATE_BACKEND_URL` or the
   * workspace's `Pulumi.yaml` (`backend.url`), else the file backend under `.highstate/state`.
   */
  static async forWorkspace(
    workspaceRoot: string,
    options: { env?: Readonly<Record<string, string | undefined>>; engine?: Engine; parallelism?: number } = {},
  ): Promise<Orchestrator> {
    const env = options.env ?? process.env;
    return new Orchestrator({
      workspaceRoot,
      engine: options.engine ?? createEngine(env),
      backendUrl: await resolveBackendUrl(workspaceRoot, env),
      ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
    });
  }

  /** Subscribes to operation, instance-status and engine events; returns the unsubscribe function. */
  subscribe(listener: OrchestratorListener): () => void {
    return this.hub.subscribe(listener);
  }

  /** The state store of a project (shared: use this one rather than a second store for the same project). */
  stateStore(project: string): InstanceStateStore {
    return this.cache(project).store;
  }

  /** The plan of a project with its current states (outdated reasons, layers, problems). */
  async plan(context: ProjectContext): Promise<ProjectPlan> {
    return this.cache(context.name).plan(context);
  }

  /** The status of every instance of a project (pending/running for instances in running operations). */
  async statuses(context: ProjectContext): Promise<Record<string, InstanceStatus>> {
    const cache = this.cache(context.name);
    return cache.statuses(context, await cache.plan(context));
  }

  /**
   * The instance states of a project by uid, as this orchestrator last read or wrote them (read from disk
   * once). While a process holds the workspace lock only its orchestrator writes them, so they are current.
   */
  async states(project: string): Promise<ReadonlyMap<string, InstanceState>> {
    const cache = this.cache(project);
    await cache.ensureLoaded();
    return cache.states;
  }

  /** Re-reads a project's instance states from disk (after another process changed them). */
  async reload(project: string): Promise<void> {
    await this.cache(project).reload();
  }

  /** An operation by id. */
  get(operationId: string): OperationInfo | undefined {
    const operation = this.operations.get(operationId);
    return operation ? structuredClone(operation.info) : undefined;
  }

  /** Operations, most recent first (optionally of one project). */
  list(project?: string): OperationInfo[] {
    return [...this.operations.values()]
      .filter((operation) => project === undefined || operation.project === project)
      .map((operation) => structuredClone(operation.info))
      .reverse();
  }

  /** Runs an operation and waits for it to finish. */
  async run(context: ProjectContext, request: OperationRequest): Promise<OperationInfo> {
    return (await this.start(context, request)).done;
  }

  /**
   * Plans and starts an operation. Rejects, with nothing started, when it cannot run: an unknown
   * instance, a locked project, a cycle, a blocked instance, dependents of a destroy without `cascade`,
   * or an instance already in another running operation.
   */
  async start(context: ProjectContext, request: OperationRequest): Promise<OperationHandle> {
    if (context.password === undefined || !context.secrets.isUnlocked) {
      throw new OperationRefusedError(`Project "${context.name}" is locked: unlock it with its password before running instances.`);
    }
    if (request.instanceIds.length === 0) throw new OperationRefusedError("Name at least one instance to run.");
    if (request.detectDrift && request.type !== "refresh")
      throw new OperationRefusedError(`A drift check is a preview of a refresh; it cannot be combined with ${request.type}.`);
    const known = new Set(context.project.instances.map((instance) => instance.id));
    for (const id of request.instanceIds) if (!known.has(id)) throw new NoSuchInstanceError(context.name, id);

    const cache = this.cache(context.name);
    if (![...this.operations.values()].some((operation) => operation.project === context.name && operation.info.finishedAt === undefined)) {
      await cache.reload();
    }
    const plan = await cache.plan(context);
    const layers = operationLayers(plan, request);
    const order = layers.flat();
    const busy = new Map<string, RunningOperation>();
    for (const operation of this.operations.values()) {
      if (operation.info.finishedAt === undefined && operation.project === context.name)
        for (const id of operation.info.instanceIds) busy.set(id, operation);
    }
    for (const id of order) {
      const other = busy.get(id)?.info;
      if (other)
        throw new OperationRefusedError(
          `Instance "${id}" is already in the running operation "${other.id}" (${other.type}); wait for it or cancel it.`,
        );
    }

    const info: OperationInfo = {
      id: randomUUID(),
      project: context.name,
      type: request.type,
      instanceIds: order,
      state: "running",
      startedAt: new Date().toISOString(),
      results: Object.fromEntries(order.map((id) => [id, "pending" as const])),
      ...(request.detectDrift ? { detectDrift: true } : {}),
    };
    const operation: RunningOperation = {
      info,
      project: context.name,
      graceful: new AbortController(),
      force: new AbortController(),
      done: Promise.resolve(info),
    };
    this.operations.set(info.id, operation);
    this.trimFinished();
    operation.done = this.execute(context as ProjectContext & { password: string }, request, operation, plan, cache);
    return {
      get info() {
        return structuredClone(operation.info);
      },
      done: operation.done,
      cancel: (options) => this.cancel(info.id, options),
    };
  }

  /** Cancels a running operation: gracefully first (Pulumi finishes in-flight steps), by force when asked or after the grace period. */
  cancel(operationId: string, options: { force?: boolean } = {}): OperationInfo {
    const operation = this.operations.get(operationId);
    if (!operation) throw new NoSuchOperationError(operationId);
    if (operation.info.finishedAt !== undefined) return structuredClone(operation.info);
    if (operation.info.state === "running") {
      operation.info.state = "cancelling";
      this.emitOperation(operation);
    }
    operation.graceful.abort();
    if (options.force) operation.force.abort();
    else if (!operation.forceTimer && !operation.force.signal.aborted) {
      operation.forceTimer = setTimeout(() => operation.force.abort(), this.forceCancelAfterMs);
      operation.forceTimer.unref();
    }
    return structuredClone(operation.info);
  }

  /** Waits for every running operation to finish (e.g. before the process exits). */
  async idle(): Promise<void> {
    await Promise.all([...this.operations.values()].map((operation) => operation.done));
  }

  private cache(project: string): ProjectStateCache {
    let cache = this.projects.get(project);
    if (!cache) {
      cache = new ProjectStateCache(new InstanceStateStore(this.workspaceRoot, project));
      this.projects.set(project, cache);
    }
    return cache;
  }

  private async execute(
    context: ProjectContext & { password: string },
    request: OperationRequest,
    operation: RunningOperation,
    plan: ProjectPlan,
    cache: ProjectStateCache,
  ): Promise<OperationInfo> {
    const { info } = operation;
    // The plan was made from this project, so its index gives each instance's position (and uid).
    const uidOf = (id: string) => context.project.instances[plan.graph.index.get(id)!]!.uid;
    const statusOf = (id: string) => cache.status(id, uidOf(id), plan);
    const emitStatus = (id: string) => this.emitStatus(context.name, id, statusOf(id));
    this.emitOperation(operation);

    try {
      await this.engine.preflight();
    } catch (error) {
      // E.g. no pulumi CLI: every run fails at once with the reason, and nothing else is touched.
      info.error = (error as Error).message;
      // The error reaches each instance too: its status (the card) and a line in its log.
      const event = {
        type: "diagnostic" as const,
        severity: "error" as const,
        message: `The ${request.type} could not start: ${info.error}`,
      };
      for (const id of info.instanceIds) {
        info.results[id] = "failed";
        cache.notStarted.set(uidOf(id), { operation: request.type, error: info.error });
        this.logs.begin(context.name, id, uidOf(id), info.id);
        this.logs.append(context.name, id, info.id, event);
        this.hub.emit({
          type: "engine-event",
          operationId: info.id,
          project: context.name,
          instanceId: id,
          event,
          time: new Date().toISOString(),
        });
        emitStatus(id);
      }
      await Promise.all(info.instanceIds.map((id) => this.logs.end(context.name, id).catch(() => undefined)));
      return this.finish(operation, "failed");
    }

    for (const id of info.instanceIds) cache.notStarted.delete(uidOf(id));
    for (const id of info.instanceIds) cache.live.set(id, { state: "pending", operation: request.type });
    for (const id of info.instanceIds) emitStatus(id);

    const crypter = context.secrets.crypter;
    // Drift checks change nothing, so one failing does not stop the others.
    const dependsOn = request.detectDrift
      ? new Map(info.instanceIds.map((id) => [id, [] as string[]]))
      : operationDependencies(plan, info.instanceIds, request.type);

    let refreshTimer: NodeJS.Timeout | undefined;
    const refreshStatuses = () => {
      // Coalesced: one re-plan for a burst of completions, so outdated flags propagate to dependents.
      if (refreshTimer) return;
      refreshTimer = setTimeout(async () => {
        refreshTimer = undefined;
        try {
          const fresh = await cache.plan(context);
          for (const instance of context.project.instances)
            this.emitStatus(context.name, instance.id, cache.status(instance.id, instance.uid, fresh));
        } catch {
          // Statuses are refreshed again at the end of the operation.
        }
      }, 25);
      refreshTimer.unref();
    };

    // The limit applies to engine runs; preparing and recording runs outside it, so a slot is never
    // idle while the previous instance's results are written.
    const engineSlots = new Semaphore(Math.max(1, request.parallelism ?? this.parallelism));
    const pendingWrites: Promise<void>[] = [];
    const results = await runSchedule({
      order: info.instanceIds,
      dependsOn,
      parallelism: Number.POSITIVE_INFINITY,
      signal: operation.graceful.signal,
      onSettledWithoutRun: (id, result, cause) => {
        info.results[id] = result;
        if (result === "skipped" && cause) info.skippedBecause = { ...info.skippedBecause, [id]: cause };
        cache.live.delete(id);
        emitStatus(id);
        this.emitOperation(operation);
        if (result === "skipped" && cause) {
          const event = { type: "log" as const, message: `Skipped because "${cause}" did not succeed.` };
          this.logs.append(context.name, id, info.id, event);
          this.hub.emit({
            type: "engine-event",
            operationId: info.id,
            project: context.name,
            instanceId: id,
            event,
            time: new Date().toISOString(),
          });
        }
      },
      run: async (id) => {
        const uid = uidOf(id);
        const previous = cache.states.get(uid);
        const total = previous && previous.resourceCount > 0 && request.type !== "preview" ? previous.resourceCount : undefined;
        const live: LiveInstanceState = { state: "running", operation: request.type, ...(total ? { progress: { done: 0, total } } : {}) };
        this.logs.begin(context.name, id, uid, info.id);
        const outcome = await runInstance(
          {
            engine: this.engine,
            workspaceRoot: this.workspaceRoot,
            backendUrl: this.backendUrl,
            context,
            crypter,
            cache,
            plan,
            signal: operation.graceful.signal,
            forceSignal: operation.force.signal,
            acquireEngine: () => engineSlots.acquire(operation.graceful.signal),
            ...(request.detectDrift ? { detectDrift: true } : {}),
            onEngineStart: (instanceId) => {
              if (info.results[instanceId] === "running") return;
              info.results[instanceId] = "running";
              cache.live.set(instanceId, live);
              emitStatus(instanceId);
              this.emitOperation(operation);
            },
            onEvent: (instanceId, event) => {
              if (event.type === "resource" && event.status !== "started" && live.progress) {
                live.progress.done = Math.min(live.progress.total, live.progress.done + 1);
                emitStatus(instanceId);
              }
              this.logs.append(context.name, instanceId, info.id, event);
              this.hub.emit({
                type: "engine-event",
                operationId: info.id,
                project: context.name,
                instanceId,
                event,
                time: new Date().toISOString(),
              });
            },
          },
          id,
          request.type,
        );
        cache.live.delete(id);
        info.results[id] = outcome.result;
        if (outcome.preview) info.previews = { ...info.previews, [id]: outcome.preview };
        pendingWrites.push(this.logs.end(context.name, id).catch(() => undefined));
        emitStatus(id);
        this.emitOperation(operation);
        if (request.type === "up" || request.type === "destroy" || request.type === "refresh") refreshStatuses();
        return outcome.result;
      },
    });

    if (refreshTimer) clearTimeout(refreshTimer);
    await Promise.all(pendingWrites);
    for (const id of info.instanceIds) cache.live.delete(id);
    const values = [...results.values()];
    const state = operation.graceful.signal.aborted
      ? "cancelled"
      : values.every((result) => result === "succeeded")
        ? "completed"
        : "failed";
    if (state === "failed") {
      const failed = info.instanceIds.filter((id) => results.get(id) === "failed");
      info.error = `${failed.length} instance${failed.length === 1 ? "" : "s"} failed: ${failed.map((id) => `"${id}"`).join(", ")}`;
    }
    try {
      const fresh = await cache.plan(context);
      for (const instance of context.project.instances)
        this.emitStatus(context.name, instance.id, cache.status(instance.id, instance.uid, fresh));
    } catch {
      for (const id of info.instanceIds) emitStatus(id);
    }
    return this.finish(operation, state);
  }

  private finish(operation: RunningOperation, state: OperationInfo["state"]): OperationInfo {
    if (operation.forceTimer) clearTimeout(operation.forceTimer);
    operation.info.state = state;
    operation.info.finishedAt = new Date().toISOString();
    this.emitOperation(operation);
    return structuredClone(operation.info);
  }

  private emitStatus(project: string, instanceId: string, status: InstanceStatus): void {
    const key = `${project}\u0000${instanceId}`;
    const { updatedAt: _updatedAt, ...comparable } = status;
    const text = JSON.stringify(comparable);
    if (this.sentStatuses.get(key) === text) return;
    this.sentStatuses.set(key, text);
    this.hub.emit({ type: "instance-status", project, instanceId, status });
  }

  private emitOperation(operation: RunningOperation): void {
    this.hub.emit({ type: "operation", operation: structuredClone(operation.info) });
  }

  private trimFinished(): void {
    const finished = [...this.operations.values()].filter((operation) => operation.info.finishedAt !== undefined);
    for (const operation of finished.slice(0, Math.max(0, finished.length - maxFinishedOperations)))
      this.operations.delete(operation.info.id);
  }
}
