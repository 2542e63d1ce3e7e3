/**
 * The open project: the server's snapshot with structural sharing (an instance whose data did not
 * change keeps its objects, so its card does not re-render), the mutation queue with optimistic
 * updates, undo/redo, live statuses, operations and per-instance logs.
 */
import type { Hub, Instance, Project, ProjectProblem, Registry, RegistryComponent } from "@highstate/contract";
import { applyMutations, assignInstanceUids, invertMutations } from "@highstate/project";
import type { InstanceOffers, InstanceStatus, OperationInfo, ProjectMutation, ProjectSnapshot, ServerEvent } from "@highstate/project/api";
import { type ApiClient, ApiRequestError } from "../api/client.js";
import { refreshEngineReadiness } from "../runs/engine-readiness.js";
import { toast } from "../ui/toasts.js";
import { KeyedEmitter } from "./store.js";

/** Everything one instance card shows. Objects are kept while their content is unchanged. */
export interface InstanceView {
  instance: Instance;
  component: RegistryComponent | undefined;
  status: InstanceStatus;
  /** Names of the secrets that are set. */
  secrets: string[];
  statusFields: ProjectSnapshot["statusFields"][string];
  /** The terminals and pages its last outputs offer (empty lists when none). */
  offers: InstanceOffers;
  problems: ProjectProblem[];
}

/** One line of an instance's log panel. */
export interface LogLine {
  time: string;
  operationId: string;
  level: "debug" | "info" | "warning" | "error";
  text: string;
}

const notCreated: InstanceStatus = { state: "not-created", outdated: false };
const noSecrets: string[] = [];
const noFields: InstanceView["statusFields"] = [];
const noOffers: InstanceOffers = { terminals: [], pages: [] };
const noProblems: ProjectProblem[] = [];
const maxLogLines = 5000;

/** Keys components subscribe to. */
export const keys = {
  instance: (id: string) => `instance:${id}`,
  hub: (id: string) => `hub:${id}`,
  logs: (id: string) => `logs:${id}`,
  /** Node and edge structure: instances added/removed/renamed/moved, connections, hubs. */
  graph: "graph",
  /** Which instances are running (edges animate while their upstream runs). */
  running: "running",
  operations: "operations",
  meta: "meta",
  history: "history",
  /** Any instance view changed (cards may need a new size). */
  views: "views",
} as const;

/** Turns an engine event into a log line. */
export function engineEventLine(event: Extract<ServerEvent, { type: "engine-event" }>): LogLine {
  const e = event.event;
  const base = { time: event.time, operationId: event.operationId };
  switch (e.type) {
    case "resource":
      return { ...base, level: e.status === "failed" ? "error" : "info", text: `${e.op} ${e.resourceType} "${e.name}": ${e.status}` };
    case "diagnostic":
      return { ...base, level: e.severity, text: e.message };
    case "summary":
      return {
        ...base,
        level: "info",
        text: `done in ${(e.durationMs / 1000).toFixed(1)} s: ${
          Object.entries(e.changes)
            .map(([op, count]) => `${count} ${op}`)
            .join(", ") || "no changes"
        }; ${e.resourceCount} resources`,
      };
    case "log":
      return { ...base, level: "info", text: e.message };
  }
}

export class ProjectStore {
  readonly emitter = new KeyedEmitter();
  snapshot: ProjectSnapshot;
  project: Project;
  views = new Map<string, InstanceView>();
  hubs = new Map<string, Hub>();
  running = new Set<string>();
  operations = new Map<string, OperationInfo>();
  logs = new Map<string, LogLine[]>();
  undoStack: Array<{ forward: ProjectMutation[]; inverse: ProjectMutation[]; label: string }> = [];
  redoStack: Array<{ forward: ProjectMutation[]; inverse: ProjectMutation[]; label: string }> = [];
  /** Bumped on every structural change, for the graph builder. */
  graphVersion = 0;
  #strings = new Map<string, string>();
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #confirmed: ProjectSnapshot;

  constructor(
    readonly api: ApiClient,
    public registry: Registry,
    snapshot: ProjectSnapshot,
  ) {
    this.snapshot = snapshot;
    this.#confirmed = snapshot;
    this.project = snapshot.project;
    this.#absorb(snapshot, true);
  }

  get name(): string {
    return this.snapshot.name;
  }

  /** Whether a JSON-equal value was seen under `key` before; remembers the new one. */
  #same(key: string, value: unknown): boolean {
    const text = JSON.stringify(value) ?? "";
    if (this.#strings.get(key) === text) return true;
    this.#strings.set(key, text);
    return false;
  }

  /** Takes a snapshot (from the server or an optimistic update) and notifies what changed. */
  #absorb(snapshot: ProjectSnapshot, initial = false): void {
    const changedInstances: string[] = [];
    let graphChanged = initial;
    const problemsBy = new Map<string, ProjectProblem[]>();
    for (const problem of snapshot.problems) {
      if (!problem.instanceId) continue;
      const list = problemsBy.get(problem.instanceId) ?? [];
      list.push(problem);
      problemsBy.set(problem.instanceId, list);
    }
    const nextViews = new Map<string, InstanceView>();
    const ids = snapshot.project.instances.map((instance) => instance.id);
    if (!this.#same("ids", ids)) graphChanged = true;
    for (const instance of snapshot.project.instances) {
      const id = instance.id;
      const old = this.views.get(id);
      const instanceSame = this.#same(`i:${id}`, instance);
      if (!instanceSame) graphChanged = true;
      const status = snapshot.statuses[id] ?? notCreated;
      const secrets = snapshot.secrets[id] ?? noSecrets;
      const fields = snapshot.statusFields[id] ?? noFields;
      const offers = snapshot.offers?.[id] ?? noOffers;
      const problems = problemsBy.get(id) ?? noProblems;
      const component = this.registry.components[instance.type];
      const view: InstanceView = {
        instance: instanceSame && old ? old.instance : instance,
        component,
        status: this.#same(`s:${id}`, status) && old ? old.status : status,
        secrets: this.#same(`x:${id}`, secrets) && old ? old.secrets : secrets,
        statusFields: this.#same(`f:${id}`, fields) && old ? old.statusFields : fields,
        offers: this.#same(`o:${id}`, offers) && old ? old.offers : offers,
        problems: this.#same(`p:${id}`, problems) && old ? old.problems : problems,
      };
      if (
        old &&
        old.instance === view.instance &&
        old.component === view.component &&
        old.status === view.status &&
        old.secrets === view.secrets &&
        old.statusFields === view.statusFields &&
        old.offers === view.offers &&
        old.problems === view.problems
      ) {
        nextViews.set(id, old);
      } else {
        nextViews.set(id, view);
        changedInstances.push(id);
        this.#updateRunning(id, view.status);
      }
    }
    for (const id of this.views.keys()) if (!nextViews.has(id)) changedInstances.push(id);
    const nextHubs = new Map<string, Hub>();
    for (const hub of snapshot.project.hubs) {
      const old = this.hubs.get(hub.id);
      const same = this.#same(`h:${hub.id}`, hub) && old;
      nextHubs.set(hub.id, same ? old : hub);
      if (!same) {
        graphChanged = true;
        this.emitter.emit(keys.hub(hub.id));
      }
    }
    if (nextHubs.size !== this.hubs.size || [...this.hubs.keys()].some((id) => !nextHubs.has(id))) graphChanged = true;
    this.views = nextViews;
    this.hubs = nextHubs;
    this.snapshot = snapshot;
    this.project = snapshot.project;
    if (initial) return;
    for (const id of changedInstances) this.emitter.emit(keys.instance(id));
    if (changedInstances.length > 0) this.emitter.emit(keys.views);
    if (graphChanged) {
      this.graphVersion++;
      this.emitter.emit(keys.graph);
    }
    this.emitter.emit(keys.meta);
  }

  #updateRunning(id: string, status: InstanceStatus): void {
    const running = status.state === "running";
    if (running === this.running.has(id)) return;
    this.running = new Set(this.running);
    if (running) this.running.add(id);
    else this.running.delete(id);
    this.emitter.emit(keys.running);
  }

  /** Replaces the state with a snapshot from the server (after a reload or a change elsewhere). */
  setSnapshot(snapshot: ProjectSnapshot): void {
    this.#confirmed = snapshot;
    if (this.#pending === 0) this.#absorb(snapshot);
  }

  /** Reloads the project from the server. */
  async reload(): Promise<void> {
    this.setSnapshot(await this.api.getProject(this.name));
  }

  /**
   * Applies mutations at once on screen and sends them to the server in order. Resolves with the
   * server's snapshot; on failure the view goes back to the server's state and the error is thrown. A
   * batch the project operations refuse (the ones the server applies) is rejected at once with their
   * `MutationRefusedError` and never sent.
   */
  mutate(batch: ProjectMutation[], options: { label?: string; undoable?: boolean } = {}): Promise<ProjectSnapshot> {
    if (batch.length === 0) return Promise.resolve(this.snapshot);
    const before = this.project;
    // New instances get their uid here, so the server writes exactly the document shown now.
    const mutations = assignInstanceUids(before, batch);
    let optimistic: Project;
    try {
      // The server's own operations (`@highstate/project`): a batch they refuse is refused here, unsent.
      optimistic = applyMutations(before, this.registry, mutations);
    } catch (error) {
      return Promise.reject(error);
    }
    const inverse = options.undoable === false ? [] : invertMutations(before, this.registry, mutations);
    this.#pending++;
    this.#absorb({ ...this.snapshot, project: optimistic });
    // The undo entry exists from now on (removed again if the server refuses), so an undo pressed
    // before the server answered still undoes this change, queued after it.
    const entry =
      options.undoable !== false && inverse.length > 0
        ? { forward: mutations, inverse, label: options.label ?? describe(mutations) }
        : undefined;
    if (entry) {
      this.undoStack.push(entry);
      if (this.undoStack.length > 200) this.undoStack.shift();
      this.redoStack = [];
      this.emitter.emit(keys.history);
    }
    const run = async (): Promise<ProjectSnapshot> => {
      try {
        let result: ProjectSnapshot;
        try {
          result = await this.api.mutate(this.name, { revision: this.#confirmed.revision, mutations });
        } catch (error) {
          if (!(error instanceof ApiRequestError) || error.code !== "conflict") throw error;
          // Someone else changed the project: take their state, then retry once on top of it.
          this.#confirmed = await this.api.getProject(this.name);
          result = await this.api.mutate(this.name, { revision: this.#confirmed.revision, mutations });
        }
        this.#confirmed = result;
        return result;
      } catch (error) {
        if (entry) {
          this.undoStack = this.undoStack.filter((item) => item !== entry);
          this.emitter.emit(keys.history);
        }
        throw error;
      } finally {
        this.#pending--;
        if (this.#pending === 0) this.#absorb(this.#confirmed);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Undoes the last change. The entry moves to the redo stack at once, so a quick redo follows it in order. */
  async undo(): Promise<string | undefined> {
    const entry = this.undoStack.pop();
    if (!entry) return undefined;
    this.redoStack.push(entry);
    this.emitter.emit(keys.history);
    try {
      await this.mutate(entry.inverse, { undoable: false });
      return entry.label;
    } catch (error) {
      this.redoStack = this.redoStack.filter((item) => item !== entry);
      this.emitter.emit(keys.history);
      throw error;
    }
  }

  /** Redoes the last undone change (moved back to the undo stack at once). */
  async redo(): Promise<string | undefined> {
    const entry = this.redoStack.pop();
    if (!entry) return undefined;
    this.undoStack.push(entry);
    this.emitter.emit(keys.history);
    try {
      await this.mutate(entry.forward, { undoable: false });
      return entry.label;
    } catch (error) {
      this.undoStack = this.undoStack.filter((item) => item !== entry);
      this.emitter.emit(keys.history);
      throw error;
    }
  }

  /** Handles one message from `/api/events`. */
  handleEvent(event: ServerEvent): void {
    switch (event.type) {
      case "project-changed":
        if (event.project === this.name && event.revision > this.#confirmed.revision && this.#pending === 0) {
          void this.reload().catch(() => undefined);
        }
        return;
      case "instance-status": {
        if (event.project !== this.name || !this.views.has(event.instanceId)) return;
        // Fast path: only this instance's card and (if it starts or stops running) the edges change.
        const id = event.instanceId;
        this.snapshot = { ...this.snapshot, statuses: { ...this.snapshot.statuses, [id]: event.status } };
        this.#confirmed = { ...this.#confirmed, statuses: { ...this.#confirmed.statuses, [id]: event.status } };
        if (this.#same(`s:${id}`, event.status)) return;
        const old = this.views.get(id)!;
        this.views.set(id, { ...old, status: event.status });
        this.#updateRunning(id, event.status);
        this.emitter.emit(keys.instance(id));
        this.emitter.emit(keys.views);
        return;
      }
      case "operation":
        if (event.operation.project !== this.name) return;
        this.operations = new Map(this.operations).set(event.operation.id, event.operation);
        this.emitter.emit(keys.operations);
        // A finished operation changes outputs and status fields: take the server's full state.
        if (event.operation.state !== "running" && event.operation.state !== "cancelling") {
          this.#reloadSoon();
          this.#finished(event.operation);
        }
        return;
      case "engine-event": {
        if (event.project !== this.name) return;
        this.appendLog(event.instanceId, [engineEventLine(event)]);
        return;
      }
      default:
        return;
    }
  }

  #announced = new Set<string>();
  /**
   * A finished operation: a failure is announced once (a toast naming the failed instances and the
   * reason; the cards and logs show it per instance), the open logs are re-read from the server (so a
   * line written while the log was loading is not lost), and after a failure the engine is checked again.
   */
  #finished(operation: OperationInfo): void {
    for (const id of operation.instanceIds) if (this.logs.has(id)) void this.loadLogs(id).catch(() => undefined);
    if (operation.state !== "failed" || this.#announced.has(operation.id)) return;
    this.#announced.add(operation.id);
    const failed = operation.instanceIds.filter((id) => operation.results[id] === "failed");
    const names = failed.map((id) => `“${this.views.get(id)?.instance.name ?? id}”`);
    const shown = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
    // One failed instance: its own error says more than the operation's summary ("1 instance failed: …").
    const reasons = failed.flatMap((id) => this.views.get(id)?.status.error ?? []);
    const detail = failed.length === 1 && reasons[0] ? reasons[0] : (operation.error ?? reasons[0]);
    toast("error", `The ${operation.type} of ${shown || "the project"} failed`, detail);
    void refreshEngineReadiness(this.api).catch(() => undefined);
  }

  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #reloadSoon(): void {
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => {
      if (this.#pending === 0) void this.reload().catch(() => undefined);
    }, 150);
  }

  appendLog(instanceId: string, lines: LogLine[]): void {
    const current = this.logs.get(instanceId) ?? [];
    const next = current.concat(lines);
    this.logs.set(instanceId, next.length > maxLogLines ? next.slice(next.length - maxLogLines) : next);
    this.emitter.emit(keys.logs(instanceId));
  }

  /** Loads an instance's stored log (replacing what was streamed so far, which it includes). */
  async loadLogs(instanceId: string): Promise<void> {
    const logs = await this.api.instanceLogs(this.name, instanceId);
    const lines = logs.entries.map((entry) =>
      engineEventLine({
        type: "engine-event",
        operationId: entry.operationId,
        project: this.name,
        instanceId,
        event: entry.event,
        time: entry.time,
      }),
    );
    this.logs.set(instanceId, lines.slice(-maxLogLines));
    this.emitter.emit(keys.logs(instanceId));
  }

  async loadOperations(): Promise<void> {
    const list = await this.api.listOperations(this.name);
    this.operations = new Map(list.map((operation) => [operation.id, operation]));
    this.emitter.emit(keys.operations);
  }

  /** Operations still running. */
  activeOperations(): OperationInfo[] {
    return [...this.operations.values()].filter((operation) => operation.state === "running" || operation.state === "cancelling");
  }
}

/** A short label for the undo menu. */
export function describe(mutations: ProjectMutation[]): string {
  const first = mutations[0]!;
  const count = mutations.length;
  const noun: Record<ProjectMutation["op"], string> = {
    "add-instance": "add",
    "remove-instance": "delete",
    "rename-instance": "rename",
    move: "move",
    "set-args": "edit args",
    connect: "connect",
    disconnect: "disconnect",
    "add-hub": "add hub",
    "remove-hub": "delete hub",
    "connect-hub": "connect to hub",
    "disconnect-hub": "disconnect from hub",
    "inject-hub": "inject hub",
    "uninject-hub": "remove hub injection",
  };
  return count === 1 ? noun[first.op] : `${noun[first.op]} (${count} changes)`;
}
