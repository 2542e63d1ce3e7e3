import { describe, expect, it } from "vitest";
import { HasDependentsError, InstanceBlockedError } from "../planner/index.js";
import { testdir } from "../test-utils/testdir.js";
import { A, chainProject, flatProject, K, M, testContext } from "./__fixtures__/test-project.js";
import { PulumiCliNotFoundError } from "./errors.js";
import type { OrchestratorEvent } from "./event-hub.js";
import { FakeEngine } from "./fake-engine.js";
import { Orchestrator } from "./orchestrator.js";
import type { InstanceStatus } from "./types.js";

async function setup(options: { engine?: FakeEngine; parallelism?: number; project?: ReturnType<typeof chainProject> } = {}) {
  const workspace = await testdir();
  const engine = options.engine ?? new FakeEngine({ defaultBehavior: { delayMs: 20 } });
  const orchestrator = new Orchestrator({ workspaceRoot: workspace, engine, parallelism: options.parallelism ?? 4 });
  const context = await testContext(workspace, options.project ?? chainProject());
  const events: OrchestratorEvent[] = [];
  orchestrator.subscribe((event) => events.push(event));
  return { workspace, engine, orchestrator, context, events };
}

const finishedOf = (engine: FakeEngine, id: string, operation = "up") =>
  engine.callsFor(id).find((call) => call.operation === operation)!.finishedAt!;
const startedOf = (engine: FakeEngine, id: string, operation = "up") =>
  engine.callsFor(id).find((call) => call.operation === operation)!.startedAt;

describe("Orchestrator with the fake engine", () => {
  it("runs dependencies first and independent instances in parallel, recording statuses and outputs", async () => {
    const { engine, orchestrator, context, events } = await setup();
    const result = await orchestrator.run(context, { type: "up", instanceIds: [A("a1"), M("m2")], includeDependencies: true });

    expect(result.state).toBe("completed");
    expect(result.instanceIds).toEqual([M("m1"), M("m2"), K("k1"), A("a1")]);
    expect(result.results).toEqual({ [M("m1")]: "succeeded", [M("m2")]: "succeeded", [K("k1")]: "succeeded", [A("a1")]: "succeeded" });
    expect(startedOf(engine, K("k1"))).toBeGreaterThanOrEqual(finishedOf(engine, M("m1")));
    expect(startedOf(engine, A("a1"))).toBeGreaterThanOrEqual(finishedOf(engine, K("k1")));
    // m2 does not wait for anything: it overlaps m1.
    expect(startedOf(engine, M("m2"))).toBeLessThan(finishedOf(engine, M("m1")));

    // k1 got m1's output as its resolved input.
    const k1Request = engine.callsFor(K("k1"))[0]!.request;
    expect(k1Request.inputs).toEqual({
      server: [{ instanceId: M("m1"), output: "server", value: { fake: true, instanceId: M("m1"), output: "server" } }],
    });
    expect(k1Request.secretInputs).toEqual({});

    const statuses = await orchestrator.statuses(context);
    expect(statuses[A("a1")]).toMatchObject({ state: "created", outdated: false, resourceCount: 2, operation: "up" });
    const stored = await orchestrator.stateStore("demo").get(context.project.instances[0]!.uid);
    expect(stored?.outputs.server).toEqual({ fake: true, instanceId: M("m1"), output: "server" });

    // The stream: operation updates, pending → running → created statuses, engine events per instance.
    const operationStates = events.filter((event) => event.type === "operation").map((event) => event.operation.state);
    expect(operationStates[0]).toBe("running");
    expect(operationStates.at(-1)).toBe("completed");
    const k1States = events
      .filter((event) => event.type === "instance-status" && event.instanceId === K("k1"))
      .map((event) => (event as { status: InstanceStatus }).status.state);
    expect(k1States.slice(0, 3)).toEqual(["pending", "running", "created"]);
    const engineEvents = events.filter((event) => event.type === "engine-event" && event.instanceId === A("a1"));
    expect(engineEvents.map((event) => (event as Extract<OrchestratorEvent, { type: "engine-event" }>).event.type)).toEqual([
      "log",
      "resource",
      "resource",
      "resource",
      "resource",
      "summary",
    ]);
    expect(engineEvents.every((event) => (event as { operationId: string }).operationId === result.id)).toBe(true);
    expect(orchestrator.list("demo")[0]!.id).toBe(result.id);
    expect(
      (await orchestrator.logs.entries("demo", A("a1"), context.project.instances[2]!.uid)).map((entry) => entry.event.type),
    ).toContain("summary");
  });

  it("never runs more instances at once than the parallelism limit", async () => {
    const engine = new FakeEngine({ defaultBehavior: { delayMs: 40 } });
    const { orchestrator, context } = await setup({ engine, parallelism: 3, project: flatProject(9) });
    const result = await orchestrator.run(context, { type: "up", instanceIds: context.project.instances.map((instance) => instance.id) });
    expect(result.state).toBe("completed");
    expect(engine.maxConcurrent).toBe(3);
    const limited = await orchestrator.run(context, {
      type: "refresh",
      instanceIds: context.project.instances.map((instance) => instance.id),
      parallelism: 1,
    });
    expect(limited.state).toBe("completed");
    expect(engine.calls.filter((call) => call.operation === "refresh")).toHaveLength(9);
  });

  it("stops the dependents of a failed instance but not its siblings", async () => {
    const engine = new FakeEngine({ defaultBehavior: { delayMs: 10 }, behaviors: { [M("m1")]: { fail: "machine quota exceeded" } } });
    const { orchestrator, context, events } = await setup({ engine });
    const result = await orchestrator.run(context, { type: "up", instanceIds: [A("a1"), M("m2")], includeDependencies: true });
    expect(result.state).toBe("failed");
    expect(result.results).toEqual({ [M("m1")]: "failed", [M("m2")]: "succeeded", [K("k1")]: "skipped", [A("a1")]: "skipped" });
    expect(result.error).toBe(`1 instance failed: "${M("m1")}"`);
    expect(engine.callsFor(K("k1"))).toEqual([]);
    const statuses = await orchestrator.statuses(context);
    expect(statuses[M("m1")]).toMatchObject({ state: "failed", error: "machine quota exceeded" });
    expect(statuses[K("k1")]!.state).toBe("not-created");
    expect(statuses[M("m2")]!.state).toBe("created");
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "engine-event",
        instanceId: K("k1"),
        event: { type: "log", message: `Skipped because "${M("m1")}" did not succeed.` },
      }),
    );
  });

  it("cancels: running instances gracefully, queued ones never start", async () => {
    const engine = new FakeEngine({ defaultBehavior: { delayMs: 10 }, behaviors: { [M("m1")]: { hang: true } } });
    const { orchestrator, context } = await setup({ engine, parallelism: 1 });
    const handle = await orchestrator.start(context, { type: "up", instanceIds: [A("a1"), M("m2")], includeDependencies: true });
    await waitFor(() => engine.running === 1);
    const cancelling = handle.cancel();
    expect(cancelling.state).toBe("cancelling");
    const result = await handle.done;
    expect(result.state).toBe("cancelled");
    expect(result.results).toEqual({ [M("m1")]: "cancelled", [M("m2")]: "cancelled", [K("k1")]: "cancelled", [A("a1")]: "cancelled" });
    expect(engine.calls.map((call) => call.instanceId)).toEqual([M("m1")]);
    expect((await orchestrator.statuses(context))[M("m2")]!.state).toBe("not-created");
  });

  it("force-cancels a run that ignores the graceful cancel", async () => {
    const engine = new FakeEngine({ behaviors: { [M("m1")]: { hang: true, ignoreGracefulCancel: true } } });
    const { orchestrator, context } = await setup({ engine, project: flatProject(1) });
    const handle = await orchestrator.start(context, { type: "up", instanceIds: [M("m1")] });
    await waitFor(() => engine.running === 1);
    handle.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(engine.running).toBe(1);
    orchestrator.cancel(handle.info.id, { force: true });
    expect((await handle.done).state).toBe("cancelled");
    expect(engine.calls[0]!.outcome).toBe("cancelled");
  });

  it("refuses to destroy while dependents exist, and cascades in reverse order", async () => {
    const { engine, orchestrator, context } = await setup();
    await orchestrator.run(context, { type: "up", instanceIds: [A("a1")], includeDependencies: true });
    await expect(orchestrator.start(context, { type: "destroy", instanceIds: [M("m1")] })).rejects.toBeInstanceOf(HasDependentsError);
    expect(engine.calls.filter((call) => call.operation === "destroy")).toEqual([]);

    const result = await orchestrator.run(context, { type: "destroy", instanceIds: [M("m1")], cascade: true });
    expect(result.state).toBe("completed");
    expect(result.instanceIds).toEqual([A("a1"), K("k1"), M("m1")]);
    const destroys = engine.calls.filter((call) => call.operation === "destroy");
    expect(destroys.map((call) => call.instanceId)).toEqual([A("a1"), K("k1"), M("m1")]);
    expect(startedOf(engine, K("k1"), "destroy")).toBeGreaterThanOrEqual(finishedOf(engine, A("a1"), "destroy"));
    const statuses = await orchestrator.statuses(context);
    for (const id of [A("a1"), K("k1"), M("m1")]) expect(statuses[id]!.state).toBe("not-created");
    const stored = await orchestrator.stateStore("demo").get(context.project.instances[0]!.uid);
    expect(stored).toMatchObject({ status: "not-created", resourceCount: 0, outputs: {} });
  });

  it("propagates outdatedness downstream and re-runs outdated dependencies", async () => {
    let host = "10.0.0.1";
    const engine = new FakeEngine({
      behaviors: { [M("m1")]: { outputs: () => ({ server: { value: { host }, secret: false } }) } },
    });
    const { orchestrator, context } = await setup({ engine });
    await orchestrator.run(context, { type: "up", instanceIds: [A("a1")], includeDependencies: true });
    expect(Object.values(await orchestrator.statuses(context)).map((status) => status.outdated)).toEqual([false, false, false, false]);

    host = "10.0.0.2";
    await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] });
    let statuses = await orchestrator.statuses(context);
    expect(statuses[M("m1")]!.outdated).toBe(false);
    expect(statuses[K("k1")]).toMatchObject({ outdated: true, outdatedReasons: ['input "server" changed'] });
    expect(statuses[A("a1")]).toMatchObject({ outdated: true, outdatedReasons: [`upstream "${K("k1")}" is outdated`] });

    // Changed args make m1 outdated; an up of a1 with dependencies runs m1, k1 and a1 again.
    context.project.instances[0]!.args = { size: 2 };
    statuses = await orchestrator.statuses(context);
    expect(statuses[M("m1")]).toMatchObject({ outdated: true, outdatedReasons: ["args changed"] });
    const result = await orchestrator.run(context, { type: "up", instanceIds: [A("a1")], includeDependencies: true });
    expect(result.instanceIds).toEqual([M("m1"), K("k1"), A("a1")]);
    expect(Object.values(await orchestrator.statuses(context)).every((status) => !status.outdated)).toBe(true);
    expect(engine.callsFor(K("k1")).at(-1)!.request.inputs.server![0]!.value).toEqual({ host: "10.0.0.2" });
  });

  it("refuses to run an instance whose upstream is not created unless dependencies are included", async () => {
    const { orchestrator, context } = await setup();
    await expect(orchestrator.start(context, { type: "up", instanceIds: [K("k1")] })).rejects.toBeInstanceOf(InstanceBlockedError);
  });

  it("keeps generated $secrets in the project secrets, so they survive destroy and re-create", async () => {
    let generatedToken = "generated-token-1";
    const engine = new FakeEngine({
      behaviors: {
        [M("m1")]: {
          outputs: (request) => ({
            server: { value: { host: "h" }, secret: false },
            $secrets: { value: { token: (request.secrets.token as string | undefined) ?? generatedToken }, secret: true },
          }),
        },
      },
    });
    const { orchestrator, context } = await setup({ engine });
    await context.secrets.set(M("m1"), "password", "set-by-user");
    await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] });
    expect(context.secrets.getInstanceSecrets(M("m1"))).toEqual({ password: "set-by-user", token: "generated-token-1" });
    const stored = await orchestrator.stateStore("demo").get(context.project.instances[0]!.uid);
    expect(Object.keys(stored!.outputs)).toEqual(["server"]);
    expect(stored!.secretOutputs).toBeUndefined();
    // Generating a secret does not make the instance outdated.
    expect((await orchestrator.statuses(context))[M("m1")]!.outdated).toBe(false);

    await orchestrator.run(context, { type: "destroy", instanceIds: [M("m1")] });
    generatedToken = "generated-token-2";
    await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] });
    expect(engine.callsFor(M("m1")).at(-1)!.request.secrets).toEqual({ password: "set-by-user", token: "generated-token-1" });
    expect(context.secrets.get(M("m1"), "token")).toBe("generated-token-1");
  });

  it("runs before-destroy triggers once with the trigger invoked, then destroys", async () => {
    const engine = new FakeEngine({
      behaviors: {
        [M("m1")]: {
          outputs: (request) => ({
            server: { value: { host: "h" }, secret: false },
            $triggers: { value: request.invokedTriggers.length > 0 ? [] : [{ name: "backup", type: "before-destroy" }], secret: false },
          }),
        },
      },
    });
    const { orchestrator, context } = await setup({ engine, project: flatProject(1) });
    await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] });
    const result = await orchestrator.run(context, { type: "destroy", instanceIds: [M("m1")] });
    expect(result.state).toBe("completed");
    expect(engine.calls.map((call) => [call.operation, call.invokedTriggers])).toEqual([
      ["up", []],
      ["up", ["backup"]],
      ["destroy", []],
    ]);
  });

  it("does not destroy when the before-destroy trigger fails", async () => {
    const engine = new FakeEngine({
      behaviors: { [M("m1")]: { outputs: () => ({ $triggers: { value: [{ name: "backup", type: "before-destroy" }], secret: false } }) } },
    });
    const { orchestrator, context } = await setup({ engine, project: flatProject(1) });
    await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] });
    engine.setBehavior(M("m1"), { fail: "backup target unreachable", failOn: ["up"] });
    const result = await orchestrator.run(context, { type: "destroy", instanceIds: [M("m1")] });
    expect(result.results[M("m1")]).toBe("failed");
    expect(engine.calls.map((call) => call.operation)).toEqual(["up", "up"]);
    expect((await orchestrator.statuses(context))[M("m1")]).toMatchObject({ state: "failed", error: "backup target unreachable" });
  });

  it("passes secret upstream outputs as secret inputs and masks secrets in events", async () => {
    const engine = new FakeEngine({
      behaviors: {
        [M("m1")]: { outputs: () => ({ server: { value: { host: "secret-host.internal" }, secret: true } }) },
        [K("k1")]: { fail: "cannot reach secret-host.internal with pw-0123456789" },
      },
    });
    const { orchestrator, context, events } = await setup({ engine });
    await context.secrets.set(M("m1"), "password", "pw-0123456789");
    await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] });
    const stored = await orchestrator.stateStore("demo").get(context.project.instances[0]!.uid);
    expect(JSON.stringify(stored)).not.toContain("secret-host.internal");
    await orchestrator.run(context, { type: "up", instanceIds: [K("k1")] });
    const k1Request = engine.callsFor(K("k1"))[0]!.request;
    expect(k1Request.inputs).toEqual({});
    expect(k1Request.secretInputs).toEqual({
      server: [{ instanceId: M("m1"), output: "server", value: { host: "secret-host.internal" } }],
    });
    const messages = events.flatMap((event) =>
      event.type === "engine-event" && event.event.type === "diagnostic" ? [event.event.message] : [],
    );
    expect(messages).toContain("cannot reach [secret] with pw-0123456789");
    expect((await orchestrator.statuses(context))[K("k1")]!.error).toBe("cannot reach [secret] with pw-0123456789");
  });

  it("fails every run at once when the engine cannot run, touching nothing", async () => {
    const missing = new PulumiCliNotFoundError("3.270.0", ["PATH"]);
    const engine = new FakeEngine({ preflightError: missing });
    const { orchestrator, context, events } = await setup({ engine });
    const result = await orchestrator.run(context, { type: "up", instanceIds: [A("a1")], includeDependencies: true });
    expect(result.state).toBe("failed");
    expect(result.error).toBe(missing.message);
    expect(Object.values(result.results)).toEqual(["failed", "failed", "failed"]);
    expect(engine.calls).toEqual([]);
    expect(await orchestrator.stateStore("demo").getAll()).toEqual({});
    // Each instance shows the reason: its status, a streamed log event and its stored log.
    const statuses = await orchestrator.statuses(context);
    expect(statuses[M("m1")]).toMatchObject({ state: "failed", operation: "up", error: missing.message });
    expect(statuses[M("m2")]!.state).toBe("not-created");
    const line = `The up could not start: ${missing.message}`;
    const streamed = events.flatMap((event) =>
      event.type === "engine-event" && event.event.type === "diagnostic" ? [[event.instanceId, event.event.message]] : [],
    );
    expect(streamed).toEqual([M("m1"), K("k1"), A("a1")].map((id) => [id, line]));
    const a1 = context.project.instances.find((instance) => instance.id === A("a1"))!;
    const logged = await orchestrator.logs.entries("demo", A("a1"), a1.uid);
    expect(logged.map((entry) => entry.event)).toEqual([{ type: "diagnostic", severity: "error", message: line }]);
    expect(statusEvents(events, M("m1")).at(-1)).toMatchObject({ state: "failed", error: missing.message });

    // Once the engine can run, the next operation clears the error.
    delete (engine as unknown as { options: { preflightError?: Error } }).options.preflightError;
    expect((await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] })).state).toBe("completed");
    expect((await orchestrator.statuses(context))[M("m1")]).toMatchObject({ state: "created" });
    expect((await orchestrator.statuses(context))[M("m1")]!.error).toBeUndefined();
  });

  it("refuses a second operation on an instance that is already running", async () => {
    const engine = new FakeEngine({ behaviors: { [M("m1")]: { hang: true } } });
    const { orchestrator, context } = await setup({ engine, project: flatProject(2) });
    const first = await orchestrator.start(context, { type: "up", instanceIds: [M("m1")] });
    await expect(orchestrator.start(context, { type: "up", instanceIds: [M("m1")] })).rejects.toThrow(/already in the running operation/);
    expect((await orchestrator.run(context, { type: "up", instanceIds: [M("m2")] })).state).toBe("completed");
    first.cancel({ force: true });
    await first.done;
  });
});

function statusEvents(events: OrchestratorEvent[], instanceId: string) {
  return events.flatMap((event) => (event.type === "instance-status" && event.instanceId === instanceId ? [event.status] : []));
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
