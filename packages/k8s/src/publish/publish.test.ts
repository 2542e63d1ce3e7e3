import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dnsProviderEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { defineUnit, resourceName } from "@highstate/pulumi";
import {
  CapabilityNotImplementedError,
  CapabilityPackageNotFoundError,
  CapabilityValidationError,
  configureCapabilities,
} from "@highstate/pulumi/capabilities";
import { runError, testUnit } from "@highstate/pulumi/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClusterInput, clusterEntity } from "../entities/cluster.js";
import { accessPointEntity } from "../entities/resources.js";
import { createClusterProvider } from "../helpers/provider.js";
import { validateKubernetesResources } from "../test/validate.js";
import { PublishError } from "./errors.js";
import { PublishedService } from "./publish.js";

const cluster: ClusterInput = {
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\n",
};

const gateway = {
  clusterId: "cluster-uid",
  clusterName: "prod",
  implRef: { package: "@fixture/gateway", data: { gatewayName: "edge", gatewayNamespace: "gateway" } },
  endpoints: ["203.0.113.7", "2001:db8::7"],
};
const issuer = { clusterId: "cluster-uid", zones: ["example.com"], issuerRef: { name: "letsencrypt" } };
const dns = {
  id: "fixture:acct",
  zones: ["example.com"],
  implRef: { package: "@fixture/dns", data: { zoneIds: { "example.com": "zone-1" } } },
  credentials: { token: "dns-token-value" },
};

const app = defineComponent({
  type: "test.published-app.v1",
  args: { fqdn: z.string(), twice: z.boolean().default(false) },
  inputs: { k8sCluster: clusterEntity, accessPoint: accessPointEntity, extraDns: { entity: dnsProviderEntity, required: false } },
  outputs: {},
  meta: { title: "Published app" },
  source: { package: "test", path: "app" },
});

const appUnit = defineUnit(app, (unit) => {
  const provider = createClusterProvider(resourceName(unit), unit.inputs.k8sCluster);
  const common = {
    accessPoint: unit.inputs.accessPoint,
    cluster: unit.inputs.k8sCluster,
    provider,
    namespace: "apps",
    instanceId: unit.instance.id,
  };
  const published = new PublishedService(resourceName(unit), { ...common, fqdn: unit.args.fqdn, service: { name: "web", port: 8080 } });
  if (unit.args.twice)
    new PublishedService(resourceName(unit, "admin"), {
      ...common,
      fqdn: unit.args.fqdn,
      path: "/admin",
      service: { name: "web", port: 8081 },
    });
  return { $statusFields: { ...published.statusFields(), tls: published.state.apply((state) => state.tls) } };
});

let workspace: string;
let restore: () => void;

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "highstate-publish-"));
  mkdirSync(join(workspace, "node_modules/@fixture"), { recursive: true });
  for (const name of ["gateway", "dns", "nothing"])
    symlinkSync(join(import.meta.dirname, `__fixtures__/fixture-${name}`), join(workspace, `node_modules/@fixture/${name}`));
  restore = configureCapabilities({ baseDir: workspace });
});

afterAll(() => {
  restore();
  rmSync(workspace, { recursive: true, force: true });
});

const modelPackages = ["@kubernetes-models/cert-manager", "@kubernetes-models/gateway-api"];

function statusField(outputs: Record<string, unknown>, name: string): string | undefined {
  return (outputs.$statusFields as Array<{ name: string; value: string }>).find((field) => field.name === name)?.value;
}

describe("PublishedService", () => {
  it("gives an FQDN in a zone a certificate from the zone's issuer, a route through the gateway and A/AAAA records", async () => {
    const accessPoint = { gateway, tlsIssuers: [issuer], dnsProviders: [dns], proxied: true };
    const result = await testUnit(appUnit, {
      name: "vault",
      args: { fqdn: "Vault.Example.com", twice: true },
      inputs: { k8sCluster: cluster },
      secretInputs: { accessPoint },
    });

    const report = await validateKubernetesResources(result.resources, { modelPackages });
    expect(report.validated.sort()).toEqual([
      "kubernetes:cert-manager.io/v1:Certificate vault-certificate",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute vault-admin-route",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute vault-route",
    ]);
    // One certificate for the name, however many routes use it.
    const certificate = result.resource("kubernetes:cert-manager.io/v1:Certificate");
    expect(certificate.inputs).toMatchObject({
      metadata: { name: "vault-example-com", namespace: "apps" },
      spec: {
        secretName: "hs-certificate-vault-example-com",
        dnsNames: ["vault.example.com"],
        issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    });
    expect(certificate.provider).toContain("pulumi:providers:kubernetes::vault");
    const route = result.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "vault-route");
    expect(route.inputs.spec).toMatchObject({
      parentRefs: [{ name: "edge", namespace: "gateway", sectionName: "https" }],
      hostnames: ["vault.example.com"],
    });

    const records = result.resources.filter((resource) => resource.type === "fixture:dns:Record");
    expect(records.map((record) => [record.name, record.inputs.type, record.inputs.value]).sort()).toEqual([
      ["vault-admin-dns-a-0", "A", "203.0.113.7"],
      ["vault-admin-dns-aaaa-0", "AAAA", "2001:db8::7"],
      ["vault-dns-a-0", "A", "203.0.113.7"],
      ["vault-dns-aaaa-0", "AAAA", "2001:db8::7"],
    ]);
    const record = records.find((item) => item.name === "vault-dns-a-0")!;
    expect(record.inputs).toMatchObject({
      zoneId: "zone-1",
      name: "vault.example.com",
      proxied: true,
      comment: "Managed by Highstate [test.published-app.v1:vault]",
    });
    expect(record.secretInputs).toContain("token");

    expect(statusField(result.outputs, "url")).toBe("https://vault.example.com/");
    expect(statusField(result.outputs, "warning")).toBeUndefined();
    expect(statusField(result.outputs, "tls")).toBe("true");
    expect(JSON.stringify(result.outputs)).not.toContain("dns-token-value");
  });

  it("publishes plain HTTP with a warning status field when the access point has no issuer", async () => {
    const result = await testUnit(appUnit, {
      name: "web",
      args: { fqdn: "web.example.com" },
      inputs: { k8sCluster: cluster, accessPoint: { gateway, dnsProviders: [dns] } },
    });
    expect(result.resources.some((resource) => resource.type.endsWith(":Certificate"))).toBe(false);
    expect(result.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").inputs.spec).toMatchObject({
      parentRefs: [{ sectionName: "http" }],
    });
    expect(statusField(result.outputs, "url")).toBe("http://web.example.com/");
    expect(statusField(result.outputs, "warning")).toBe(
      'no TLS issuer in the access point: "web.example.com" is published over plain HTTP',
    );
  });

  it("refuses an FQDN in no zone of the access point, naming the zones", async () => {
    const error = await runError(
      testUnit(appUnit, {
        name: "web",
        args: { fqdn: "web.other.org" },
        inputs: { k8sCluster: cluster, accessPoint: { gateway, tlsIssuers: [issuer], dnsProviders: [dns] } },
      }),
    );
    expect(error).toBeInstanceOf(PublishError);
    expect(error.message).toContain(
      'Publishing "web.other.org" for instance "test.published-app.v1:web" failed: "web.other.org" is in no zone of the access point: no TLS issuer serves it (issuer zones: example.com); no DNS provider serves it (provider zones: example.com). Use a host name in one of those zones, or connect an issuer and a DNS provider for its zone',
    );
  });

  it("refuses a gateway of another cluster", async () => {
    const error = await runError(
      testUnit(appUnit, {
        args: { fqdn: "web.example.com" },
        inputs: { k8sCluster: { ...cluster, id: "other-uid", name: "dev" }, accessPoint: { gateway } },
      }),
    );
    expect(error.message).toContain(
      'the access point\'s gateway runs in cluster "prod" (cluster-uid), but the service is in cluster "dev" (other-uid)',
    );
  });

  it("names the package, capability and instance when the DNS package is missing or lacks the capability, and the field of bad data", async () => {
    const missing = { ...dns, implRef: { package: "@fixture/absent", data: {} } };
    let error = await runError(
      testUnit(appUnit, {
        args: { fqdn: "a.example.com" },
        inputs: { k8sCluster: cluster, accessPoint: { gateway, dnsProviders: [missing] } },
      }),
    );
    expect(error).toBeInstanceOf(CapabilityPackageNotFoundError);
    expect(error.message).toMatch(
      /Package "@fixture\/absent", which implements capability "dns-record" needed by instance "test.published-app.v1:test", is not installed/,
    );

    const nothing = { ...dns, implRef: { package: "@fixture/nothing", data: {} } };
    error = await runError(
      testUnit(appUnit, {
        args: { fqdn: "a.example.com" },
        inputs: { k8sCluster: cluster, accessPoint: { gateway, dnsProviders: [nothing] } },
      }),
    );
    expect(error).toBeInstanceOf(CapabilityNotImplementedError);
    expect(error.message).toContain(
      'Package "@fixture/nothing" 0.3.0 does not implement capability "dns-record" needed by instance "test.published-app.v1:test"',
    );

    const bad = { ...dns, implRef: { package: "@fixture/dns", data: { zoneIds: { "example.com": "" } } } };
    error = await runError(
      testUnit(appUnit, {
        args: { fqdn: "a.example.com" },
        inputs: { k8sCluster: cluster, accessPoint: { gateway, dnsProviders: [bad] } },
      }),
    );
    expect(error).toBeInstanceOf(CapabilityValidationError);
    expect(error.message).toContain(
      'The "implRef.data" given to package "@fixture/dns" for capability "dns-record" (called by instance "test.published-app.v1:test") is invalid: "zoneIds.example.com"',
    );
  });

  it("warns instead of creating records when the gateway has no public endpoints", async () => {
    const result = await testUnit(appUnit, {
      args: { fqdn: "a.example.com" },
      inputs: { k8sCluster: cluster, accessPoint: { gateway: { ...gateway, endpoints: [] }, tlsIssuers: [issuer], dnsProviders: [dns] } },
    });
    expect(result.resources.some((resource) => resource.type === "fixture:dns:Record")).toBe(false);
    expect(statusField(result.outputs, "warning")).toBe(
      'the gateway has no public endpoints, so no DNS record was created for "a.example.com"',
    );
  });
});
