import { dnsRecordCapability } from "@highstate/common/capabilities";
import { defineComponent, z } from "@highstate/contract";
import { dns01SolverCapability } from "@highstate/k8s/capabilities";
import { createClusterProvider } from "@highstate/k8s/helpers";
import { defineUnit, resourceName } from "@highstate/pulumi";
import { CapabilityValidationError, callCapability } from "@highstate/pulumi/capabilities";
import { runError, testUnit } from "@highstate/pulumi/test";
import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { Secret } from "kubernetes-models/v1/Secret";
import { describe, expect, it } from "vitest";

const implRef = { package: "@highstate/cloudflare", data: { zoneIds: { "example.com": "0123456789abcdef0123456789abcdef" } } };
const credentials = { apiToken: "cf-token-value" };

const probe = defineComponent({
  type: "test.cloudflare-probe.v1",
  args: {
    capability: z.enum(["dns-record", "dns01-solver"]),
    type: z.enum(["A", "AAAA", "CNAME", "TXT"]).default("A"),
    values: z.array(z.string()).default(["203.0.113.7"]),
    apiToken: z.string().optional(),
  },
  outputs: {},
  meta: { title: "probe" },
  source: { package: "test", path: "probe" },
});

let solver: unknown;

const probeUnit = defineUnit(probe, async (unit) => {
  const creds = unit.args.apiToken === undefined ? credentials : { apiToken: unit.args.apiToken };
  if (unit.args.capability === "dns-record") {
    await callCapability(
      dnsRecordCapability,
      implRef,
      {
        name: "vault.example.com",
        zone: "example.com",
        type: unit.args.type,
        values: unit.args.values,
        proxied: true,
        credentials: creds,
        comment: "Managed by Highstate [x]",
      },
      { name: resourceName(unit, "dns"), instanceId: unit.instance.id },
    );
  } else {
    const provider = createClusterProvider(resourceName(unit), {
      id: "c",
      name: "c",
      apiEndpoint: { host: "10.0.0.1", port: 6443, protocol: "tcp" },
      kubeconfig: "x",
      externalIps: [],
      quirks: { externalServiceType: "NodePort", tunDevicePolicy: { type: "host" } },
    });
    const result = await callCapability(
      dns01SolverCapability,
      implRef,
      { zones: ["example.com"], credentials: creds, namespace: "cert-manager", secretName: "letsencrypt-dns01", provider },
      { name: resourceName(unit, "solver"), instanceId: unit.instance.id },
    );
    solver = result.dns01;
  }
  return {};
});

describe("@highstate/cloudflare/impl/dns-record", () => {
  it("creates one proxied DnsRecord per value through a provider holding the token as a secret", async () => {
    const result = await testUnit(probeUnit, { name: "app", args: { capability: "dns-record", values: ["203.0.113.7", "203.0.113.8"] } });
    const records = result.resources.filter((resource) => resource.type === "cloudflare:index/dnsRecord:DnsRecord");
    expect(records.map((record) => record.inputs)).toEqual([
      {
        zoneId: implRef.data.zoneIds["example.com"],
        name: "vault.example.com",
        type: "A",
        content: "203.0.113.7",
        ttl: 1,
        proxied: true,
        comment: "Managed by Highstate [x]",
      },
      {
        zoneId: implRef.data.zoneIds["example.com"],
        name: "vault.example.com",
        type: "A",
        content: "203.0.113.8",
        ttl: 1,
        proxied: true,
        comment: "Managed by Highstate [x]",
      },
    ]);
    expect(records[0]!.provider).toContain("pulumi:providers:cloudflare::app-dns-cloudflare");
    expect(result.resource("pulumi:providers:cloudflare").secretInputs).toContain("apiToken");
    expect(JSON.stringify(records)).not.toContain("cf-token-value");
  });

  it("never proxies TXT records and rejects values that do not fit the type", async () => {
    const result = await testUnit(probeUnit, { args: { capability: "dns-record", type: "TXT", values: ["v=spf1 -all"] } });
    expect(result.resource("cloudflare:index/dnsRecord:DnsRecord").inputs).toMatchObject({
      type: "TXT",
      proxied: false,
      content: "v=spf1 -all",
    });
    const error = await runError(testUnit(probeUnit, { args: { capability: "dns-record", type: "AAAA", values: ["203.0.113.7"] } }));
    expect(error).toBeInstanceOf(CapabilityValidationError);
    expect(error.message).toContain('"values[0]": must be an IPv6 address');
  });

  it("names the missing credential field without echoing values", async () => {
    const error = await runError(testUnit(probeUnit, { args: { capability: "dns-record", apiToken: "" } }));
    expect(error).toBeInstanceOf(CapabilityValidationError);
    expect(error.message).toContain('capability "dns-record" of package "@highstate/cloudflare"');
    expect(error.message).toContain('"apiToken"');
  });
});

describe("@highstate/cloudflare/impl/dns01-solver", () => {
  it("stores the token in a Secret in cert-manager's namespace and returns a valid cloudflare solver", async () => {
    const result = await testUnit(probeUnit, { args: { capability: "dns01-solver" } });
    const secret = result.resource("kubernetes:core/v1:Secret");
    expect(secret.inputs).toMatchObject({
      metadata: { name: "letsencrypt-dns01", namespace: "cert-manager" },
      stringData: { "api-token": "cf-token-value" },
    });
    expect(secret.secretInputs).toContain("stringData");
    new Secret(secret.inputs as never).validate();
    expect(solver).toEqual({ cloudflare: { apiTokenSecretRef: { name: "letsencrypt-dns01", key: "api-token" } } });
    // The solver fits cert-manager's schema inside a ClusterIssuer.
    new ClusterIssuer({
      metadata: { name: "letsencrypt" },
      spec: {
        acme: {
          server: "https://acme-v02.api.letsencrypt.org/directory",
          privateKeySecretRef: { name: "letsencrypt" },
          solvers: [{ dns01: solver as never, selector: { dnsZones: ["example.com"] } }],
        },
      },
    }).validate();
    expect(Certificate).toBeDefined();
  });
});
