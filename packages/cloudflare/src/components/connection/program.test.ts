import { dnsProviderSchema } from "@highstate/common";
import { runError, testUnit } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import unit, { CloudflareZonesError } from "./program.js";

const zoneA = { id: "0123456789abcdef0123456789abcdef", name: "example.com", account: { id: "acct-1" } };
const zoneB = { id: "fedcba9876543210fedcba9876543210", name: "Example.org", account: { id: "acct-1" } };

/** A Cloudflare API as the provider's getZones invoke sees it. */
function zonesApi(zones: Array<typeof zoneA>, fail?: string) {
  return {
    call: (args: { token: string; inputs: Record<string, unknown> }) => {
      if (args.token !== "cloudflare:index/getZones:getZones") return undefined;
      if (fail) throw new Error(fail);
      const name = args.inputs.name as string | undefined;
      return { match: "all", results: zones.filter((zone) => !name || zone.name.toLowerCase() === name.toLowerCase()) };
    },
  };
}

describe("Cloudflare Connection", () => {
  it("serves every zone the token can see, with their ids as data and the token as secret credentials", async () => {
    const result = await testUnit(unit, { name: "cf", secrets: { apiToken: "cf-token-value" }, mocks: zonesApi([zoneB, zoneA]) });
    const provider = dnsProviderSchema.parse(result.outputs.dnsProvider);
    expect(provider).toEqual({
      id: "cloudflare:acct-1",
      zones: ["example.com", "example.org"],
      implRef: { package: "@highstate/cloudflare", data: { zoneIds: { "example.com": zoneA.id, "example.org": zoneB.id } } },
      credentials: { apiToken: "cf-token-value" },
    });
    expect(result.secretOutputs).toContain("dnsProvider");
    const cloudflareProvider = result.resource("pulumi:providers:cloudflare", "cf");
    expect(cloudflareProvider.secretInputs).toContain("apiToken");
    expect(result.calls.every((call) => call.provider?.includes("pulumi:providers:cloudflare::cf"))).toBe(true);
    expect(result.outputs.$statusFields).toEqual([{ name: "zones", title: "Zones", value: "example.com, example.org", secret: false }]);
  });

  it("serves only the zones named in the args and refuses one the token cannot see", async () => {
    const result = await testUnit(unit, { args: { zones: ["example.org"] }, secrets: { apiToken: "t" }, mocks: zonesApi([zoneA, zoneB]) });
    expect((result.outputs.dnsProvider as { zones: string[] }).zones).toEqual(["example.org"]);
    const error = await runError(
      testUnit(unit, { args: { zones: ["example.net"] }, secrets: { apiToken: "t" }, mocks: zonesApi([zoneA]) }),
    );
    expect(error).toBeInstanceOf(CloudflareZonesError);
    expect(error.message).toContain('zone "example.net" from the "zones" arg is not visible to the API token');
  });

  it("fails clearly when the token sees no zones or cannot list them", async () => {
    let error = await runError(testUnit(unit, { secrets: { apiToken: "t" }, mocks: zonesApi([]) }));
    expect(error.message).toContain('Cloudflare connection "cloudflare.connection.v1:test": the API token can see no zones');
    error = await runError(testUnit(unit, { secrets: { apiToken: "t" }, mocks: zonesApi([], "Authentication error (10000)") }));
    expect(error).toBeInstanceOf(CloudflareZonesError);
    expect(error.message).toMatch(
      /could not list the zones its API token can see: .+\. Check the "apiToken" secret and give the token the Zone:Read permission$/,
    );
  });

  it("requires the API token", async () => {
    const error = await runError(testUnit(unit, { mocks: zonesApi([zoneA]) }));
    expect(error.message).toContain('"apiToken"');
  });
});
