import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { pulumiModulesLoadedOnImport } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

const packageDir = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string; version: string };

describe("@highstate/common definitions", () => {
  it("import without loading Pulumi", async () => {
    const loaded = await pulumiModulesLoadedOnImport(["@highstate/common"], { cwd: packageDir, conditions: ["@highstate/source"], loader: "tsx" });
    expect(loaded).toEqual([]);
    // The check does see Pulumi when a program is imported.
    const program = await pulumiModulesLoadedOnImport(["@highstate/common/ssh-key-pair"], { cwd: packageDir, conditions: ["@highstate/source"], loader: "tsx" });
    expect(program.length).toBeGreaterThan(0);
  }, 60_000);

  it("export the catalogued entities and components", () => {
    const values: unknown[] = Object.values(definitions);
    expect(values.filter(isEntity).map((entity) => entity.type).sort()).toEqual([
      "common.dns-provider.v1",
      "common.endpoint.v1",
      "common.server.v1",
      "common.ssh-key-pair.v1",
    ]);
    expect(values.filter(isComponent).map((component) => component.type).sort()).toEqual(["common.existing-server.v1", "common.ssh-key-pair.v1"]);
  });

  it("build the registry the designer shows (titles, icons, categories, descriptions)", async () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      { package: { name: pkg.name, version: "0.0.0-snapshot" }, entities: values.filter(isEntity), components: values.filter(isComponent) },
    ]);
    const server = registry.components["common.existing-server.v1"]!;
    expect(server.meta).toMatchObject({ title: "Existing Server", icon: "mdi:server", category: "Servers" });
    expect((server.args.properties as Record<string, { description?: string }>).endpoint?.description).toBe("The IP address or host name of the server.");
    expect(server.inputs.sshKeyPair).toMatchObject({ entity: "common.ssh-key-pair.v1", required: false, multiple: false });
    expect(server.inputs.sshKeyPair?.description).toMatch(/authorized_keys/);
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});

describe("entity schemas", () => {
  it("validate endpoints and servers", () => {
    expect(definitions.endpointSchema.parse({ host: "10.0.0.1", port: 443 })).toEqual({ host: "10.0.0.1", port: 443, protocol: "tcp" });
    expect(definitions.endpointSchema.safeParse({ host: "bad host", port: 443 }).success).toBe(false);
    expect(definitions.endpointSchema.safeParse({ host: "::1", port: 0 }).success).toBe(false);
    expect(definitions.serverSchema.safeParse({ hostname: "a", endpoints: [] }).success).toBe(false);
  });

  it("mark secret fields in the JSON Schema", () => {
    const registry = buildRegistry([{ package: { name: "x", version: "0" }, entities: [definitions.serverEntity, definitions.dnsProviderEntity], components: [] }]);
    const text = JSON.stringify(registry.entities);
    expect(text.match(/"secret":true/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it("find the DNS provider for a domain by the longest matching zone, and strip credentials", () => {
    const base = { implRef: { package: "@highstate/cloudflare", data: {} }, credentials: { apiToken: "t" } };
    const a = definitions.dnsProviderSchema.parse({ ...base, id: "a", zones: ["example.com"] });
    const b = definitions.dnsProviderSchema.parse({ ...base, id: "b", zones: ["dev.example.com"] });
    expect(definitions.findDnsProviderForDomain([a, b], "app.dev.example.com.")).toEqual({ provider: b, zone: "dev.example.com" });
    expect(definitions.findDnsProviderForDomain([a, b], "example.com")?.provider.id).toBe("a");
    expect(definitions.findDnsProviderForDomain([a, b], "example.org")).toBeUndefined();
    expect(definitions.findDnsProviderForDomain([a], "badexample.com")).toBeUndefined();
    expect(definitions.withoutDnsCredentials(a).credentials).toEqual({});
  });
});
