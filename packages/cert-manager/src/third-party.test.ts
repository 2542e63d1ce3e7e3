/**
 * A third party's DNS provider package, installed the way a user installs one: packed into a tarball
 * with npm and installed into a temporary workspace, next to the built @highstate/pulumi it depends on.
 * Highstate's own packages then use it through capabilities: the DNS01 issuer for its solver, the
 * publish helper for DNS records.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { defineComponent, z } from "@highstate/contract";
import { accessPointEntity, clusterEntity } from "@highstate/k8s";
import { createClusterProvider } from "@highstate/k8s/helpers";
import { PublishedService } from "@highstate/k8s/publish";
import { validateKubernetesResources } from "@highstate/k8s/test";
import { defineUnit, resourceName } from "@highstate/pulumi";
import { CapabilityNotImplementedError, configureCapabilities } from "@highstate/pulumi/capabilities";
import { runError, testUnit } from "@highstate/pulumi/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import issuerUnit from "./components/dns01-issuer/program.js";

const run = promisify(execFile);
const repositoryRoot = join(import.meta.dirname, "../../..");
const builtRuntime = join(repositoryRoot, "library/pulumi/dist/capabilities/index.js");
const skipReason = existsSync(builtRuntime)
  ? undefined
  : "@highstate/pulumi is not built (npx turbo run build --filter=@highstate/pulumi): the fixture package installs its packed build";
if (skipReason) console.log(`Skipping the third-party package test: ${skipReason}`);

const cluster = {
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\n",
};
const acmeDns = {
  id: "acme:account-7",
  zones: ["example.com"],
  implRef: { package: "@acme/highstate-dns", data: { endpoint: "https://dns.acme.example/api", zones: { "example.com": 42 } } },
  credentials: { token: "acme-token-value" },
};
const gateway = {
  clusterId: "cluster-uid",
  clusterName: "prod",
  implRef: { package: "@highstate/traefik", data: { className: "traefik", httpPort: 8000, httpsPort: 8443 } },
  endpoints: ["203.0.113.7"],
};
const issuer = { clusterId: "cluster-uid", zones: ["example.com"], issuerRef: { name: "acme-le" } };

const app = defineComponent({
  type: "test.third-party-app.v1",
  args: { fqdn: z.string() },
  inputs: { k8sCluster: clusterEntity, accessPoint: accessPointEntity },
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
    namespace: "apps",
    service: { name: "web", port: 80 },
    instanceId: unit.instance.id,
  });
  return { $statusFields: published.statusFields() };
});

let temporary: string;
let restore: (() => void) | undefined;

async function pack(dir: string, destination: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", dir, "--pack-destination", destination, "--json", "--ignore-scripts"], { cwd: destination });
  return join(destination, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
}

beforeAll(async () => {
  if (skipReason) return;
  temporary = mkdtempSync(join(tmpdir(), "highstate-third-party-"));
  const workspace = join(temporary, "workspace");
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, "package.json"),
    `${JSON.stringify({ name: "acme-infrastructure", private: true, type: "module" }, null, 2)}\n`,
  );
  const fixture = await pack(join(import.meta.dirname, "__fixtures__/acme-dns"), temporary);
  const runtime = await pack(join(repositoryRoot, "library/pulumi"), temporary);
  // Peers are provided below from this repository, so npm must not look for them in a registry.
  await run("npm", ["install", fixture, "--offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: workspace,
  });
  const runtimeDir = join(workspace, "node_modules/@highstate/pulumi");
  mkdirSync(runtimeDir, { recursive: true });
  await run("tar", ["-xzf", runtime, "-C", runtimeDir, "--strip-components=1"]);
  // A user's Node runs without this repository's "@highstate/source" condition; this test process has
  // it, so the installed copy drops it to resolve to its build as it would for a user.
  const manifestPath = join(runtimeDir, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports: Record<string, Record<string, string> | string> };
  for (const target of Object.values(manifest.exports)) if (typeof target === "object") delete target["@highstate/source"];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  mkdirSync(join(workspace, "node_modules/@pulumi"), { recursive: true });
  for (const name of ["pulumi", "kubernetes"])
    symlinkSync(join(repositoryRoot, "node_modules/@pulumi", name), join(workspace, "node_modules/@pulumi", name));
  symlinkSync(join(repositoryRoot, "node_modules/zod"), join(workspace, "node_modules/zod"));
  symlinkSync(join(repositoryRoot, "packages/traefik"), join(workspace, "node_modules/@highstate/traefik"));
  restore = configureCapabilities({ baseDir: workspace });
}, 180_000);

afterAll(() => {
  restore?.();
  if (temporary) rmSync(temporary, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)("a third-party DNS package installed from a tarball", () => {
  it("is installed by npm into the workspace", () => {
    const installed = JSON.parse(readFileSync(join(temporary, "workspace/node_modules/@acme/highstate-dns/package.json"), "utf8")) as {
      version: string;
    };
    expect(installed.version).toBe("1.4.0");
  });

  it("gives the DNS01 issuer its solver", async () => {
    const result = await testUnit(issuerUnit, {
      name: "acme-le",
      args: { email: "ops@example.com" },
      inputs: { k8sCluster: cluster },
      secretInputs: { dnsProvider: acmeDns },
    });
    await validateKubernetesResources(result.resources, { modelPackages: ["@kubernetes-models/cert-manager"] });
    const spec = result.resource("kubernetes:cert-manager.io/v1:ClusterIssuer").inputs.spec as { acme: { solvers: unknown[] } };
    expect(spec.acme.solvers).toEqual([
      {
        dns01: {
          webhook: {
            groupName: "acme.example.com",
            solverName: "acme-dns",
            config: { endpoint: "https://dns.acme.example/api", tokenSecretRef: { name: "acme-le-dns01", key: "token" } },
          },
        },
        selector: { dnsZones: ["example.com"] },
      },
    ]);
    expect(result.resource("kubernetes:core/v1:Secret").secretInputs).toContain("stringData");
  });

  it("creates the records of a service published through an access point", async () => {
    const result = await testUnit(appUnit, {
      name: "web",
      args: { fqdn: "web.example.com" },
      inputs: { k8sCluster: cluster },
      secretInputs: { accessPoint: { gateway, tlsIssuers: [issuer], dnsProviders: [acmeDns] } },
    });
    const record = result.resource("acme:dns:Record");
    expect(record.inputs).toEqual({
      endpoint: "https://dns.acme.example/api",
      zone: 42,
      name: "web.example.com",
      type: "A",
      value: "203.0.113.7",
      token: "acme-token-value",
    });
    expect(record.secretInputs).toContain("token");
    expect(result.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "web-route").inputs.spec).toMatchObject({
      hostnames: ["web.example.com"],
    });
    expect(result.outputs.$statusFields).toEqual([{ name: "url", title: "URL", value: "https://web.example.com/", secret: false }]);
  });

  it("names the package and the field when the provider's data is bad", async () => {
    const bad = {
      ...acmeDns,
      implRef: { ...acmeDns.implRef, data: { endpoint: "https://dns.acme.example/api", zones: { "example.com": "forty-two" } } },
    };
    const error = await runError(
      testUnit(appUnit, {
        args: { fqdn: "web.example.com" },
        inputs: { k8sCluster: cluster, accessPoint: { gateway, dnsProviders: [bad] } },
      }),
    );
    // Thrown by the package's own copy of @highstate/pulumi, so compared by name.
    expect(error.name).toBe("CapabilityValidationError");
    expect(error.message).toContain(
      'The "implRef.data" given to package "@acme/highstate-dns" for capability "dns-record" (called by instance "test.third-party-app.v1:test") is invalid: "zones.example.com"',
    );
  });

  it("reports a package without the capability clearly", async () => {
    const without = { ...acmeDns, implRef: { package: "@highstate/pulumi", data: {} } };
    const error = await runError(
      testUnit(appUnit, {
        args: { fqdn: "web.example.com" },
        inputs: { k8sCluster: cluster, accessPoint: { gateway, dnsProviders: [without] } },
      }),
    );
    expect(error).toBeInstanceOf(CapabilityNotImplementedError);
    expect(error.message).toContain(
      'Package "@highstate/pulumi" 0.1.0 does not implement capability "dns-record" needed by instance "test.third-party-app.v1:test": it has no "./impl/dns-record" export',
    );
  });
});
