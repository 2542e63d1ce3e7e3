import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { pulumiModulesLoadedOnImport } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

const packageDir = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string };

describe("@highstate/wireguard definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("config generation imports without loading Pulumi", async () => {
    const loaded = await pulumiModulesLoadedOnImport(["@highstate/wireguard/shared"], {
      cwd: packageDir,
      conditions: ["@highstate/source"],
      loader: "tsx",
    });
    expect(loaded).toEqual([]);
  }, 60_000);

  it("export the catalogued entities and components", () => {
    const values: unknown[] = Object.values(definitions);
    expect(
      values
        .filter(isEntity)
        .map((entity) => entity.type)
        .sort(),
    ).toEqual(["wireguard.identity.v1", "wireguard.network.v1", "wireguard.peer.v1"]);
    expect(
      values
        .filter(isComponent)
        .map((component) => component.type)
        .sort(),
    ).toEqual(expectedComponents);
  });

  it("build the registry the designer shows, with secret fields marked", () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      { package: { name: pkg.name, version: "0.0.0-snapshot" }, entities: values.filter(isEntity), components: values.filter(isComponent) },
    ]);
    expect(registry.components["wireguard.network.v1"]?.meta).toMatchObject({ title: "WireGuard Network", category: "Networking" });
    const identity = JSON.stringify(registry.entities["wireguard.identity.v1"]);
    expect(identity.match(/"secret":true/g)?.length).toBe(2);
    expect(JSON.stringify(registry.entities["wireguard.peer.v1"])).not.toContain('"secret":true');
  });
});

const expectedComponents = [
  "wireguard.config.v1",
  "wireguard.identity.v1",
  "wireguard.network.v1",
  "wireguard.node.v1",
  "wireguard.server-node.v1",
];
