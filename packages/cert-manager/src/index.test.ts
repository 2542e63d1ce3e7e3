import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("@highstate/cert-manager definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("build the registry the designer shows", async () => {
    const values: unknown[] = Object.values(definitions);
    expect(
      values
        .filter(isComponent)
        .map((component) => component.type)
        .sort(),
    ).toEqual(["cert-manager.controller.v1", "cert-manager.dns01-issuer.v1"]);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/cert-manager", version: "0.0.0-snapshot" },
        entities: values.filter(isEntity),
        components: values.filter(isComponent),
      },
    ]);
    expect(registry.components["cert-manager.controller.v1"]?.meta).toMatchObject({ title: "Cert Manager", category: "Kubernetes" });
    const issuer = registry.components["cert-manager.dns01-issuer.v1"]!;
    expect(issuer.meta.title).toBe("DNS01 Issuer");
    expect((issuer.args.properties as Record<string, { description?: string }>).email?.description).toMatch(/ACME account/);
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });

  it("know the ACME directory URLs", () => {
    expect(definitions.acmeServerUrl({ type: "letsencrypt" })).toBe("https://acme-v02.api.letsencrypt.org/directory");
    expect(definitions.acmeServerSchema.safeParse({ type: "custom", url: "http://insecure.example/directory" }).success).toBe(false);
  });
});
