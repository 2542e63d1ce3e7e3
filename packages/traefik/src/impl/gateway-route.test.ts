import { dnsProviderEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { accessPointEntity, clusterEntity } from "@highstate/k8s";
import { createClusterProvider } from "@highstate/k8s/helpers";
import { PublishedService } from "@highstate/k8s/publish";
import { validateKubernetesResources } from "@highstate/k8s/test";
import { defineUnit, resourceName } from "@highstate/pulumi";
import { testUnit } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";

const cluster = {
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\n",
};
const gateway = {
  clusterId: "cluster-uid",
  clusterName: "prod",
  implRef: { package: "@highstate/traefik", data: { className: "traefik", httpPort: 8000, httpsPort: 8443 } },
  endpoints: ["203.0.113.7"],
};
const issuer = { clusterId: "cluster-uid", zones: ["example.com"], issuerRef: { name: "letsencrypt" } };
const cloudflare = {
  id: "cloudflare:acct-1",
  zones: ["example.com"],
  implRef: { package: "@highstate/cloudflare", data: { zoneIds: { "example.com": "0123456789abcdef0123456789abcdef" } } },
  credentials: { apiToken: "cf-token-value" },
};

const app = defineComponent({
  type: "test.traefik-app.v1",
  args: { fqdn: z.string() },
  inputs: { k8sCluster: clusterEntity, accessPoint: accessPointEntity, unused: { entity: dnsProviderEntity, required: false } },
  outputs: {},
  meta: { title: "app" },
  source: { package: "test", path: "app" },
});

const appUnit = defineUnit(app, (unit) => {
  const provider = createClusterProvider(resourceName(unit), unit.inputs.k8sCluster);
  const published = new PublishedService(resourceName(unit), {
    accessPoint: unit.inputs.accessPoint,
    cluster: unit.inputs.k8sCluster,
    provider,
    fqdn: unit.args.fqdn,
    namespace: "vault",
    service: { name: "vault", port: 80 },
    instanceId: unit.instance.id,
  });
  return { $statusFields: published.statusFields() };
});

const modelPackages = ["@kubernetes-models/gateway-api", "@kubernetes-models/cert-manager"];

describe("@highstate/traefik/impl/gateway-route through the publish helper", () => {
  it("publishes over HTTPS: certificate, Gateway with TLS listener, route, HTTP→HTTPS redirect and a Cloudflare record", async () => {
    const result = await testUnit(appUnit, {
      name: "vault",
      args: { fqdn: "vault.example.com" },
      inputs: { k8sCluster: cluster },
      secretInputs: { accessPoint: { gateway, tlsIssuers: [issuer], dnsProviders: [cloudflare], proxied: false } },
    });
    const report = await validateKubernetesResources(result.resources, { modelPackages });
    expect(report.validated.sort()).toEqual([
      "kubernetes:cert-manager.io/v1:Certificate vault-certificate",
      "kubernetes:gateway.networking.k8s.io/v1:Gateway vault-route-gateway",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute vault-route",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute vault-route-redirect",
    ]);
    const gatewayObject = result.resource("kubernetes:gateway.networking.k8s.io/v1:Gateway");
    expect(gatewayObject.inputs).toMatchObject({
      metadata: { name: "vault-example-com", namespace: "vault" },
      spec: {
        gatewayClassName: "traefik",
        listeners: [
          { name: "http-0", port: 8000, protocol: "HTTP", hostname: "vault.example.com" },
          {
            name: "https-0",
            port: 8443,
            protocol: "HTTPS",
            hostname: "vault.example.com",
            tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "hs-certificate-vault-example-com" }] },
          },
        ],
      },
    });
    expect(result.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "vault-route").inputs.spec).toEqual({
      parentRefs: [{ name: "vault-example-com", sectionName: "https-0" }],
      hostnames: ["vault.example.com"],
      rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "vault", port: 80 }] }],
    });
    expect(result.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "vault-route-redirect").inputs.spec).toMatchObject({
      parentRefs: [{ name: "vault-example-com", sectionName: "http-0" }],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    });
    expect(result.resource("cloudflare:index/dnsRecord:DnsRecord").inputs).toMatchObject({
      name: "vault.example.com",
      type: "A",
      content: "203.0.113.7",
      proxied: false,
      comment: "Managed by Highstate [test.traefik-app.v1:vault]",
    });
    expect(result.outputs.$statusFields).toEqual([{ name: "url", title: "URL", value: "https://vault.example.com/", secret: false }]);
  });

  it("publishes plain HTTP without an issuer: no TLS listener, no redirect", async () => {
    const result = await testUnit(appUnit, {
      args: { fqdn: "web.example.com" },
      inputs: { k8sCluster: cluster, accessPoint: { gateway } },
    });
    const report = await validateKubernetesResources(result.resources, { modelPackages });
    expect(report.validated.sort()).toEqual([
      "kubernetes:gateway.networking.k8s.io/v1:Gateway test-route-gateway",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute test-route",
    ]);
    expect(
      (result.resource("kubernetes:gateway.networking.k8s.io/v1:Gateway").inputs.spec as { listeners: unknown[] }).listeners,
    ).toHaveLength(1);
    expect(result.outputs.$statusFields).toContainEqual({ name: "url", title: "URL", value: "http://web.example.com/", secret: false });
  });
});
