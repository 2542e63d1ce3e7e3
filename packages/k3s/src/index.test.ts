import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("@highstate/k3s definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("export the K3s Cluster component and no entities of their own", () => {
    const values: unknown[] = Object.values(definitions);
    expect(values.filter(isEntity)).toEqual([]);
    expect(values.filter(isComponent).map((component) => component.type)).toEqual(["k3s.cluster.v1"]);
  });

  it("build the registry the designer shows (titles, icons, categories, descriptions)", async () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      { package: { name: "@highstate/k3s", version: "0.0.0-snapshot" }, entities: [], components: values.filter(isComponent) },
    ]);
    const cluster = registry.components["k3s.cluster.v1"]!;
    expect(cluster.meta).toMatchObject({ title: "K3s Cluster", category: "Kubernetes" });
    const properties = cluster.args.properties as Record<string, { description?: string; default?: unknown }>;
    expect(properties.version?.default).toBe(definitions.defaultK3sVersion);
    expect(properties.version?.description).toMatch(/upgrades every node in place/);
    expect(cluster.inputs.server).toMatchObject({ entity: "common.server.v1", required: true, multiple: false });
    expect(cluster.inputs.agents).toMatchObject({ entity: "common.server.v1", required: false, multiple: true });
    expect(cluster.outputs.k8sCluster).toMatchObject({ entity: "k8s.cluster.v1" });
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});
