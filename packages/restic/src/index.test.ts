import { join } from "node:path";
import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { pulumiModulesLoadedOnImport } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

const packageDir = join(import.meta.dirname, "..");

describe("@highstate/restic definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("the rclone config module imports without loading Pulumi", async () => {
    const options = { cwd: packageDir, conditions: ["@highstate/source"], loader: "tsx" };
    expect(await pulumiModulesLoadedOnImport(["@highstate/restic/rclone"], options)).toEqual([]);
  }, 60_000);

  it("export the catalogued entity and component", () => {
    const values: unknown[] = Object.values(definitions);
    expect(values.filter(isEntity).map((entity) => entity.type)).toEqual(["restic.repository.v1"]);
    expect(values.filter(isComponent).map((component) => component.type)).toEqual(["restic.repository.v1"]);
  });

  it("build the registry the designer shows", async () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/restic", version: "0.0.0-snapshot" },
        entities: values.filter(isEntity),
        components: values.filter(isComponent),
      },
    ]);
    const component = registry.components["restic.repository.v1"]!;
    expect(component.meta).toMatchObject({ title: "Restic Repo", category: "Backups" });
    expect((component.args.properties as Record<string, { description?: string }>).remoteName?.description).toMatch(/several remotes/);
    expect((component.secrets.properties as Record<string, { description?: string }>).rcloneConfig?.description).toMatch(
      /rclone config file/,
    );
    expect(registry.entities["restic.repository.v1"]?.meta.title).toBe("Restic Repo");
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});
