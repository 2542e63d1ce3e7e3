/**
 * An in-memory engine for tests, benchmarks and the designer's end-to-end tests: configurable delays,
 * failures, outputs and resource counts per instance, realistic event streams, graceful and forced
 * cancellation. It keeps "stacks" in memory, so destroy after up behaves like the real thing.
 */
import { UnitRunCancelledError, UnitRunError } from "./errors.js";
import type { Engine, EngineEvent, EngineOutputValue, EngineReadiness, OperationType, UnitRunRequest, UnitRunResult } from "./types.js";

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

    const stepDelay = count > 0 ? (behavior.delayMs ?? 0) / (count + 1) : (behavior.delayMs ?? 0);
    const started = performance.now();
    for (let index = 0; index < count; index++) {
      const urn = `urn:pulumi:${instance.uid}::${request.project}::fake:index:Resource::${instance.name}-${index + 1}`;
      emit({ type: "resource", urn, resourceType: "fake:index:Resource", name: `${instance.name}-${index + 1}`, op, status: "started" });
      await sleep(stepDelay, stopSignal);
      if (stopSignal.aborted) throw new UnitRunCancelledError(instance.id);
      emit({ type: "resource", urn, resourceType: "fake:index:Resource", name: `${instance.name}-${index + 1}`, op, status: "done" });
    }
    await sleep(count > 0 ? stepDelay : (behavior.delayMs ?? 0), stopSignal);
    if (behavior.hang && !stopSignal.aborted) await new Promise((resolve) => stopSignal.addEventListener("abort", resolve, { once: true }));
    if (stopSignal.aborted) throw new UnitRunCancelledError(instance.id);

    if (behavior.fail && (!behavior.failOn || behavior.failOn.includes(operation))) {
      emit({ type: "diagnostic", severity: "error", message: behavior.fail });
      throw new UnitRunError(instance.id, behavior.fail);
    }

    const changes: Record<string, number> = count > 0 ? { [op]: count } : {};
    const durationMs = Math.round(performance.now() - started);
    switch (operation) {
      case "preview":
        emit({ type: "summary", changes, resourceCount: count, durationMs });
        return { changes, resourceCount: count };
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
  return new FakeEngine({
    defaultBehavior: {
      delayMs: number("HIGHSTATE_FAKE_ENGINE_DELAY_MS", 300),
      resourceCount: number("HIGHSTATE_FAKE_ENGINE_RESOURCES", 3),
    },
    behaviors,
  });
}
