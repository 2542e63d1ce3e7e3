import { join } from "node:path";
import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { pulumiModulesLoadedOnImport } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

const packageDir = join(import.meta.dirname, "..");

describe("@highstate/proxmox definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("the Proxmox API client imports without loading Pulumi", async () => {
    const options = { cwd: packageDir, conditions: ["@highstate/source"], loader: "tsx" };
    expect(await pulumiModulesLoadedOnImport(["@highstate/proxmox/api"], options)).toEqual([]);
  }, 60_000);

  it("export the catalogued entities and components", () => {
    const values: unknown[] = Object.values(definitions);
    expect(
      values
        .filter(isEntity)
        .map((entity) => entity.type)
        .sort(),
    ).toEqual(["proxmox.connection.v1", "proxmox.image.v1"]);
    expect(
      values
        .filter(isComponent)
        .map((component) => component.type)
        .sort(),
    ).toEqual(expectedComponents);
  });

  it("build the registry the designer shows (titles, icons, categories, descriptions)", async () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/proxmox", version: "0.0.0-snapshot" },
        entities: values.filter(isEntity),
        components: values.filter(isComponent),
      },
    ]);
    const connection = registry.components["proxmox.connection.v1"]!;
    expect(connection.meta).toMatchObject({ title: "Proxmox Connection", category: "Proxmox" });
    expect((connection.secrets.properties as Record<string, { description?: string }>).apiToken?.description).toMatch(
      /USER@REALM!TOKENID=SECRET/,
    );
    expect(JSON.stringify(registry.entities["proxmox.connection.v1"]).match(/"secret":true/g)?.length).toBeGreaterThanOrEqual(4);
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});

const expectedComponents = ["proxmox.connection.v1", "proxmox.existing-image.v1", "proxmox.image.v1", "proxmox.virtual-machine.v1"];
