import { join } from "node:path";
import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { pulumiModulesLoadedOnImport } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

const packageDir = join(import.meta.dirname, "..");

describe("@highstate/talos definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("the PKI, config and client modules import without loading Pulumi", async () => {
    const options = { cwd: packageDir, conditions: ["@highstate/source"], loader: "tsx" };
    expect(
      await pulumiModulesLoadedOnImport(["@highstate/talos/pki", "@highstate/talos/config", "@highstate/talos/client"], options),
    ).toEqual([]);
  }, 60_000);

  it("export the talos.cluster.v1 entity and component", () => {
    const values: unknown[] = Object.values(definitions);
    expect(values.filter(isEntity).map((entity) => entity.type)).toEqual(["talos.cluster.v1"]);
    expect(values.filter(isComponent).map((component) => component.type)).toEqual(["talos.cluster.v1"]);
  });

  it("build the registry the designer shows", async () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/talos", version: "0.0.0-snapshot" },
        entities: values.filter(isEntity),
        components: values.filter(isComponent),
      },
    ]);
    const cluster = registry.components["talos.cluster.v1"]!;
    expect(cluster.meta).toMatchObject({ title: "Talos Cluster", category: "Kubernetes" });
    const args = cluster.args.properties as Record<string, { description?: string; default?: unknown; language?: string }>;
    expect(args.endpoint?.description).toMatch(/VIP or load balancer/);
    expect(args.talosVersion?.default).toBe("v1.11.5");
    expect(args.sharedConfigPatch?.language).toBe("yaml");
    expect((cluster.secrets.properties as Record<string, { description?: string }>).secretsBundle?.description).toMatch(
      /generated on the first run and kept/,
    );
    expect(registry.entities["talos.cluster.v1"]?.meta.title).toBe("Talos Cluster");
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});
