/**
 * Runs one instance within an operation: prepares the engine request (args, inputs resolved from
 * upstream instances' last outputs, secrets), runs before-destroy triggers, streams scrubbed events,
 * and records the outcome: last outputs and status in the state store, generated `$secrets` merged into
 * the project secrets, the fingerprint of a successful `up`.
 */
import type { RegistryComponent, Trigger, UnitInputsConfig } from "@highstate/contract";
import { computeInstanceFingerprint, digestSecrets, missingOutputDigest, type ProjectPlan, resolvedInputsOf } from "../planner/index.js";
import type { PassphraseCrypter } from "../secrets/index.js";
import type { OperationRecord, OutputValue } from "../workspace/index.js";
import { UnitRunCancelledError } from "./errors.js";
import type { ProjectContext, ProjectStateCache } from "./project-state.js";
import { createSecretScrubber, type SecretScrubber } from "./secret-scrubber.js";
import type {
  DriftedResource,
  Engine,
  EngineEvent,
  EngineOutputValue,
  InstancePreview,
  OperationType,
  UnitRunRequest,
  UnitRunResult,
} from "./types.js";

/** What running an instance needs from its operation. */
export interface InstanceRunEnvironment {
  engine: Engine;
  workspaceRoot: string;
  backendUrl: string;
  context: ProjectContext & { password: string };
  crypter: PassphraseCrypter;
  cache: ProjectStateCache;
  plan: ProjectPlan;
  signal: AbortSignal;
  forceSignal: AbortSignal;
  /** Receives the instance's (already scrubbed) engine events. */
  onEvent: (instanceId: string, event: EngineEvent) => void;
  /**
   * Waits for a free engine slot (the parallelism limit counts engine runs, not bookkeeping); resolves
   * with the release function, or `undefined` when the operation was cancelled while waiting.
   */
  acquireEngine: () => Promise<(() => void) | undefined>;
  /** Called when the engine run of the instance actually starts (it is "running" from then on). */
  onEngineStart: (instanceId: string) => void;
  /**
   * With `refresh`: a drift check. The engine previews the refresh; only the drift found is recorded
   * (`drift` in the instance state); a failed check records nothing.
   */
  detectDrift?: boolean;
}

/** How an instance's part of an operation ended. */
export interface InstanceRunOutcome {
  result: "succeeded" | "failed" | "cancelled";
  error?: string;
  /** For a drift check that succeeded: the drifted resources (empty: none). */
  drift?: DriftedResource[];
  /** For a successful `preview`: what `up` would do per resource (names scrubbed of secrets). */
  preview?: InstancePreview;
}

function outputsToStore(outputs: Record<string, EngineOutputValue> | undefined): Record<string, OutputValue> | undefined {
  if (!outputs) return undefined;
  const { $secrets: _generated, ...rest } = outputs;
  return rest;
}

/** The before-destroy triggers an instance's last outputs ask for. */
export function beforeDestroyTriggers(outputs: Record<string, OutputValue>): string[] {
  const value = outputs.$triggers?.value;
  if (!Array.isArray(value)) return [];
  return (value as Trigger[])
    .filter((trigger) => trigger?.type === "before-destroy" && typeof trigger.name === "string")
    .map((trigger) => trigger.name);
}

/** Runs one instance's part of an operation. Never throws: failures are recorded and reported. */
export async function runInstance(env: InstanceRunEnvironment, instanceId: string, operation: OperationType): Promise<InstanceRunOutcome> {
  const { context, cache } = env;
  // The plan was made from this project: its index gives the instance's position.
  const instance = context.project.instances[env.plan.graph.index.get(instanceId)!]!;
  const component = Object.hasOwn(context.registry.components, instance.type) ? context.registry.components[instance.type] : undefined;
  let scrubber: SecretScrubber = createSecretScrubber(context.password);
  const emittedErrors = new Set<string>();
  // Resources created or deleted so far, so a failed run still knows roughly what its stack holds.
  let resourceDelta = 0;
  const emit = (event: EngineEvent) => {
    if (event.type === "resource" && event.status === "done") {
      if (event.op === "create") resourceDelta++;
      else if (event.op === "delete") resourceDelta--;
    }
    const scrubbed = scrubEvent(event, scrubber);
    if (scrubbed.type === "diagnostic" && scrubbed.severity === "error") emittedErrors.add(scrubbed.message);
    env.onEvent(instanceId, scrubbed);
  };

  const execute = async (op: OperationType, invokedTriggers: string[]): Promise<InstanceRunOutcome> => {
    const startedAt = new Date();
    const checkDrift = op === "refresh" && env.detectDrift === true;
    const secrets = context.secrets.getInstanceSecrets(instanceId);
    const { inputs, secretInputs, inputDigests } = resolveInputs(env, instanceId, component);
    scrubber = createSecretScrubber(context.password, secrets, secretInputs);
    const record = async (entry: Omit<OperationRecord, "instanceId" | "operation" | "startedAt" | "finishedAt">) => {
      const state = await cache.store.record(
        instance.uid,
        { instanceId, operation: op, startedAt, finishedAt: new Date(), ...entry },
        env.crypter,
      );
      cache.states.set(instance.uid, state);
    };
    const request: UnitRunRequest = {
      operation: op,
      workspaceRoot: env.workspaceRoot,
      project: context.name,
      instance: { project: context.name, id: instance.id, type: instance.type, name: instance.name, uid: instance.uid },
      component: {
        type: instance.type,
        ...(component?.source ? { source: component.source } : {}),
        outputs: Object.keys(component?.outputs ?? {}),
      },
      args: instance.args,
      inputs,
      secretInputs,
      secrets,
      invokedTriggers,
      ...(checkDrift ? { detectDrift: true } : {}),
      password: context.password,
      encrypter: env.crypter,
      backendUrl: env.backendUrl,
      onEvent: emit,
      signal: env.signal,
      forceSignal: env.forceSignal,
    };
    let result: UnitRunResult;
    resourceDelta = 0;
    const release = await env.acquireEngine();
    // Cancelled before it started: nothing ran, so nothing is recorded.
    if (!release) return { result: "cancelled" };
    try {
      env.onEngineStart(instanceId);
      result = await env.engine.runOperation(request);
    } catch (error) {
      const cancelled = error instanceof UnitRunCancelledError;
      const message = scrubber.scrub(
        cancelled ? `The ${checkDrift ? "drift check" : op} was cancelled.` : (error as Error).message || String(error),
      );
      if (!cancelled && !emittedErrors.has(message)) emit({ type: "diagnostic", severity: "error", message });
      // A drift check changes nothing, not even when it fails.
      if (checkDrift) return { result: cancelled ? "cancelled" : "failed", error: message };
      const before = cache.states.get(instance.uid)?.resourceCount ?? 0;
      await record({
        result: cancelled ? "cancelled" : "failed",
        error: message,
        ...(op === "up" || op === "destroy" ? { resourceCount: Math.max(0, before + resourceDelta) } : {}),
      });
      return { result: cancelled ? "cancelled" : "failed", error: message };
    } finally {
      release();
    }

    if (checkDrift) {
      const drift = (result.drift ?? []).map((resource) => ({
        ...resource,
        urn: scrubber.scrub(resource.urn),
        name: scrubber.scrub(resource.name),
        properties: resource.properties.map((property) => scrubber.scrub(property)),
      }));
      const state = await cache.store.recordDrift(instance.uid, instanceId, { checkedAt: new Date().toISOString(), resources: drift });
      cache.states.set(instance.uid, state);
      return { result: "succeeded", drift };
    }

    if (op === "up" || op === "refresh") {
      const generated = result.outputs?.$secrets?.value;
      let merged = secrets;
      if (generated && typeof generated === "object" && !Array.isArray(generated)) {
        const strings = Object.fromEntries(
          Object.entries(generated as Record<string, unknown>).filter(([, value]) => typeof value === "string"),
        ) as Record<string, string>;
        if (Object.keys(strings).length > 0) {
          await context.secrets.setMany(instanceId, strings);
          merged = { ...secrets, ...strings };
        }
      }
      const outputs = outputsToStore(result.outputs);
      if (op === "up" && component) {
        const key = await cache.fingerprintKey(context);
        const secretsDigest = digestSecrets(merged, key);
        const fingerprint = computeInstanceFingerprint({
          componentType: instance.type,
          package: component.package,
          args: instance.args,
          ...(secretsDigest !== undefined ? { secretsDigest } : {}),
          inputs: inputDigests,
        });
        await record({
          result: "succeeded",
          resourceCount: result.resourceCount,
          resourceChanges: result.changes,
          ...(outputs ? { outputs } : {}),
          fingerprint,
        });
      } else {
        await record({
          result: "succeeded",
          resourceCount: result.resourceCount,
          resourceChanges: result.changes,
          ...(outputs ? { outputs } : {}),
        });
      }
    } else if (op === "destroy") {
      await record({ result: "succeeded", resourceCount: 0, resourceChanges: result.changes });
    } else {
      await record({ result: "succeeded", resourceChanges: result.changes });
    }
    if (!result.preview) return { result: "succeeded" };
    const preview = scrubPreview(result.preview, scrubber);
    // Replacements destroy what the old resource holds: the log (and the CLI's progress) says so too.
    for (const change of preview.changes) {
      if (change.kind !== "replace") continue;
      const because = change.replaceKeys?.length ? ` because ${change.replaceKeys.map((key) => `"${key}"`).join(", ")} changed` : "";
      emit({
        type: "diagnostic",
        severity: "warning",
        message: `up would replace ${change.type} "${change.name}"${because}: the old resource is deleted${change.deleteBeforeReplace ? " before the new one is created" : ""}, with whatever it holds.`,
      });
    }
    return { result: "succeeded", preview };
  };

  if (operation === "destroy") {
    const state = cache.states.get(instance.uid);
    let triggers: string[] = [];
    if (state) {
      try {
        triggers = beforeDestroyTriggers(cache.store.outputs(state, env.crypter));
      } catch {
        triggers = beforeDestroyTriggers(cache.store.outputs(state, env.crypter, { secrets: "omit" }));
      }
    }
    if (triggers.length > 0 && component) {
      emit({
        type: "log",
        message: `Running the before-destroy trigger${triggers.length > 1 ? "s" : ""} ${triggers.map((name) => `"${name}"`).join(", ")} before destroying.`,
      });
      const triggered = await execute("up", triggers);
      if (triggered.result !== "succeeded") {
        return triggered.result === "cancelled"
          ? triggered
          : {
              result: "failed",
              error: `The before-destroy trigger of "${instanceId}" failed, so it was not destroyed: ${triggered.error}`,
            };
      }
    }
  }
  return execute(operation, []);
}

/** Resolves an instance's inputs from the last outputs of its upstream instances. */
function resolveInputs(
  env: InstanceRunEnvironment,
  instanceId: string,
  component: RegistryComponent | undefined,
): { inputs: UnitInputsConfig; secretInputs: UnitInputsConfig; inputDigests: Record<string, string[]> } {
  const inputs: UnitInputsConfig = {};
  const secretInputs: UnitInputsConfig = {};
  const inputDigests: Record<string, string[]> = {};
  if (!component) return { inputs, secretInputs, inputDigests };
  const uids = new Map(env.context.project.instances.map((instance) => [instance.id, instance.uid]));
  const resolved = resolvedInputsOf(env.plan.graph, instanceId) ?? {};
  const decrypted = new Map<string, Record<string, OutputValue>>();
  for (const name of Object.keys(component.inputs)) {
    const digests: string[] = [];
    for (const ref of resolved[name] ?? []) {
      const uid = uids.get(ref.instanceId);
      const state = uid === undefined ? undefined : env.cache.states.get(uid);
      digests.push(state?.outputHashes[ref.output] ?? missingOutputDigest);
      if (!state) continue;
      let outputs = decrypted.get(uid!);
      if (!outputs) {
        outputs = env.cache.store.outputs(state, env.crypter);
        decrypted.set(uid!, outputs);
      }
      const output = outputs[ref.output];
      if (!output) continue;
      const target = output.secret ? secretInputs : inputs;
      const values = target[name] ?? [];
      values.push({ instanceId: ref.instanceId, output: ref.output, value: output.value });
      target[name] = values;
    }
    inputDigests[name] = digests;
  }
  return { inputs, secretInputs, inputDigests };
}

function scrubEvent(event: EngineEvent, scrubber: SecretScrubber): EngineEvent {
  switch (event.type) {
    case "diagnostic":
      return { ...event, message: scrubber.scrub(event.message) };
    case "log":
      return { ...event, message: scrubber.scrub(event.message) };
    case "resource":
      return { ...event, urn: scrubber.scrub(event.urn), name: scrubber.scrub(event.name) };
    default:
      return event;
  }
}

/** A preview with every name and URN scrubbed like the events (a secret may end up in a resource name). */
function scrubPreview(preview: InstancePreview, scrubber: SecretScrubber): InstancePreview {
  return {
    ...preview,
    changes: preview.changes.map((change) => ({
      ...change,
      urn: scrubber.scrub(change.urn),
      name: scrubber.scrub(change.name),
      type: scrubber.scrub(change.type),
    })),
  };
}
