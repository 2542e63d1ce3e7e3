import "reflect-metadata";
import { X509Certificate } from "node:crypto";
import { clusterSchema } from "@highstate/k8s";
import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit, type UnitTestResult } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { talosSchemaErrors } from "../../config/__fixtures__/json-schema.js";
import type { MachineConfigDocument } from "../../config/generate.js";
import { parseMachineConfig } from "../../config/render.js";
import { validateMachineConfig } from "../../config/schema.js";
import { talosClusterSchema } from "../../entities/cluster.js";
import { bundleCertificate, generateSecretsBundle, type SecretsBundle } from "../../pki/secrets.js";
import { ciliumValuesSchema } from "./cilium.js";
import type { talosCluster } from "./definition.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests reach deep into parsed YAML.
type Tree = Record<string, any>;

let unit: Unit<typeof talosCluster>;
let bundle: SecretsBundle;
let bundleJson: string;
const kubeSystemUid = "0f4c1d2e-8a9b-4c3d-9e8f-7a6b5c4d3e2f";
const fetchedKubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    server: https://10.0.0.1:6443\n";

const master = (index: number) => ({ hostname: `cp-${index}`, endpoints: [`10.0.0.${index}`] });
const worker = (index: number) => ({ hostname: `worker-${index}`, endpoints: [`10.0.1.${index}`] });

const mocks: TestUnitOptions<typeof talosCluster>["mocks"] = {
  newResource: (args) => {
    if (args.type === "kubernetes:core/v1:Namespace" && args.id === "kube-system") {
      return { id: "kube-system", state: { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system", uid: kubeSystemUid } } };
    }
    if (args.type === "pulumi-nodejs:dynamic/talos:ClusterKubeconfig")
      return { id: "kubeconfig", state: { ...args.inputs, outputs: { kubeconfig: fetchedKubeconfig } } };
    return undefined;
  },
};

beforeAll(async () => {
  unit = (await import("./program.js")).default;
  bundle = await generateSecretsBundle();
  bundleJson = JSON.stringify(bundle);
});

const run = (options: TestUnitOptions<typeof talosCluster>) =>
  testUnit(unit, { name: "prod", secrets: { secretsBundle: bundleJson }, mocks, ...options });

/** The machine config a MachineConfiguration resource applies, parsed and checked with zod and Talos's JSON Schema. */
function appliedConfig(result: UnitTestResult, name: string): Tree {
  const resource = result.resource("pulumi-nodejs:dynamic/talos:MachineConfiguration", name);
  expect(resource.secretInputs).toContain("inputs");
  expect(resource.secretInputs).toContain("credentials");
  const inputs = resource.inputs.inputs as { config: string; node: string; nodeName: string; timeoutSeconds: number };
  const documents = parseMachineConfig(inputs.config, name);
  validateMachineConfig(documents, name);
  expect(talosSchemaErrors(documents)).toEqual([]);
  expect(documents).toHaveLength(1);
  return { ...(documents[0] as MachineConfigDocument), $inputs: inputs };
}

describe("kubernetesEndpoint and installerImage", () => {
  it.each([
    ["10.0.0.10", "https://10.0.0.10:6443"],
    ["k8s.example.com:443", "https://k8s.example.com:443"],
    ["https://k8s.example.com:7443", "https://k8s.example.com:7443"],
    ["https://k8s.example.com", "https://k8s.example.com:6443"],
    ["2001:db8::10", "https://[2001:db8::10]:6443"],
    ["[2001:db8::10]:6443", "https://[2001:db8::10]:6443"],
  ])("reads the endpoint %s as %s", async (value, url) => {
    const { kubernetesEndpoint } = await import("./program.js");
    expect(kubernetesEndpoint(value, "x")).toBe(url);
  });

  it("accepts an installer of the cluster's version, digest pinned or not", async () => {
    const { installerImage } = await import("./program.js");
    expect(installerImage("v1.11.5", undefined)).toBe("ghcr.io/siderolabs/installer:v1.11.5");
    const pinned = `factory.talos.dev/metal-installer/abc:v1.11.5@sha256:${"a".repeat(64)}`;
    expect(installerImage("v1.11.5", pinned)).toBe(pinned);
    expect(() => installerImage("v1.11.5", "ghcr.io/siderolabs/installer")).toThrow(/must be tagged/);
  });
});

describe("Talos Cluster", () => {
  it("makes a one-master cluster: schedulable master, Cilium without kube-proxy, local-path volumes, bootstrap and kubeconfig", async () => {
    const result = await run({ inputs: { masters: [master(1)] } });
    const config = appliedConfig(result, "prod-master-0");
    expect(config.$inputs).toMatchObject({ node: "10.0.0.1", nodeName: "cp-1", timeoutSeconds: 900, talosVersion: "v1.11.5" });
    expect(config.machine.type).toBe("controlplane");
    expect(config.machine.network.hostname).toBe("cp-1");
    expect(config.machine.install).toEqual({ disk: "/dev/sda", image: "ghcr.io/siderolabs/installer:v1.11.5", wipe: false });
    expect(config.machine.certSANs).toEqual(["10.0.0.1"]);
    expect(config.machine.kubelet.image).toBe("ghcr.io/siderolabs/kubelet:v1.34.1");
    expect(config.machine.kubelet.extraMounts).toEqual([
      {
        destination: "/var/local-path-provisioner",
        type: "bind",
        source: "/var/local-path-provisioner",
        options: ["bind", "rshared", "rw"],
      },
    ]);
    expect(config.cluster.controlPlane.endpoint).toBe("https://10.0.0.1:6443");
    expect(config.cluster.clusterName).toBe("prod");
    expect(config.cluster.allowSchedulingOnControlPlanes).toBe(true);
    expect(config.cluster.network.cni).toEqual({ name: "none" });
    expect(config.cluster.proxy.disabled).toBe(true);
    expect(config.cluster.ca.crt).toBe(bundle.certs.k8s.cert);

    const bootstrap = result.resource("pulumi-nodejs:dynamic/talos:ClusterBootstrap", "prod-bootstrap");
    expect(bootstrap.inputs.inputs).toEqual({ node: "10.0.0.1", nodeName: "cp-1", timeoutSeconds: 900 });
    expect(bootstrap.secretInputs).toContain("credentials");
    const credentials = bootstrap.inputs.credentials as { ca: string; cert: string; key: string };
    expect(credentials.ca).toBe(bundleCertificate(bundle, "os").cert);
    expect(new X509Certificate(credentials.cert).subject).toBe("O=os:admin");
    expect(String(bootstrap.inputs.__provider)).not.toContain(credentials.key.split("\n")[1]);
    const kubeconfigResource = result.resource("pulumi-nodejs:dynamic/talos:ClusterKubeconfig", "prod-kubeconfig");
    expect((kubeconfigResource.inputs.inputs as Tree).renewalPeriod).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);

    const chart = result.resource("kubernetes:helm.sh/v4:Chart", "prod-cilium");
    expect(chart.inputs).toMatchObject({
      chart: "cilium",
      version: "1.17.4",
      namespace: "kube-system",
      name: "cilium",
      repositoryOpts: { repo: "https://helm.cilium.io" },
    });
    const values = ciliumValuesSchema.parse(chart.inputs.values);
    expect(values).toMatchObject({
      kubeProxyReplacement: true,
      k8sServiceHost: "localhost",
      k8sServicePort: 7445,
      operator: { replicas: 1 },
    });
    expect(chart.provider).toContain("pulumi:providers:kubernetes::prod");

    const report = await validateKubernetesResources(result.resources);
    expect(report.validated).toEqual(
      expect.arrayContaining([
        "kubernetes:core/v1:Namespace prod-local-path",
        "kubernetes:core/v1:ServiceAccount prod-local-path",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole prod-local-path",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding prod-local-path",
        "kubernetes:core/v1:ConfigMap prod-local-path",
        "kubernetes:apps/v1:Deployment prod-local-path",
        "kubernetes:storage.k8s.io/v1:StorageClass prod-local-path",
      ]),
    );
    const namespace = result.resource("kubernetes:core/v1:Namespace", "prod-local-path");
    expect((namespace.inputs.metadata as Tree).labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    const localPathConfig = JSON.parse(
      (result.resource("kubernetes:core/v1:ConfigMap", "prod-local-path").inputs.data as Tree)["config.json"],
    );
    expect(localPathConfig.nodePathMap[0].paths).toEqual(["/var/local-path-provisioner"]);
  });

  it("outputs the Kubernetes and Talos clusters and a talosctl/kubectl terminal, keeping credentials secret", async () => {
    const result = await run({ inputs: { masters: [master(1), master(2)], workers: [worker(1)] } });
    const cluster = clusterSchema.parse(result.outputs.k8sCluster);
    expect(cluster).toMatchObject({
      id: kubeSystemUid,
      name: "prod",
      apiEndpoint: { host: "10.0.0.1", port: 6443, protocol: "tcp" },
      kubeconfig: fetchedKubeconfig,
    });
    const talos = talosClusterSchema.parse(result.outputs.talosCluster);
    expect(talos).toMatchObject({
      name: "prod",
      endpoints: ["10.0.0.1", "10.0.0.2"],
      nodes: ["10.0.0.1", "10.0.0.2", "10.0.1.1"],
      kubernetesEndpoint: "https://10.0.0.1:6443",
      talosVersion: "v1.11.5",
      kubernetesVersion: "1.34.1",
    });
    const talosconfig = parse(talos.talosconfig);
    expect(talosconfig.context).toBe("prod");
    expect(talosconfig.contexts.prod.endpoints).toEqual(["10.0.0.1", "10.0.0.2"]);
    const cert = new X509Certificate(Buffer.from(talosconfig.contexts.prod.crt, "base64").toString());
    expect(cert.checkIssued(new X509Certificate(bundleCertificate(bundle, "os").cert))).toBe(true);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(result.outputs.$terminals).toEqual([
      {
        type: "local",
        name: "management",
        title: "Cluster Management (talosctl, kubectl)",
        command: [],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's file placeholders.
        env: { TALOSCONFIG: "${file:talosconfig}", KUBECONFIG: "${file:kubeconfig}" },
        files: [
          { name: "talosconfig", content: talos.talosconfig, mode: 0o600 },
          { name: "kubeconfig", content: fetchedKubeconfig, mode: 0o600 },
        ],
      },
    ]);
    expect(result.secretOutputs).toEqual(expect.arrayContaining(["k8sCluster", "talosCluster", "$terminals"]));
    expect(result.outputs.$statusFields).toEqual([
      { name: "kubernetesEndpoint", title: "Kubernetes API", value: "https://10.0.0.1:6443", secret: false },
      { name: "talosEndpoints", title: "Talos API", value: "10.0.0.1, 10.0.0.2", secret: false },
      { name: "talosVersion", title: "Talos", value: "v1.11.5", secret: false },
    ]);
  });

  it("generates the cluster secrets once, keeps them secret, and reuses a stored bundle instead of generating", async () => {
    const generated = await testUnit(unit, { name: "fresh", inputs: { masters: [master(1)] }, mocks });
    expect(Object.keys(generated.secrets)).toEqual(["secretsBundle"]);
    const stored = JSON.parse(generated.secrets.secretsBundle as string) as SecretsBundle;
    expect(appliedConfig(generated, "fresh-master-0").machine.ca.crt).toBe(stored.certs.os.cert);

    const again = await testUnit(unit, {
      name: "fresh",
      inputs: { masters: [master(1)] },
      secrets: { secretsBundle: generated.secrets.secretsBundle },
      mocks,
    });
    expect(again.secrets).toEqual({});
    expect(appliedConfig(again, "fresh-master-0").cluster.secret).toBe(stored.cluster.secret);
    // The admin certificate is the same within a renewal period, so the talosconfig does not churn.
    expect((again.outputs.talosCluster as Tree).talosconfig).toBe((generated.outputs.talosCluster as Tree).talosconfig);
  });

  it("keeps CA keys off workers, does not schedule on masters when there are workers, and applies each patch to its nodes", async () => {
    const result = await run({
      inputs: { masters: [master(1)], workers: [worker(1), worker(2)] },
      args: {
        endpoint: "k8s.example.com",
        sharedConfigPatch: "machine:\n  sysctls:\n    net.ipv4.ip_forward: '1'\n",
        masterConfigPatch: "machine:\n  nodeLabels:\n    role: master\n",
        workerConfigPatch: "- op: add\n  path: /machine/nodeLabels\n  value:\n    role: worker\n",
      },
    });
    const cp = appliedConfig(result, "prod-master-0");
    expect(cp.cluster.allowSchedulingOnControlPlanes).toBeUndefined();
    expect(cp.cluster.controlPlane.endpoint).toBe("https://k8s.example.com:6443");
    expect(cp.cluster.apiServer.certSANs).toEqual(["k8s.example.com", "10.0.0.1"]);
    expect(cp.machine.certSANs).toEqual(["10.0.0.1", "k8s.example.com"]);
    expect(cp.machine.sysctls).toEqual({ "net.ipv4.ip_forward": "1" });
    expect(cp.machine.nodeLabels).toMatchObject({ role: "master", "node.kubernetes.io/exclude-from-external-load-balancers": "" });
    for (const [index, name] of ["prod-worker-0", "prod-worker-1"].entries()) {
      const config = appliedConfig(result, name);
      expect(config.$inputs.node).toBe(`10.0.1.${index + 1}`);
      expect(config.machine.type).toBe("worker");
      expect(config.machine.ca.key).toBe("");
      expect(config.cluster.ca.key).toBe("");
      expect(config.machine.sysctls).toEqual({ "net.ipv4.ip_forward": "1" });
      expect(config.machine.nodeLabels).toEqual({ role: "worker" });
      expect(JSON.stringify(config)).not.toContain(bundle.certs.etcd.key);
    }
    expect(ciliumValuesSchema.parse(result.resource("kubernetes:helm.sh/v4:Chart").inputs.values).operator.replicas).toBe(2);
  });

  it("schedules on masters always or never when asked", async () => {
    const always = await run({ inputs: { masters: [master(1)], workers: [worker(1)] }, args: { scheduleOnMastersPolicy: "always" } });
    expect(appliedConfig(always, "prod-master-0").cluster.allowSchedulingOnControlPlanes).toBe(true);
    const never = await run({ inputs: { masters: [master(1)] }, args: { scheduleOnMastersPolicy: "never" } });
    expect(appliedConfig(never, "prod-master-0").cluster.allowSchedulingOnControlPlanes).toBeUndefined();
  });

  it("leaves the CNI to Talos with flannel, and installs nothing extra with cni none and csi none", async () => {
    const flannel = await run({ inputs: { masters: [master(1)] }, args: { cni: "flannel", csi: "none" } });
    const config = appliedConfig(flannel, "prod-master-0");
    expect(config.cluster.network.cni).toBeUndefined();
    expect(config.cluster.proxy.disabled).toBeUndefined();
    expect(config.machine.kubelet.extraMounts).toBeUndefined();
    expect(
      flannel.resources.filter((resource) => resource.type.startsWith("kubernetes:") && resource.custom).map((resource) => resource.name),
    ).toEqual(["prod-kube-system"]);
    const none = await run({ inputs: { masters: [master(1)] }, args: { cni: "none" } });
    expect(appliedConfig(none, "prod-master-0").cluster.network.cni).toEqual({ name: "none" });
    expect(none.resources.some((resource) => resource.type === "kubernetes:helm.sh/v4:Chart")).toBe(false);
  });

  it("uses an Image Factory installer of the same Talos version", async () => {
    const image = "factory.talos.dev/installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:v1.11.5";
    const result = await run({ inputs: { masters: [master(1)] }, args: { installerImage: image, installDisk: "/dev/vda" } });
    expect(appliedConfig(result, "prod-master-0").machine.install).toMatchObject({ disk: "/dev/vda", image });
  });

  it.each([
    [
      { installerImage: "ghcr.io/siderolabs/installer:v1.11.4" },
      /Arg "installerImage" .* must be tagged with the cluster's Talos version "v1.11.5"/,
    ],
    [{ sharedConfigPatch: "machine: [" }, /arg "sharedConfigPatch" of "prod" is not valid YAML/],
    [
      { workerConfigPatch: "cluster:\n  allowSchedulingOnMasters: true\n" },
      /worker "worker-1" of "prod" is not valid: .*"allowSchedulingOnMasters"/,
    ],
    [{ endpoint: "http://k8s.example.com" }, /Arg "endpoint" of "prod" "http:\/\/k8s.example.com" must use https/],
  ])("rejects %j with a message naming the arg", async (args, message) => {
    const error = await runError(run({ inputs: { masters: [master(1)], workers: [worker(1)] }, args: args as never }));
    expect(error.message).toMatch(message);
  });

  it.each([
    [{ talosVersion: "v1.12.0" }, "talosVersion"],
    [{ cni: "calico" }, "cni"],
    [{ installDisk: "sda" }, "installDisk"],
  ])("rejects bad args %j", async (args, field) => {
    const error = await runError(run({ inputs: { masters: [master(1)] }, args: args as never }));
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain(`"${field}`);
  });

  it("needs a master", async () => {
    const error = await runError(run({ inputs: { masters: [] } }));
    expect(error.message).toMatch(/masters/);
  });

  it("explains a stored secrets bundle that is not valid", async () => {
    const error = await runError(run({ inputs: { masters: [master(1)] }, secrets: { secretsBundle: '{"cluster": {}}' } }));
    expect(error.message).toMatch(/The Talos secrets bundle in secret "secretsBundle" of "prod" is not valid/);
  });
});
