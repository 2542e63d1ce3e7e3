/**
 * What the orchestrator knows about one project between runs: the instance state store (status, last
 * outputs, last-success fingerprint, operation log), an in-memory copy of it, the planner's view of it,
 * and the statuses the designer shows.
 */
import type { Project, Registry } from "@highstate/contract";
import {
  deriveFingerprintKey,
  digestSecrets,
  type FingerprintKey,
  fingerprintFormat,
  instancePlan,
  type PlanInstanceState,
  type ProjectPlan,
  planProject,
  planStatesFromStore,
  type StoredInstanceState,
} from "../planner/index.js";
import type { ProjectSecrets } from "../secrets/index.js";
import type { InstanceState, InstanceStateStore } from "../workspace/index.js";
import type { InstanceStatus, OperationType } from "./types.js";

/**
 * A project as the caller (CLI, designer server) holds it. Operations need the password and unlocked
 * secrets; statuses and plans work without them (secrets are then not compared).
 */
export interface ProjectContext {
  /** The project name. */
  name: string;
  /** The project model as loaded (operations run against this snapshot). */
  project: Project;
  /** The registry of installed components. */
  registry: Registry;
  /** The project's secrets file; must be unlocked for operations. */
  secrets: ProjectSecrets;
  /** The project password; required for operations. */
  password?: string;
}

/** Whether an instance's stack holds resources (as the planner counts it: created, or failed with resources left). */
export function isCreated(state: InstanceState | undefined): boolean {
  return state !== undefined && (state.status === "created" || (state.status === "failed" && state.resourceCount > 0));
}

/** What is happening to an instance right now in a running operation. */
export interface LiveInstanceState {
  state: "pending" | "running";
  operation: OperationType;
  progress?: { done: number; total: number };
}

/** The cached state of one project. */
export class ProjectStateCache {
  /** Instance states by uid, as last read or written. */
  states = new Map<string, InstanceState>();
  /** Instances of running operations, by instance id. */
  readonly live = new Map<string, LiveInstanceState>();
  /**
   * Instances whose last operation failed before it could start (e.g. no `pulumi` CLI), by uid (so a
   * rename keeps it and a new instance under a removed one's name does not inherit it): shown as
   * failed with that error until an operation starts for them. Kept in memory only, as nothing on
   * disk changed.
   */
  readonly notStarted = new Map<string, { operation: OperationType; error: string }>();
  private loaded = false;
  private key: { salt: string; password: string; key: Promise<FingerprintKey> } | undefined;

  constructor(readonly store: InstanceStateStore) {}

  /** Reads every instance state from disk (again). */
  async reload(): Promise<void> {
    this.states = new Map(Object.entries(await this.store.getAll()));
    this.loaded = true;
  }

  /** Reads the states once. */
  async ensureLoaded(): Promise<void> {
    if (!this.loaded) await this.reload();
  }

  /** The fingerprint key of the project (derived once per password and salt), or `undefined` without a password. */
  async fingerprintKey(context: ProjectContext): Promise<FingerprintKey | undefined> {
    const salt = context.secrets.encryptionSalt;
    if (context.password === undefined || salt === undefined) return undefined;
    if (!this.key || this.key.salt !== salt || this.key.password !== context.password) {
      const key = deriveFingerprintKey(context.password, salt);
      this.key = { salt, password: context.password, key };
      key.catch(() => {
        this.key = undefined;
      });
    }
    return this.key.key;
  }

  /** The planner's view of the states, by instance id (the planner decides what counts as created). */
  planStates(project: Project): Map<string, PlanInstanceState> {
    const stored: Record<string, StoredInstanceState> = {};
    for (const [uid, state] of this.states) {
      stored[uid] = {
        status: state.status,
        resourceCount: state.resourceCount,
        outputDigests: state.outputHashes,
        ...(state.lastSuccess ? { lastSuccess: state.lastSuccess } : {}),
      };
    }
    return planStatesFromStore(project, stored);
  }

  /** The digests of every instance's secrets (only when the project is unlocked and a password is known). */
  async secretsDigests(context: ProjectContext): Promise<Map<string, string> | undefined> {
    const key = context.secrets.isUnlocked ? await this.fingerprintKey(context) : undefined;
    if (!key) return undefined;
    const digests = new Map<string, string>();
    for (const instance of context.project.instances) {
      const digest = digestSecrets(context.secrets.getInstanceSecrets(instance.id), key);
      if (digest !== undefined) digests.set(instance.id, digest);
    }
    return digests;
  }

  /** The plan of the project with the current states. */
  async plan(context: ProjectContext): Promise<ProjectPlan> {
    await this.ensureLoaded();
    const secretsDigests = await this.secretsDigests(context);
    return planProject({
      project: context.project,
      registry: context.registry,
      states: this.planStates(context.project),
      ...(secretsDigests ? { secretsDigests } : {}),
    });
  }

  /** The status of every instance, as the designer shows it. */
  statuses(context: ProjectContext, plan: ProjectPlan): Record<string, InstanceStatus> {
    const result: Record<string, InstanceStatus> = {};
    for (const instance of context.project.instances) {
      result[instance.id] = this.status(instance.id, instance.uid, plan);
    }
    return result;
  }

  /** The status of one instance. */
  status(instanceId: string, uid: string, plan: ProjectPlan): InstanceStatus {
    const stored = this.states.get(uid);
    const planned = instancePlan(plan, instanceId);
    const live = this.live.get(instanceId);
    const last = stored?.log.at(-1);
    const notStarted = live ? undefined : this.notStarted.get(uid);
    let state: InstanceStatus["state"];
    if (live) state = live.state;
    else if (planned?.state === "unknown-component") state = "unknown-component";
    else if (notStarted) state = "failed";
    else if (stored?.status === "failed") state = "failed";
    else state = isCreated(stored) ? "created" : "not-created";
    const outdated = planned?.outdated ?? false;
    return {
      state,
      outdated,
      ...(outdated && planned && planned.reasons.length > 0 ? { outdatedReasons: [...planned.reasons] } : {}),
      ...(stored && isCreated(stored) ? { resourceCount: stored.resourceCount } : {}),
      ...(live?.progress ? { progress: { ...live.progress } } : {}),
      ...(live
        ? { operation: live.operation }
        : notStarted
          ? { operation: notStarted.operation }
          : last
            ? { operation: last.operation }
            : {}),
      ...(notStarted ? { error: notStarted.error } : !live && stored?.lastError ? { error: stored.lastError.message } : {}),
      ...(last ? { updatedAt: last.finishedAt } : {}),
      ...(stored?.drift && isCreated(stored) ? { drift: structuredClone(stored.drift) } : {}),
    };
  }
}

/** The current fingerprint format, re-exported for tests. */
export { fingerprintFormat };
