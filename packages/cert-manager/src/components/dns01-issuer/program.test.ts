import { tlsIssuerSchema } from "@highstate/k8s";
import { validateKubernetesResources } from "@highstate/k8s/test";
import { CapabilityNotImplementedError } from "@highstate/pulumi/capabilities";
import { runError, testUnit } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import unit, { Dns01IssuerError } from "./program.js";

const cluster = {
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\n",
};
const cloudflare = {
  id: "cloudflare:acct-1",
  zones: ["example.com", "example.org"],
  implRef: {
    package: "@highstate/cloudflare",
    data: { zoneIds: { "example.com": "0123456789abcdef0123456789abcdef", "example.org": "fedcba9876543210fedcba9876543210" } },
  },
  credentials: { apiToken: "cf-token-value" },
};
const modelPackages = ["@kubernetes-models/cert-manager"];

function clusterIssuerSpec(result: Awaited<ReturnType<typeof testUnit>>) {
  return result.resource("kubernetes:cert-manager.io/v1:ClusterIssuer").inputs.spec as { acme: Record<string, unknown> };
}

describe("DNS01 Issuer", () => {
  it("creates a Let's Encrypt ClusterIssuer with an e-mail and the Cloudflare solver for the provider's zones", async () => {
    const result = await testUnit(unit, {
      name: "letsencrypt",
      args: { email: "ops@example.com" },
      inputs: { k8sCluster: cluster },
      secretInputs: { dnsProvider: cloudflare },
    });
    const report = await validateKubernetesResources(result.resources, { modelPackages });
    expect(report.validated.sort()).toEqual([
      "kubernetes:cert-manager.io/v1:ClusterIssuer letsencrypt",
      "kubernetes:core/v1:Secret letsencrypt-solver-cloudflare",
    ]);
    expect(result.resource("kubernetes:cert-manager.io/v1:ClusterIssuer").inputs.metadata).toMatchObject({ name: "letsencrypt" });
    expect(clusterIssuerSpec(result).acme).toEqual({
      server: "https://acme-v02.api.letsencrypt.org/directory",
      email: "ops@example.com",
      privateKeySecretRef: { name: "letsencrypt-account-key" },
      solvers: [
        {
          dns01: { cloudflare: { apiTokenSecretRef: { name: "letsencrypt-dns01", key: "api-token" } } },
          selector: { dnsZones: ["example.com", "example.org"] },
        },
      ],
    });
    const secret = result.resource("kubernetes:core/v1:Secret");
    expect(secret.inputs).toMatchObject({ metadata: { name: "letsencrypt-dns01", namespace: "cert-manager" } });
    expect(secret.secretInputs).toContain("stringData");
    expect(tlsIssuerSchema.parse(result.outputs.tlsIssuer)).toEqual({
      clusterId: "cluster-uid",
      zones: ["example.com", "example.org"],
      issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" },
    });
    expect(result.secretOutputs).not.toContain("tlsIssuer");
    expect(JSON.stringify(result.outputs)).not.toContain("cf-token-value");
    expect(result.outputs.$statusFields).toEqual([
      { name: "zones", title: "Zones", value: "example.com, example.org", secret: false },
      { name: "server", title: "ACME server", value: "https://acme-v02.api.letsencrypt.org/directory", secret: false },
    ]);
  });

  it("uses ZeroSSL with EAB credentials in a Secret, staging and custom servers, and a subset of zones", async () => {
    const result = await testUnit(unit, {
      name: "zerossl",
      args: { email: "ops@example.com", acmeServer: { type: "zerossl" }, zones: ["example.org"] },
      secrets: { eabKeyId: "kid-1", eabHmacKey: "hmac-value" },
      inputs: { k8sCluster: cluster, dnsProvider: cloudflare },
    });
    await validateKubernetesResources(result.resources, { modelPackages });
    expect(clusterIssuerSpec(result).acme).toMatchObject({
      server: "https://acme.zerossl.com/v2/DV90",
      externalAccountBinding: { keyID: "kid-1", keySecretRef: { name: "zerossl-eab", key: "secret" }, keyAlgorithm: "HS256" },
      solvers: [{ selector: { dnsZones: ["example.org"] } }],
    });
    const eab = result.resource("kubernetes:core/v1:Secret", "zerossl-eab");
    expect(eab.inputs).toMatchObject({ metadata: { namespace: "cert-manager" }, stringData: { secret: "hmac-value" } });
    expect(JSON.stringify(result.resource("kubernetes:cert-manager.io/v1:ClusterIssuer").inputs)).not.toContain("hmac-value");

    const staging = await testUnit(unit, {
      args: { email: "a@example.com", acmeServer: { type: "letsencrypt-staging" } },
      inputs: { k8sCluster: cluster, dnsProvider: cloudflare },
    });
    expect(clusterIssuerSpec(staging).acme.server).toBe("https://acme-staging-v02.api.letsencrypt.org/directory");
    const custom = await testUnit(unit, {
      args: { email: "a@example.com", acmeServer: { type: "custom", url: "https://acme.internal/directory" } },
      inputs: { k8sCluster: cluster, dnsProvider: cloudflare },
    });
    expect(clusterIssuerSpec(custom).acme.server).toBe("https://acme.internal/directory");
  });

  it("refuses ZeroSSL without EAB, half an EAB pair, zones the provider does not serve and a missing e-mail", async () => {
    let error = await runError(
      testUnit(unit, {
        args: { email: "a@example.com", acmeServer: { type: "zerossl" } },
        inputs: { k8sCluster: cluster, dnsProvider: cloudflare },
      }),
    );
    expect(error).toBeInstanceOf(Dns01IssuerError);
    expect(error.message).toContain('uses ZeroSSL, which needs the "eabKeyId" and "eabHmacKey" secrets');
    error = await runError(
      testUnit(unit, {
        args: { email: "a@example.com" },
        secrets: { eabKeyId: "k" },
        inputs: { k8sCluster: cluster, dnsProvider: cloudflare },
      }),
    );
    expect(error.message).toContain('has only one of the "eabKeyId" and "eabHmacKey" secrets');
    error = await runError(
      testUnit(unit, {
        args: { email: "a@example.com", zones: ["example.net"] },
        inputs: { k8sCluster: cluster, dnsProvider: cloudflare },
      }),
    );
    expect(error.message).toContain('zone "example.net" from the "zones" arg is not served by DNS provider "cloudflare:acct-1"');
    error = await runError(testUnit(unit, { args: {} as never, inputs: { k8sCluster: cluster, dnsProvider: cloudflare } }));
    expect(error.message).toContain('"email"');
  });

  it("names the package, capability and instance when the DNS provider's package has no dns01-solver", async () => {
    const other = { ...cloudflare, implRef: { package: "@highstate/k8s", data: {} } };
    const error = await runError(
      testUnit(unit, { name: "le", args: { email: "a@example.com" }, inputs: { k8sCluster: cluster, dnsProvider: other } }),
    );
    expect(error).toBeInstanceOf(CapabilityNotImplementedError);
    expect(error.message).toContain('does not implement capability "dns01-solver" needed by instance "cert-manager.dns01-issuer.v1:le"');
  });
});
