/**
 * An in-memory engine for tests, benchmarks and the designer's end-to-end tests: configurable delays,
 * failures, outputs and resource counts per instance, realistic event streams, graceful and forced
 * cancellation. It keeps "stacks" in memory, so destroy after up behaves like the real thing.
 */
import { UnitRunCancelledError, UnitRunError } from "./errors.js";
import { PreviewCollector, type PulumiEngineEvent } from "./pulumi-events.js";
import type {
  DriftedResource,
  Engine,
  EngineEvent,
  EngineOutputValue,
  EngineReadiness,
  OperationType,
  UnitRunRequest,
  UnitRunResult,
} from "./types.js";

/** A drifted resource the fake engine reports: its name, and optionally type (default `fake:index:Resource`), change and properties. */
export interface FakeDrift {
  name: string;
  type?: string;
  change?: DriftedResource["change"];
  properties?: string[];
}

/** How the fake engine behaves for one instance (or by default). */
export interface FakeUnitBehavior {
  /** How long an operation takes, in milliseconds. Default 0. */
  delayMs?: number;
  /** When set, operations fail with this message (all of them, or those in `failOn`). */
  fail?: string;
  /** The operations `fail` applies to. Default: every operation. */
  failOn?: OperationType[];
  /** The outputs `up` produces; a function receives the request (inputs, secrets, triggers). */
  outputs?: Record<string, EngineOutputValue> | ((request: UnitRunRequest) => Record<string, EngineOutputValue>);
  /** The resources `up` creates. Default 2. */
  resourceCount?: number;
  /** When true, the operation never finishes by itself: only a cancel ends it. */
  hang?: boolean;
  /** When true, a graceful cancel is ignored (only a forced cancel stops the run), like a stuck provider. */
  ignoreGracefulCancel?: boolean;
  /** What a drift check (`refresh` with `detectDrift`) finds. Default: no drift. */
  drift?: FakeDrift[];
  /**
   * The resource steps `preview` reports and `up` takes once the instance's stack exists (e.g. a
   * `replace`, to exercise the designer's replacement warning). The rest of its resources stay the same.
   * Without it, a preview reports `create` for every resource of a new stack and `same` for an existing one.
   */
  steps?: FakeResourceStep[];
}

/** One resource step of the fake engine, as Pulumi would report it (names only, like the real events). */
export interface FakeResourceStep {
  /** Pulumi's logical step op: `create`, `update`, `replace`, `delete`, `same`, … */
  op: string;
  /** The resource type. Default `fake:index:Resource`. */
  type?: string;
  /** The resource name. */
  name: string;
  /** Names of the properties that differ. */
  diffs?: string[];
  /** For `replace`: names of the properties that force it. */
  keys?: string[];
  /** For `replace`: delete the old resource before creating the new one. */
  deleteBeforeReplace?: boolean;
}

/** The Pulumi step events of one logical step (a replacement is three steps, as the engine plans it). */
function pulumiSteps(step: FakeResourceStep & { urn: string; type: string }): PulumiEngineEvent[] {
  const metadata = (op: string) => ({
    op,
    urn: step.urn,
    type: step.type,
    ...(step.diffs ? { diffs: step.diffs } : {}),
    ...(step.keys && op !== "delete-replaced" ? { keys: step.keys } : {}),
  });
  if (step.op !== "replace") return [{ resourcePreEvent: { metadata: metadata(step.op), planning: true } }];
  const ops = step.deleteBeforeReplace
    ? ["delete-replaced", "replace", "create-replacement"]
    : ["create-replacement", "replace", "delete-replaced"];
  return ops.map((op) => ({ resourcePreEvent: { metadata: metadata(op), planning: true } }));
}

/** One call the fake engine received. */
export interface FakeEngineCall {
  operation: OperationType;
  instanceId: string;
  uid: string;
  invokedTriggers: string[];
  /** The request as the engine saw it (secrets included: tests assert what the orchestrator passed). */
  request: UnitRunRequest;
  startedAt: number;
  finishedAt?: number;
  outcome?: "succeeded" | "failed" | "cancelled";
}

/** Options of {@link FakeEngine}. */
export interface FakeEngineOptions {
  /** Behaviour for instances without their own. */
  defaultBehavior?: FakeUnitBehavior;
  /** Behaviour per instance id. */
  behaviors?: Record<string, FakeUnitBehavior>;
  /** When set, {@link FakeEngine.preflight} throws it (e.g. to simulate a missing CLI). */
  preflightError?: Error;
}

/** The outputs the fake produces when none are configured: a placeholder value per declared output. */
export function placeholderOutputs(request: UnitRunRequest): Record<string, EngineOutputValue> {
  const outputs: Record<string, EngineOutputValue> = {};
  for (const name of request.component.outputs) {
    outputs[name] = { value: { fake: true, instanceId: request.instance.id, output: name }, secret: false };
  }
  outputs.$statusFields = { value: [{ name: "engine", title: "Engine", value: "fake", secret: false }], secret: false };
  return outputs;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The in-memory engine. */
export class FakeEngine implements Engine {
  readonly name = "fake";
  /** Every call, in start order. */
  readonly calls: FakeEngineCall[] = [];
  /** Stacks by instance uid: resource count and outputs after the last up. */
  readonly stacks = new Map<string, { resourceCount: number; outputs: Record<string, EngineOutputValue> }>();
  private readonly options: FakeEngineOptions;
  private readonly behaviors: Map<string, FakeUnitBehavior>;
  private active = 0;
  private peak = 0;

  constructor(options: FakeEngineOptions = {}) {
    this.options = options;
    this.behaviors = new Map(Object.entries(options.behaviors ?? {}));
  }

  /** Runs going on right now. */
  get running(): number {
    return this.active;
  }

  /** The most runs that went on at the same time. */
  get maxConcurrent(): number {
    return this.peak;
  }

  /** Sets (or replaces) the behaviour of one instance. */
  setBehavior(instanceId: string, behavior: FakeUnitBehavior): void {
    this.behaviors.set(instanceId, behavior);
  }

  /** The calls for one instance. */
  callsFor(instanceId: string): FakeEngineCall[] {
    return this.calls.filter((call) => call.instanceId === instanceId);
  }

  async preflight(): Promise<void> {
    if (this.options.preflightError) throw this.options.preflightError;
  }

  /** Ready unless a preflight error is configured. */
  async readiness(): Promise<EngineReadiness> {
    const error = this.options.preflightError;
    return error ? { name: this.name, ready: false, problem: error.message } : { name: this.name, ready: true };
  }

  async runOperation(request: UnitRunRequest): Promise<UnitRunResult> {
    const behavior = { ...this.options.defaultBehavior, ...this.behaviors.get(request.instance.id) };
    const call: FakeEngineCall = {
      operation: request.operation,
      instanceId: request.instance.id,
      uid: request.instance.uid,
      invokedTriggers: [...request.invokedTriggers],
      request,
      startedAt: performance.now(),
    };
    this.calls.push(call);
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      const result = await this.simulate(request, behavior);
      call.outcome = "succeeded";
      return result;
    } catch (error) {
      call.outcome = error instanceof UnitRunCancelledError ? "cancelled" : "failed";
      throw error;
    } finally {
      call.finishedAt = performance.now();
      this.active--;
    }
  }

  private async simulate(request: UnitRunRequest, behavior: FakeUnitBehavior): Promise<UnitRunResult> {
    const { operation, instance } = request;
    const stopSignal = behavior.ignoreGracefulCancel ? request.forceSignal : AbortSignal.any([request.signal, request.forceSignal]);
    const existing = this.stacks.get(instance.uid);
    const count = operation === "destroy" || operation === "refresh" ? (existing?.resourceCount ?? 0) : (behavior.resourceCount ?? 2);
    const op = operation === "destroy" ? "delete" : operation === "refresh" ? "refresh" : existing ? "same" : "create";
    const emit = (event: EngineEvent) => request.onEvent(event);
    emit({ type: "log", message: `fake ${operation} of "${instance.id}"` });

    if (operation === "refresh" && request.detectDrift) return this.checkDrift(request, behavior, stopSignal);

    const urnOf = (type: string, name: string) => `urn:pulumi:${instance.uid}::${request.project}::${type}::${name}`;
    // The steps: the configured ones once the stack exists (preview and up), the rest of the resources alike.
    const configured = existing && behavior.steps && (operation === "preview" || operation === "up") ? behavior.steps : [];
    const steps = configured.map((step) => ({ ...step, type: step.type ?? "fake:index:Resource", urn: "" }));
    for (const step of steps) step.urn = urnOf(step.type, step.name);
    for (let index = steps.length; index < count; index++) {
      const name = `${instance.name}-${index + 1}`;
      steps.push({ op, type: "fake:index:Resource", name, urn: urnOf("fake:index:Resource", name) });
    }
    const preview = new PreviewCollector();
    const stepDelay = steps.length > 0 ? (behavior.delayMs ?? 0) / (steps.length + 1) : (behavior.delayMs ?? 0);
    const started = performance.now();
    for (const step of steps) {
      if (operation === "preview") for (const event of pulumiSteps(step)) preview.add(event);
      emit({ type: "resource", urn: step.urn, resourceType: step.type, name: step.name, op: step.op, status: "started" });
      await sleep(stepDelay, stopSignal);
      if (stopSignal.aborted) throw new UnitRunCancelledError(instance.id);
      emit({ type: "resource", urn: step.urn, resourceType: step.type, name: step.name, op: step.op, status: "done" });
    }
    await sleep(count > 0 ? stepDelay : (behavior.delayMs ?? 0), stopSignal);
    if (behavior.hang && !stopSignal.aborted) await new Promise((resolve) => stopSignal.addEventListener("abort", resolve, { once: true }));
    if (stopSignal.aborted) throw new UnitRunCancelledError(instance.id);

    if (behavior.fail && (!behavior.failOn || behavior.failOn.includes(operation))) {
      emit({ type: "diagnostic", severity: "error", message: behavior.fail });
      throw new UnitRunError(instance.id, behavior.fail);
    }

    const changes: Record<string, number> = {};
    for (const step of steps) changes[step.op] = (changes[step.op] ?? 0) + 1;
    const durationMs = Math.round(performance.now() - started);
    switch (operation) {
      case "preview":
        emit({ type: "summary", changes, resourceCount: count, durationMs });
        return { changes, resourceCount: count, preview: preview.result() };
      case "up": {
        const configured = typeof behavior.outputs === "function" ? behavior.outputs(request) : behavior.outputs;
        const outputs = configured ?? placeholderOutputs(request);
        this.stacks.set(instance.uid, { resourceCount: count, outputs });
        emit({ type: "summary", changes, resourceCount: count, durationMs });
        return { changes, resourceCount: count, outputs };
      }
      case "refresh":
        emit({ type: "summary", changes, resourceCount: count, durationMs });
        return { changes, resourceCount: count, outputs: existing?.outputs ?? {} };
      case "destroy":
        this.stacks.delete(instance.uid);
        emit({ type: "summary", changes, resourceCount: 0, durationMs });
        return { changes, resourceCount: 0 };
    }
  }

  /** A drift check: reads the stack's resources, reports the configured drift, changes nothing. */
  private async checkDrift(request: UnitRunRequest, behavior: FakeUnitBehavior, stopSignal: AbortSignal): Promise<UnitRunResult> {
    const { instance } = request;
    const emit = (event: EngineEvent) => request.onEvent(event);
    // A stack made by another process (the CLI runs one engine per command) counts as holding `resourceCount` resources.
    const existing = this.stacks.get(instance.uid);
    const configured = behavior.drift ?? [];
    const drift: DriftedResource[] = configured.map((item) => {
      const type = item.type ?? "fake:index:Resource";
      return {
        urn: fakeUrn(request, type, item.name),
        type,
        name: item.name,
        change: item.change ?? "changed",
        properties: [...(item.properties ?? [])],
      };
    });
    const byName = new Map(drift.map((item) => [item.name, item]));
    const names = Array.from(
      { length: existing?.resourceCount ?? behavior.resourceCount ?? 2 },
      (_, index) => `${instance.name}-${index + 1}`,
    );
    for (const item of drift) if (!names.includes(item.name)) names.push(item.name);
    const started = performance.now();
    for (const name of names) {
      const drifted = byName.get(name);
      const type = drifted?.type ?? "fake:index:Resource";
      const op = drifted ? (drifted.change === "deleted" ? "delete" : "update") : "same";
      emit({ type: "resource", urn: fakeUrn(request, type, name), resourceType: type, name, op, status: "started" });
      await sleep((behavior.delayMs ?? 0) / (names.length + 1), stopSignal);
      if (stopSignal.aborted) throw new UnitRunCancelledError(instance.id);
      emit({ type: "resource", urn: fakeUrn(request, type, name), resourceType: type, name, op, status: "done" });
    }
    if (behavior.fail && (!behavior.failOn || behavior.failOn.includes("refresh"))) {
      emit({ type: "diagnostic", severity: "error", message: behavior.fail });
      throw new UnitRunError(instance.id, behavior.fail);
    }
    const changes: Record<string, number> = {};
    for (const item of drift)
      changes[item.change === "deleted" ? "delete" : "update"] = (changes[item.change === "deleted" ? "delete" : "update"] ?? 0) + 1;
    const same = names.length - drift.length;
    if (same > 0) changes.same = same;
    const resourceCount = names.length - drift.filter((item) => item.change === "deleted").length;
    emit({ type: "summary", changes, resourceCount, durationMs: Math.round(performance.now() - started) });
    drift.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    return { changes, resourceCount, drift };
  }
}

/** The URN the fake engine gives a resource of an instance. */
function fakeUrn(request: UnitRunRequest, type: string, name: string): string {
  return `urn:pulumi:${request.instance.uid}::${request.project}::${type}::${name}`;
}

/** Builds a fake engine from `HIGHSTATE_FAKE_ENGINE_*` variables (for the designer's end-to-end tests). */
export function fakeEngineFromEnvironment(env: NodeJS.ProcessEnv = process.env): FakeEngine {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  const failing = (env.HIGHSTATE_FAKE_ENGINE_FAIL ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const behaviors: Record<string, FakeUnitBehavior> = {};
  for (const instanceId of failing)
    behaviors[instanceId] = { fail: `fake failure of "${instanceId}" (HIGHSTATE_FAKE_ENGINE_FAIL)`, failOn: ["up", "preview"] };
  // HIGHSTATE_FAKE_ENGINE_DRIFT=<instance id>,…: a drift check of these finds their first resource changed.
  for (const instanceId of (env.HIGHSTATE_FAKE_ENGINE_DRIFT ?? "").split(",").map((item) => item.trim())) {
    if (instanceId === "") continue;
    const name = instanceId.slice(instanceId.lastIndexOf(":") + 1);
    behaviors[instanceId] = { ...behaviors[instanceId], drift: [{ name: `${name}-1`, properties: ["value"] }] };
  }
  for (const [instanceId, steps] of Object.entries(parseFakeSteps(env.HIGHSTATE_FAKE_ENGINE_STEPS)))
    behaviors[instanceId] = { ...behaviors[instanceId], steps };
  return new FakeEngine({
    defaultBehavior: {
      delayMs: number("HIGHSTATE_FAKE_ENGINE_DELAY_MS", 300),
      resourceCount: number("HIGHSTATE_FAKE_ENGINE_RESOURCES", 3),
    },
    behaviors,
  });
}

/**
 * Reads `HIGHSTATE_FAKE_ENGINE_STEPS`: a JSON object of instance id → {@link FakeResourceStep} list,
 * e.g. `{"common.ssh-key-pair.v1:main":[{"op":"replace","name":"key","keys":["algorithm"]}]}`.
 */
export function parseFakeSteps(text: string | undefined): Record<string, FakeResourceStep[]> {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `HIGHSTATE_FAKE_ENGINE_STEPS is not valid JSON (${(error as Error).message}); set it to {"<instance id>": [{"op": "replace", "name": "…"}]}.`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(
      'HIGHSTATE_FAKE_ENGINE_STEPS must be a JSON object of instance id → steps, e.g. {"<instance id>": [{"op": "replace", "name": "…"}]}.',
    );
  const result: Record<string, FakeResourceStep[]> = {};
  for (const [instanceId, steps] of Object.entries(value)) {
    if (!Array.isArray(steps) || !steps.every((step) => typeof step?.op === "string" && typeof step?.name === "string"))
      throw new Error(`HIGHSTATE_FAKE_ENGINE_STEPS["${instanceId}"] must be a list of steps with a string "op" and "name".`);
    result[instanceId] = steps as FakeResourceStep[];
  }
  return result;
}
