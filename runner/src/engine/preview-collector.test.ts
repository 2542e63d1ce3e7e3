import { describe, expect, it } from "vitest";
import { PreviewCollector, type PulumiEngineEvent, previewChangeKind } from "./pulumi-events.js";

const urn = (type: string, name: string) => `urn:pulumi:dev::demo::${type}::${name}`;
const pre = (op: string, type: string, name: string, extra: Record<string, unknown> = {}): PulumiEngineEvent =>
  ({ resourcePreEvent: { metadata: { op, urn: urn(type, name), type, provider: "", ...extra }, planning: true } }) as PulumiEngineEvent;

describe("previewChangeKind", () => {
  it("folds Pulumi's step ops into what happens to the resource", () => {
    expect(
      ["create", "update", "replace", "create-replacement", "delete-replaced", "delete", "same", "read", "import", "discard"].map(
        previewChangeKind,
      ),
    ).toEqual(["create", "update", "replace", "replace", "replace", "delete", "same", "same", "import", undefined]);
  });
});

describe("PreviewCollector", () => {
  it("reports one entry per resource: creates, updates, deletes, and a replacement from its three steps", () => {
    const collector = new PreviewCollector();
    const events: PulumiEngineEvent[] = [
      pre("create", "pulumi:pulumi:Stack", "demo-dev"),
      pre("create", "pulumi:providers:kubernetes", "default_4_18_0"),
      pre("create", "pulumi:providers:kubernetes", "cluster"),
      pre("same", "kubernetes:core/v1:Namespace", "apps"),
      pre("create-replacement", "kubernetes:core/v1:PersistentVolumeClaim", "data", {
        keys: ["spec"],
        diffs: ["spec", "metadata"],
        detailedDiff: { "spec.storageClassName": { kind: "update-replace", inputDiff: true } },
        old: { inputs: { spec: { storageClassName: "OLD-SECRET-VALUE" } } },
        new: { inputs: { spec: { storageClassName: "NEW-SECRET-VALUE" } } },
      }),
      pre("replace", "kubernetes:core/v1:PersistentVolumeClaim", "data", { keys: ["spec"], diffs: ["spec", "metadata"] }),
      pre("delete-replaced", "kubernetes:core/v1:PersistentVolumeClaim", "data", { old: { inputs: { password: "OLD-SECRET-VALUE" } } }),
      pre("update", "kubernetes:apps/v1:Deployment", "web", { diffs: ["spec"] }),
      pre("delete", "kubernetes:core/v1:ConfigMap", "legacy"),
      { resOutputsEvent: { metadata: { op: "create", urn: urn("x:y:Z", "after"), type: "x:y:Z" }, planning: true } },
      { summaryEvent: { durationSeconds: 1, resourceChanges: { create: 2, replace: 1 } } },
    ];
    for (const event of events) collector.add(event);
    const result = collector.result();
    expect(result).toEqual({
      changes: [
        { kind: "create", urn: urn("pulumi:providers:kubernetes", "cluster"), type: "pulumi:providers:kubernetes", name: "cluster" },
        {
          kind: "replace",
          urn: urn("kubernetes:core/v1:PersistentVolumeClaim", "data"),
          type: "kubernetes:core/v1:PersistentVolumeClaim",
          name: "data",
          changedKeys: ["spec", "metadata", "spec.storageClassName"],
          replaceKeys: ["spec"],
        },
        {
          kind: "update",
          urn: urn("kubernetes:apps/v1:Deployment", "web"),
          type: "kubernetes:apps/v1:Deployment",
          name: "web",
          changedKeys: ["spec"],
        },
        { kind: "delete", urn: urn("kubernetes:core/v1:ConfigMap", "legacy"), type: "kubernetes:core/v1:ConfigMap", name: "legacy" },
      ],
      counts: { create: 1, update: 1, replace: 1, delete: 1, import: 0 },
      unchanged: 1,
    });
    // Only names: no value from old/new inputs reaches the result.
    expect(JSON.stringify(result)).not.toContain("SECRET-VALUE");
  });

  it("marks a replacement whose old resource goes first (deleteBeforeReplace)", () => {
    const collector = new PreviewCollector();
    for (const op of ["delete-replaced", "replace", "create-replacement"])
      collector.add(pre(op, "aws:rds/instance:Instance", "db", { keys: ["engine"] }));
    expect(collector.result().changes).toEqual([
      {
        kind: "replace",
        urn: urn("aws:rds/instance:Instance", "db"),
        type: "aws:rds/instance:Instance",
        name: "db",
        replaceKeys: ["engine"],
        deleteBeforeReplace: true,
      },
    ]);
  });

  it("keeps property names only, and only sane ones", () => {
    const collector = new PreviewCollector();
    collector.add(pre("update", "x:y:Z", "r", { diffs: ["ok", 42, { value: "nope" }, "x".repeat(500)] }));
    expect(collector.result().changes[0]!.changedKeys).toEqual(["ok"]);
  });
});
