import { describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { A, chainProject, K, M, testContext } from "./__fixtures__/test-project.js";
import { DriftCollector, driftOfStep } from "./drift.js";
import { FakeEngine } from "./fake-engine.js";
import { Orchestrator } from "./orchestrator.js";

const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;

describe("driftOfStep (a finished step of a refresh preview)", () => {
  it("names the top-level properties of the provider's diff, never values", () => {
    const drift = driftOfStep({
      op: "refresh",
      urn: urn("kubernetes:apps/v1:Deployment", "web"),
      type: "kubernetes:apps/v1:Deployment",
      old: { custom: true, outputs: { spec: { replicas: 2 }, password: "[secret]" } },
      new: { custom: true, outputs: { spec: { replicas: 5 }, password: "[secret]" } },
      diffs: ["spec"],
      detailedDiff: { "spec.replicas": { kind: "update" }, 'metadata.labels["team"]': { kind: "add" } },
    });
    expect(drift).toEqual({
      urn: urn("kubernetes:apps/v1:Deployment", "web"),
      type: "kubernetes:apps/v1:Deployment",
      name: "web",
      change: "changed",
      properties: ["metadata", "spec"],
    });
    expect(JSON.stringify(drift)).not.toContain("5");
  });

  it("reports a resource the provider no longer finds as deleted", () => {
    expect(
      driftOfStep({ op: "refresh", urn: urn("random:index:RandomPet", "pet"), type: "random:index:RandomPet", old: { custom: true } }),
    ).toMatchObject({
      change: "deleted",
      properties: [],
    });
    expect(driftOfStep({ op: "delete", urn: urn("random:index:RandomPet", "pet"), type: "random:index:RandomPet" })?.change).toBe(
      "deleted",
    );
  });

  it("compares outputs by key for an update without a provider diff, and ignores unchanged and bookkeeping resources", () => {
    expect(
      driftOfStep({
        op: "update",
        urn: urn("aws:s3:Bucket", "b"),
        type: "aws:s3:Bucket",
        old: { custom: true, outputs: { acl: "private", tags: {} } },
        new: { custom: true, outputs: { acl: "public-read", tags: {} } },
      })?.properties,
    ).toEqual(["acl"]);
    const same = { old: { custom: true, outputs: { a: 1 } }, new: { custom: true, outputs: { a: 1 } } };
    expect(driftOfStep({ op: "refresh", urn: urn("aws:s3:Bucket", "b"), type: "aws:s3:Bucket", ...same, diffs: [] })).toBeUndefined();
    expect(driftOfStep({ op: "same", urn: urn("aws:s3:Bucket", "b"), type: "aws:s3:Bucket", ...same })).toBeUndefined();
    expect(
      driftOfStep({ op: "refresh", urn: urn("pulumi:pulumi:Stack", "p-s"), type: "pulumi:pulumi:Stack", diffs: ["x"] }),
    ).toBeUndefined();
    expect(
      driftOfStep({ op: "refresh", urn: urn("pulumi:providers:aws", "prov"), type: "pulumi:providers:aws", diffs: ["x"] }),
    ).toBeUndefined();
    expect(driftOfStep({ op: "refresh", urn: urn("acme:C", "c"), type: "acme:C", old: { custom: false }, diffs: ["x"] })).toBeUndefined();
  });

  it("collects the drift of a whole event stream and the summary's count", () => {
    const collector = new DriftCollector();
    const step = (name: string, extra: object) => ({
      resOutputsEvent: {
        metadata: { op: "refresh", urn: urn("t:i:R", name), type: "t:i:R", old: { custom: true }, new: { custom: true }, ...extra },
      },
    });
    collector.add({ resourcePreEvent: {} } as never);
    collector.add(step("b", { diffs: ["size"] }));
    collector.add(step("a", { new: null }));
    collector.add(step("c", { diffs: [] }));
    collector.add({ summaryEvent: { resourceChanges: { same: 2, update: 1, delete: 1 } } });
    expect(collector.resources.map((resource) => [resource.name, resource.change, resource.properties])).toEqual([
      ["a", "deleted", []],
      ["b", "changed", ["size"]],
    ]);
    expect(collector.summaryDrift).toBe(2);
  });
});

describe("drift checks through the orchestrator (fake engine)", () => {
  it("records drift per instance without changing anything else; a later up clears it", async () => {
    const workspace = await testdir();
    const engine = new FakeEngine({
      behaviors: {
        [K("k1")]: {
          drift: [
            { name: "k1-2", properties: ["size", "labels"] },
            { name: "k1-1", change: "deleted" },
          ],
        },
      },
    });
    const orchestrator = new Orchestrator({ workspaceRoot: workspace, engine, parallelism: 2 });
    const context = await testContext(workspace, chainProject());
    await orchestrator.run(context, { type: "up", instanceIds: [A("a1")], includeDependencies: true });
    const uid = (id: string) => context.project.instances.find((instance) => instance.id === id)!.uid;
    const before = await orchestrator.stateStore("demo").get(uid(K("k1")));

    // A not-created instance (m2) is left out, like refresh does.
    const result = await orchestrator.run(context, { type: "refresh", instanceIds: [M("m1"), K("k1"), M("m2")], detectDrift: true });
    expect(result).toMatchObject({ state: "completed", detectDrift: true, instanceIds: [M("m1"), K("k1")] });
    expect(engine.calls.filter((call) => call.operation === "refresh").every((call) => call.request.detectDrift === true)).toBe(true);

    const statuses = await orchestrator.statuses(context);
    expect(statuses[M("m1")]!.drift).toMatchObject({ resources: [] });
    expect(statuses[K("k1")]!.drift!.resources).toEqual([
      {
        urn: `urn:pulumi:${uid(K("k1"))}::demo::fake:index:Resource::k1-1`,
        type: "fake:index:Resource",
        name: "k1-1",
        change: "deleted",
        properties: [],
      },
      {
        urn: `urn:pulumi:${uid(K("k1"))}::demo::fake:index:Resource::k1-2`,
        type: "fake:index:Resource",
        name: "k1-2",
        change: "changed",
        properties: ["size", "labels"],
      },
    ]);
    expect(Date.parse(statuses[K("k1")]!.drift!.checkedAt)).not.toBeNaN();
    expect(statuses[A("a1")]!.drift).toBeUndefined();

    // Nothing but the drift changed: status, outputs, resource count and the operation log are as they were.
    const after = await orchestrator.stateStore("demo").get(uid(K("k1")));
    const { drift, ...rest } = after!;
    expect(drift?.resources).toHaveLength(2);
    expect(rest).toEqual(before);

    // up reverts the drift, so the record no longer stands.
    await orchestrator.run(context, { type: "up", instanceIds: [K("k1")] });
    expect((await orchestrator.statuses(context))[K("k1")]!.drift).toBeUndefined();
  });

  it("a failed drift check records nothing and does not stop the checks of dependents", async () => {
    const workspace = await testdir();
    const engine = new FakeEngine();
    const orchestrator = new Orchestrator({ workspaceRoot: workspace, engine, parallelism: 2 });
    const context = await testContext(workspace, chainProject());
    await orchestrator.run(context, { type: "up", instanceIds: [A("a1")], includeDependencies: true });
    const before = await orchestrator.stateStore("demo").getAll();
    engine.setBehavior(M("m1"), { fail: "provider unreachable", failOn: ["refresh"] });

    const result = await orchestrator.run(context, { type: "refresh", instanceIds: [M("m1"), K("k1")], detectDrift: true });
    expect(result.results).toEqual({ [M("m1")]: "failed", [K("k1")]: "succeeded" });
    const after = await orchestrator.stateStore("demo").getAll();
    const m1 = context.project.instances.find((instance) => instance.id === M("m1"))!.uid;
    expect(after[m1]).toEqual(before[m1]);
    expect((await orchestrator.statuses(context))[M("m1")]).toMatchObject({ state: "created" });
    await expect(orchestrator.run(context, { type: "up", instanceIds: [M("m1")], detectDrift: true })).rejects.toThrow(
      /preview of a refresh/,
    );
  });
});
