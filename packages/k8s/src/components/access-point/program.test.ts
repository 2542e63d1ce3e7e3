import { accessPointSchema } from "@highstate/k8s";
import { runError, testUnit } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import unit from "./program.js";

const gateway = {
  clusterId: "cluster-uid",
  clusterName: "prod",
  implRef: { package: "@highstate/traefik", data: {} },
  endpoints: ["203.0.113.7"],
};
const issuer = { clusterId: "cluster-uid", zones: ["example.com"], issuerRef: { name: "letsencrypt" } };
const dns = {
  id: "cloudflare:acct",
  zones: ["example.com", "example.org"],
  implRef: { package: "@highstate/cloudflare", data: {} },
  credentials: { apiToken: "token-value" },
};

describe("Access Point", () => {
  it("bundles the gateway, issuers and DNS providers without creating resources, keeping credentials secret", async () => {
    const result = await testUnit(unit, {
      name: "public",
      args: { proxied: true },
      inputs: { gateway, tlsIssuers: [issuer] },
      secretInputs: { dnsProviders: [dns] },
    });
    expect(result.resources).toEqual([]);
    expect(accessPointSchema.parse(result.outputs.accessPoint)).toEqual({
      gateway,
      tlsIssuers: [{ ...issuer, issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" } }],
      dnsProviders: [dns],
      proxied: true,
    });
    expect(result.secretOutputs).toContain("accessPoint");
    expect(result.outputs.$statusFields).toEqual([
      { name: "zones", title: "Zones", value: "example.com, example.org", secret: false },
      { name: "tls", title: "TLS", value: "issued by cert-manager", secret: false },
    ]);
  });

  it("works with a gateway alone and says that apps get plain HTTP", async () => {
    const result = await testUnit(unit, { inputs: { gateway } });
    expect(result.outputs.accessPoint).toEqual({ gateway, tlsIssuers: [], dnsProviders: [], proxied: false });
    expect(result.outputs.$statusFields).toContainEqual({
      name: "tls",
      title: "TLS",
      value: "none: apps are published over plain HTTP",
      secret: false,
    });
  });

  it("refuses issuers of another cluster and zones served twice", async () => {
    const error = await runError(
      testUnit(unit, {
        inputs: {
          gateway,
          tlsIssuers: [issuer, { ...issuer, clusterId: "other", issuerRef: { name: "staging" } }],
          dnsProviders: [dns, { ...dns, id: "other-account", zones: ["example.org"] }],
        },
      }),
    );
    expect(error.message).toContain('Access point "k8s.access-point.v1:test" cannot be built');
    expect(error.message).toContain('TLS issuer "staging" is in cluster "other", but the gateway is in cluster "prod" (cluster-uid)');
    expect(error.message).toContain('zone "example.com" is served by two TLS issuers ("letsencrypt" and "staging")');
    expect(error.message).toContain('zone "example.org" is served by two DNS providers ("cloudflare:acct" and "other-account")');
  });

  it("requires a gateway", async () => {
    const error = await runError(testUnit(unit, {}));
    expect(error.message).toContain('requires input "gateway"');
  });
});
