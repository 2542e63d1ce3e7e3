import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("@highstate/cloudflare definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("build the registry the designer shows", async () => {
    const values: unknown[] = Object.values(definitions);
    expect(values.filter(isComponent).map((component) => component.type)).toEqual(["cloudflare.connection.v1"]);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/cloudflare", version: "0.0.0-snapshot" },
        entities: values.filter(isEntity),
        components: values.filter(isComponent),
      },
    ]);
    const component = registry.components["cloudflare.connection.v1"]!;
    expect(component.meta).toMatchObject({ title: "Cloudflare Connection", category: "DNS" });
    expect((component.secrets.properties as Record<string, { description?: string }>).apiToken?.description).toMatch(/Zone:Read/);
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });

  it("accept only Cloudflare zone ids as data", () => {
    expect(
      definitions.cloudflareImplementationDataSchema.safeParse({ zoneIds: { "example.com": "0123456789abcdef0123456789abcdef" } }).success,
    ).toBe(true);
    expect(definitions.cloudflareImplementationDataSchema.safeParse({ zoneIds: { "example.com": "zone-1" } }).success).toBe(false);
  });
});
