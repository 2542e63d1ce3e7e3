import "reflect-metadata";
import { createServer, type Server } from "node:https";
import { createRequire } from "node:module";
import type { Unit } from "@highstate/pulumi";
import { testUnit } from "@highstate/pulumi/test";
import type * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type FakeTalosNode, startFakeTalosNode } from "../client/__fixtures__/fake-node.js";
import * as clientModule from "../client/index.js";
import type { talosCluster } from "../components/cluster/definition.js";
import { issueCertificate } from "../pki/certificates.js";
import { bundleCertificate, generateSecretsBundle, type SecretsBundle } from "../pki/secrets.js";
import { issueAdminCertificate, type TalosClientCredentials } from "../pki/talosconfig.js";

/**
 * Loads a dynamic provider as Pulumi's provider process does: the serialized `__provider` module text,
 * evaluated as CommonJS. Its `createRequire(cwd)("@highstate/talos/client")` is answered by this
 * package's source instead of the (possibly unbuilt) published entry.
 */
function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const nodeRequire = createRequire(import.meta.url);
  const module = { exports: {} as { handler?: () => pulumi.dynamic.ResourceProvider } };
  const require = (id: string) => (id === "@highstate/talos/client" ? clientModule : nodeRequire(id));
  const fakeProcess = Object.create(process, {
    getBuiltinModule: { value: (id: string) => (id === "node:module" ? { createRequire: () => require } : process.getBuiltinModule(id)) },
  });
  new Function("exports", "require", "module", "process", text)(module.exports, require, module, fakeProcess);
  return module.exports.handler!();
}

let bundle: SecretsBundle;
let credentials: TalosClientCredentials;
const providers: Record<string, pulumi.dynamic.ResourceProvider> = {};
const texts: string[] = [];
const nodes: FakeTalosNode[] = [];
const config = (type: string, extra = "") => `version: v1alpha1\nmachine:\n  type: ${type}\n${extra}cluster:\n  clusterName: test\n`;

beforeAll(async () => {
  bundle = await generateSecretsBundle();
  credentials = { ca: bundleCertificate(bundle, "os").cert, ...(await issueAdminCertificate(bundle)) };
  const unit = (await import("../components/cluster/program.js")).default as Unit<typeof talosCluster>;
  const result = await testUnit(unit, {
    inputs: { masters: [{ hostname: "cp-1", endpoints: ["10.0.0.1"] }] },
    secrets: { secretsBundle: JSON.stringify(bundle) },
    args: { cni: "flannel", csi: "none" },
    mocks: {
      newResource: (args) => {
        if (args.type.includes("ClusterKubeconfig")) return { id: "k", state: { ...args.inputs, outputs: { kubeconfig: "x" } } };
        if (args.type === "kubernetes:core/v1:Namespace")
          return { id: "kube-system", state: { metadata: { name: "kube-system", uid: "uid-1" } } };
        return undefined;
      },
    },
  });
  for (const type of ["MachineConfiguration", "ClusterBootstrap", "ClusterKubeconfig"]) {
    const text = String(result.resource(`pulumi-nodejs:dynamic/talos:${type}`).inputs.__provider);
    texts.push(text);
    providers[type] = loadSerializedProvider(text);
  }
});

const apiServers: Server[] = [];

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop();
  for (const server of apiServers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/**
 * A stand-in Kubernetes API on 127.0.0.1 with a certificate from the cluster's Kubernetes CA, requiring
 * a client certificate from it; `/readyz` answers 503 the first `notReadyTimes` times, then 200. Returns
 * an admin kubeconfig for it, as Talos issues it.
 */
async function kubernetesApi(notReadyTimes: number): Promise<{ kubeconfig: string; requests: () => number }> {
  const ca = bundleCertificate(bundle, "k8s");
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 3600_000) };
  const serving = await issueCertificate({
    ca,
    commonName: "kube-apiserver",
    altNames: ["127.0.0.1"],
    usages: ["serverAuth"],
    ...validity,
  });
  const admin = await issueCertificate({ ca, commonName: "admin", organizations: ["system:masters"], usages: ["clientAuth"], ...validity });
  let requests = 0;
  const server = createServer(
    { ca: ca.cert, cert: serving.cert, key: serving.key, requestCert: true, rejectUnauthorized: true },
    (request, response) => {
      requests++;
      const ready = request.url === "/readyz" && requests > notReadyTimes;
      response.writeHead(ready ? 200 : 503).end(ready ? "ok" : "[-]etcd failed: not ready");
    },
  );
  apiServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const kubeconfig = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server: `https://127.0.0.1:${port}`, "certificate-authority-data": b64(ca.cert) } }],
    users: [{ name: "admin@test", user: { "client-certificate-data": b64(admin.cert), "client-key-data": b64(admin.key) } }],
    contexts: [{ name: "admin@test", context: { cluster: "test", namespace: "default", user: "admin@test" } }],
    "current-context": "admin@test",
  });
  return { kubeconfig, requests: () => requests };
}

async function node(options: Partial<Parameters<typeof startFakeTalosNode>[0]> = {}): Promise<FakeTalosNode> {
  const started = await startFakeTalosNode({ osCa: bundleCertificate(bundle, "os"), ...options });
  nodes.push(started);
  return started;
}

const target = (fake: FakeTalosNode) => ({ node: fake.endpoint, nodeName: "cp-1", timeoutSeconds: 20, retryIntervalMs: 100 });

describe("the serialized Talos providers", () => {
  it("capture no credentials and no imported modules, and load the client from the project directory", () => {
    for (const text of texts) {
      expect(text).not.toContain(credentials.key.split("\n")[1]);
      expect(text).not.toContain(bundle.certs.os.key);
      expect(text).not.toContain("__vite_ssr_import");
      expect(text).toContain('("@highstate/talos/client")');
    }
  });

  it("MachineConfiguration: applies the first config in maintenance mode, waits for the reboot, then re-applies a change in place", async () => {
    const fake = await node();
    const provider = providers.MachineConfiguration!;
    const inputs = { ...target(fake), config: config("controlplane"), talosVersion: "v1.11.5" };
    const created = await provider.create({ inputs, credentials });
    expect(created.id).toBe(fake.endpoint);
    expect(created.outs.outputs).toEqual({ appliedIn: "maintenance", mode: "REBOOT", warnings: [], runningVersion: "v1.11.5" });
    expect(fake.mode).toBe("configured");
    expect(fake.appliedConfigs).toEqual([config("controlplane")]);
    expect(fake.calls.at(-1)).toMatchObject({ method: "Version", clientRole: "os:admin" });

    const changed = { ...inputs, config: config("controlplane", "  certSANs: [x]\n") };
    const diff = await provider.diff!(fake.endpoint, created.outs, { inputs: changed, credentials });
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await provider.update!(fake.endpoint, created.outs, { inputs: changed, credentials });
    expect(updated.outs.outputs).toEqual({ appliedIn: "configured", mode: "NO_REBOOT", warnings: [], runningVersion: "v1.11.5" });
    const apply = fake.calls.filter((call) => call.method === "ApplyConfiguration").at(-1)!;
    expect(apply).toMatchObject({ clientRole: "os:admin", request: { mode: "AUTO" } });
    expect(fake.appliedConfigs.at(-1)).toBe(changed.config);
  });

  it("MachineConfiguration: refuses a node that installed another Talos version, or runs an older one", async () => {
    const installed = await node({ versionTag: "v1.10.4" });
    await expect(
      providers.MachineConfiguration!.create({
        inputs: { ...target(installed), config: config("worker"), talosVersion: "v1.11.5" },
        credentials,
      }),
    ).rejects.toThrow(
      /Node "cp-1" \(127\.0\.0\.1:\d+\) runs Talos v1\.10\.4 after installing, but the cluster uses v1\.11\.5: the installer image must be/,
    );
    const older = await node({ configured: true, versionTag: "v1.10.4" });
    await expect(
      providers.MachineConfiguration!.create({
        inputs: { ...target(older), config: config("worker"), talosVersion: "v1.11.5" },
        credentials,
      }),
    ).rejects.toThrow(/runs Talos v1\.10\.4, older than the cluster's v1\.11\.5/);
    expect(older.appliedConfigs).toEqual([]);
    const newer = await node({ configured: true, versionTag: "v1.12.1" });
    const applied = await providers.MachineConfiguration!.create({
      inputs: { ...target(newer), config: config("worker"), talosVersion: "v1.11.5" },
      credentials,
    });
    expect(applied.outs.outputs.runningVersion).toBe("v1.12.1");
  });

  it("MachineConfiguration: a config the node rejects fails at once, naming the node", async () => {
    const fake = await node({ configured: true });
    await expect(
      providers.MachineConfiguration!.create({ inputs: { ...target(fake), config: "version: v1alpha1\n" }, credentials }),
    ).rejects.toThrow(
      /Node "cp-1" \(127\.0\.0\.1:\d+\) rejected its machine config: .*INVALID_ARGUMENT.*Fix the config patches of the cluster/,
    );
  });

  it("MachineConfiguration: gives up on an unreachable node with the attempts and the reason", async () => {
    const fake = await node();
    await fake.stop();
    await expect(
      providers.MachineConfiguration!.create({ inputs: { ...target(fake), timeoutSeconds: 1, config: config("worker") }, credentials }),
    ).rejects.toThrow(/Gave up waiting for node "cp-1" \(127\.0\.0\.1:\d+\) after \d+ attempts .*not reachable/);
  });

  it("ClusterBootstrap: retries until the node is ready, counts 'already bootstrapped' as done, and never runs again on update", async () => {
    const fake = await node({ configured: true, bootstrapNotReadyTimes: 2 });
    const provider = providers.ClusterBootstrap!;
    const created = await provider.create({ inputs: target(fake), credentials });
    expect(created.outs.outputs).toEqual({ alreadyBootstrapped: false });
    expect(fake.bootstrapped).toBe(true);
    const again = await provider.create({ inputs: target(fake), credentials });
    expect(again.outs.outputs).toEqual({ alreadyBootstrapped: true });
    const calls = fake.calls.length;
    await provider.update!(fake.endpoint, created.outs, { inputs: { ...target(fake), timeoutSeconds: 99 }, credentials });
    expect(fake.calls).toHaveLength(calls);
  });

  it("ClusterKubeconfig: fetches the kubeconfig, waits for the Kubernetes API, and fetches again when the renewal period changes", async () => {
    const api = await kubernetesApi(2);
    const fake = await node({ configured: true, kubeconfig: api.kubeconfig });
    const provider = providers.ClusterKubeconfig!;
    const inputs = { ...target(fake), renewalPeriod: "2026-01-01T00:00:00.000Z" };
    const created = await provider.create({ inputs, credentials });
    expect(created.outs.outputs).toEqual({ kubeconfig: api.kubeconfig });
    expect(api.requests()).toBe(3);
    const next = { ...inputs, renewalPeriod: "2026-10-28T00:00:00.000Z" };
    expect(await provider.diff!(fake.endpoint, created.outs, { inputs: next, credentials })).toMatchObject({ changes: true, replaces: [] });
    await provider.update!(fake.endpoint, created.outs, { inputs: next, credentials });
    expect(fake.calls.filter((call) => call.method === "Kubeconfig")).toHaveLength(2);
  });

  it("ClusterKubeconfig: gives up when the Kubernetes API never becomes ready, saying what it answered", async () => {
    const api = await kubernetesApi(Number.POSITIVE_INFINITY);
    const fake = await node({ configured: true, kubeconfig: api.kubeconfig });
    await expect(
      providers.ClusterKubeconfig!.create({
        inputs: { ...target(fake), timeoutSeconds: 1, renewalPeriod: "2026-01-01T00:00:00.000Z" },
        credentials,
      }),
    ).rejects.toThrow(
      /Gave up waiting for the Kubernetes API of the cluster of node "cp-1" at https:\/\/127\.0\.0\.1:\d+ after \d+ attempts .*HTTP 503: \[-\]etcd failed/,
    );
  });
});
