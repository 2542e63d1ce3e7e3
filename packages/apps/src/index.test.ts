import { buildRegistry, isComponent } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("@highstate/apps definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("build the registry the designer shows", async () => {
    const components = (Object.values(definitions) as unknown[]).filter(isComponent);
    expect(components.map((component) => component.type).sort()).toEqual(["apps.kubernetes-dashboard.v1", "apps.vaultwarden.v1"]);
    const registry = buildRegistry([{ package: { name: "@highstate/apps", version: "0.0.0-snapshot" }, entities: [], components }]);
    const vault = registry.components["apps.vaultwarden.v1"]!;
    expect(vault.meta).toMatchObject({ title: "Vaultwarden", category: "Apps" });
    expect(vault.inputs.mariadb).toMatchObject({ entity: "databases.mariadb.v1", required: false, multiple: false });
    expect(vault.inputs.accessPoint).toMatchObject({ entity: "k8s.access-point.v1", required: true });
    expect(registry.components["apps.kubernetes-dashboard.v1"]!.meta.title).toBe("Kubernetes Dashboard");
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});
