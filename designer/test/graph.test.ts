import { buildRegistry } from "@highstate/contract";
import type { ProjectSnapshot } from "@highstate/project/api";
import { describe, expect, it } from "vitest";
import { benchPackages, benchProject } from "../bench/bench-project.ts";
import { ApiClient } from "../src/api/client.ts";
import { buildEdges, buildNodes } from "../src/canvas/graph.ts";
import { layoutCard } from "../src/canvas/layout.ts";
import { driftMarker, statusChip } from "../src/canvas/status.ts";
import { ProjectStore } from "../src/state/project-store.ts";

const registry = buildRegistry(
  benchPackages.map((pkg) => ({ package: { name: pkg.name, version: "0.1.0" }, entities: pkg.entities, components: pkg.components })),
);

function store(n = 200): ProjectStore {
  const { project, statuses } = benchProject(n);
  const snapshot: ProjectSnapshot = {
    name: "bench",
    revision: 1,
    project,
    unlocked: true,
    problems: [],
    statuses,
    secrets: {},
    statusFields: {},
    offers: {},
  };
  return new ProjectStore(new ApiClient("http://127.0.0.1:9"), registry, snapshot);
}

describe("graph building", () => {
  it("a status change replaces one node object and no edge object", () => {
    const s = store();
    const nodes = buildNodes(s, new Set(), []);
    const edges = buildEdges(s, s.running, []);
    const id = nodes[17]!.id;
    let notified = 0;
    s.emitter.subscribe(`instance:${id}`, () => notified++);
    let otherNotified = 0;
    s.emitter.subscribe(`instance:${nodes[18]!.id}`, () => otherNotified++);
    s.handleEvent({
      type: "instance-status",
      project: "bench",
      instanceId: id,
      status: { state: "created", outdated: true, outdatedReasons: ["args changed"], resourceCount: 4 },
    });
    const next = buildNodes(s, new Set(), nodes);
    const changed = next.filter((node, index) => node !== nodes[index]);
    expect(changed.map((node) => node.id)).toEqual([id]);
    expect(notified).toBe(1);
    expect(otherNotified).toBe(0);
    expect(buildEdges(s, s.running, edges).every((edge, index) => edge === edges[index])).toBe(true);
  });

  it("a running upstream animates only its outgoing edges", () => {
    const s = store();
    const edges = buildEdges(s, s.running, []);
    const source = edges[0]!.source;
    s.handleEvent({
      type: "instance-status",
      project: "bench",
      instanceId: source,
      status: { state: "running", outdated: false, progress: { done: 1, total: 4 }, operation: "up" },
    });
    const next = buildEdges(s, s.running, edges);
    const changed = next.filter((edge, index) => edge !== edges[index]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((edge) => edge.source === source && edge.animated === true)).toBe(true);
  });

  it("lays out cards from data, with handles at the chips", () => {
    const s = store(3);
    const view = [...s.views.values()].find((item) => item.status.state !== "failed")!;
    const layout = layoutCard(view, false);
    expect(layout.argRows).toEqual([
      ["Private IP", view.instance.args.privateIp as string],
      ["Zone", view.instance.args.zone as string],
    ]);
    const failed = [...s.views.values()].find((item) => item.status.state === "failed");
    if (failed) expect(layoutCard(failed, false).problemsHeight).toBe(8 * 2 + 18);
    expect(layout.height).toBe(60 + 52 + 106 + 48);
    expect(layout.handles.find((handle) => handle.id === "in:links")).toMatchObject({
      x: -4,
      y: 60 + 52 + 8 + 13 - 11,
      width: 8,
      height: 22,
    });
    expect(layout.handles.find((handle) => handle.id === "out:data")).toMatchObject({ x: 316, y: 60 + 52 + 8 + 32 + 13 - 11 });
    const collapsed = layoutCard(view, true);
    expect(collapsed.inputRows).toEqual(["3 inputs"]);
    expect(collapsed.height).toBe(60 + 52 + 42 + 48);
    expect(new Set(collapsed.handles.filter((handle) => handle.id.startsWith("in:")).map((handle) => handle.y)).size).toBe(1);
  });

  it("names statuses like the original designer", () => {
    expect(statusChip({ state: "created", outdated: false, resourceCount: 4 }).text).toBe("CREATED 4/4");
    expect(statusChip({ state: "running", outdated: false, progress: { done: 3, total: 7 }, operation: "up" }).text).toBe("RUNNING 3/7");
    expect(statusChip({ state: "running", outdated: false, progress: { done: 1, total: 2 }, operation: "destroy" }).text).toBe(
      "DESTROYING 1/2",
    );
    expect(statusChip({ state: "not-created", outdated: false }).text).toBe("NOT CREATED");
    expect(statusChip({ state: "failed", outdated: false, error: "boom" })).toMatchObject({
      text: "FAILED",
      detail: "boom",
      tone: "error",
    });
    expect(statusChip({ state: "created", outdated: true, outdatedReasons: ["args changed"] })).toMatchObject({
      text: "OUTDATED",
      tone: "warning",
    });
  });

  it("marks drift the last drift check found, with the resources and properties in the tooltip", () => {
    const drift = {
      checkedAt: "2026-12-04T10:00:00.000Z",
      resources: [
        { urn: "urn:a", type: "kubernetes:apps/v1:Deployment", name: "web", change: "changed" as const, properties: ["spec"] },
        { urn: "urn:b", type: "kubernetes:core/v1:Secret", name: "tls", change: "deleted" as const, properties: [] },
      ],
    };
    const marker = driftMarker({ state: "created", outdated: false, resourceCount: 4, drift });
    expect(marker?.text).toBe("DRIFT 2");
    expect(marker?.detail.split("\n")).toEqual([
      "2 resources differ from the state (checked 2026-12-04T10:00:00.000Z):",
      "kubernetes:apps/v1:Deployment web: spec",
      "kubernetes:core/v1:Secret tls: no longer exists",
      "Up puts them back as the state says; refresh takes the real values into the state.",
    ]);
    expect(driftMarker({ state: "created", outdated: false, drift: { checkedAt: drift.checkedAt, resources: [] } })).toBeUndefined();
    expect(driftMarker({ state: "running", outdated: false, drift })).toBeUndefined();
    expect(driftMarker({ state: "created", outdated: false })).toBeUndefined();
  });
});
