import { buildRegistry } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("entity schemas", () => {
  it("validate endpoints and servers", () => {
    expect(definitions.endpointSchema.parse({ host: "10.0.0.1", port: 443 })).toEqual({ host: "10.0.0.1", port: 443, protocol: "tcp" });
    expect(definitions.endpointSchema.safeParse({ host: "bad host", port: 443 }).success).toBe(false);
    expect(definitions.endpointSchema.safeParse({ host: "::1", port: 0 }).success).toBe(false);
    expect(definitions.serverSchema.safeParse({ hostname: "a", endpoints: [] }).success).toBe(false);
  });

  it("mark secret fields in the JSON Schema", () => {
    const registry = buildRegistry([
      { package: { name: "x", version: "0" }, entities: [definitions.serverEntity, definitions.dnsProviderEntity], components: [] },
    ]);
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
