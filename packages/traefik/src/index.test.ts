import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("@highstate/traefik definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("build the registry the designer shows", async () => {
    const values: unknown[] = Object.values(definitions);
    expect(values.filter(isComponent).map((component) => component.type)).toEqual(["traefik.gateway.v1"]);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/traefik", version: "0.0.0-snapshot" },
        entities: values.filter(isEntity),
        components: values.filter(isComponent),
      },
    ]);
    const component = registry.components["traefik.gateway.v1"]!;
    expect(component.meta).toMatchObject({ title: "Traefik Gateway", category: "Network" });
    expect((component.args.properties as Record<string, { description?: string }>).serviceType?.description).toMatch(/inside a VPN/);
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });

  it("accept only valid gateway data", () => {
    expect(definitions.traefikGatewayDataSchema.safeParse({ className: "traefik", httpPort: 8000, httpsPort: 8443 }).success).toBe(true);
    expect(definitions.traefikGatewayDataSchema.safeParse({ className: "traefik", httpPort: 0, httpsPort: 8443 }).success).toBe(false);
  });
});
