import { join } from "node:path";
import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import * as common from "@highstate/common";
import { pulumiModulesLoadedOnImport } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

const packageDir = join(import.meta.dirname, "..");

describe("@highstate/k8s definitions", () => {
  it("import without loading Pulumi, and so does the kubeconfig parser", async () => {
    const options = { cwd: packageDir, conditions: ["@highstate/source"], loader: "tsx" };
    expect(await pulumiModulesLoadedOnImport(["@highstate/k8s", "@highstate/k8s/kubeconfig"], options)).toEqual([]);
    // The check does see Pulumi when the helpers are imported.
    expect((await pulumiModulesLoadedOnImport(["@highstate/k8s/helpers"], options)).length).toBeGreaterThan(0);
  }, 60_000);

  it("export the catalogued entities and components", () => {
    const values: unknown[] = Object.values(definitions);
    expect(values.filter(isEntity).map((entity) => entity.type).sort()).toEqual([
      "k8s.access-point.v1",
      "k8s.cluster.v1",
      "k8s.gateway.v1",
      "k8s.service.v1",
      "k8s.tls-issuer.v1",
    ]);
    expect(values.filter(isComponent).map((component) => component.type).sort()).toEqual(["k8s.access-point.v1", "k8s.existing-cluster.v1"]);
  });

  it("build the registry the designer shows (titles, icons, categories, descriptions)", async () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      { package: { name: "@highstate/k8s", version: "0.0.0-snapshot" }, entities: values.filter(isEntity), components: values.filter(isComponent) },
    ]);
    const cluster = registry.components["k8s.existing-cluster.v1"]!;
    expect(cluster.meta).toMatchObject({ title: "Existing Cluster", icon: "mdi:kubernetes", category: "Kubernetes" });
    expect((cluster.args.properties as Record<string, { description?: string }>).context?.description).toMatch(/current context/);
    expect((cluster.secrets.properties as Record<string, { description?: string }>).kubeconfig?.description).toMatch(/YAML or JSON/);
    expect(registry.entities["k8s.cluster.v1"]?.meta.title).toBe("Kubernetes Cluster");
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});

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
    const dns = common.dnsProviderSchema.parse({ id: "cf", zones: ["example.com"], implRef: { package: "@highstate/cloudflare" }, credentials: { apiToken: "t" } });
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
    expect(definitions.serviceSchema.safeParse({ clusterId: "c", clusterName: "c", name: "Web_UI", namespace: "apps" }).success).toBe(false);
  });
});
