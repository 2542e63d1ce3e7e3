import * as common from "@highstate/common";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("entity schemas", () => {
  const gateway = { clusterId: "c", clusterName: "prod", implRef: { package: "@highstate/traefik" }, endpoints: ["203.0.113.7"] };

  it("fill defaults of a cluster and reject a bad API endpoint", () => {
    const base = { id: "uid", name: "prod", apiEndpoint: { host: "10.0.0.1", port: 6443 }, kubeconfig: "x" };
    expect(definitions.clusterSchema.parse(base)).toEqual({
      ...base,
      apiEndpoint: { host: "10.0.0.1", port: 6443, protocol: "tcp" },
      externalIps: [],
      quirks: { externalServiceType: "NodePort", tunDevicePolicy: { type: "host" } },
    });
    expect(definitions.clusterSchema.safeParse({ ...base, apiEndpoint: { host: "10.0.0.1", port: 0 } }).success).toBe(false);
    expect(definitions.clusterSchema.safeParse({ ...base, quirks: { tunDevicePolicy: { type: "plugin" } } }).success).toBe(false);
  });

  it("build an access point from a gateway, TLS issuers and DNS providers", () => {
    const dns = common.dnsProviderSchema.parse({
      id: "cf",
      zones: ["example.com"],
      implRef: { package: "@highstate/cloudflare" },
      credentials: { apiToken: "t" },
    });
    const accessPoint = definitions.accessPointSchema.parse({
      gateway,
      tlsIssuers: [{ clusterId: "c", zones: ["example.com"], issuerRef: { name: "letsencrypt" } }],
      dnsProviders: [dns],
    });
    expect(accessPoint.proxied).toBe(false);
    expect(accessPoint.tlsIssuers[0]?.issuerRef).toEqual({ name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" });
    expect(definitions.accessPointSchema.parse({ gateway })).toMatchObject({ tlsIssuers: [], dnsProviders: [] });
  });

  it("reject service names that are not Kubernetes names", () => {
    expect(definitions.serviceSchema.safeParse({ clusterId: "c", clusterName: "c", name: "Web_UI", namespace: "apps" }).success).toBe(
      false,
    );
  });
});
