import { defineComponent, z } from "@highstate/contract";
import { defineUnit, resourceName } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import { type Cluster, clusterEntity, clusterSchema } from "../entities/cluster.js";
import { serviceEntity as serviceEntityDefinition, serviceSchema } from "../entities/resources.js";
import { validateKubernetesResources } from "../test/validate.js";
import { createHelmChart, UnpinnedHelmChartError } from "./helm.js";
import { createNamespace } from "./namespace.js";
import { appLabels, kubernetesName, selectorLabels } from "./naming.js";
import { createClusterProvider } from "./provider.js";
import { createSecret } from "./secret.js";
import { serviceEntity } from "./service.js";
import { waitForCondition, waitForJsonPath } from "./wait.js";
import { Workload } from "./workload.js";

/** The parts of a recorded Deployment or StatefulSet spec the tests read. */
// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON; the assertions check their shape.
type PodOwnerSpec = Record<string, any>;

const cluster: Cluster = clusterSchema.parse({
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\ncurrent-context: prod\n",
  externalIps: ["203.0.113.7", "203.0.113.8"],
});

/** A throw-away unit exercising the helpers the way app units use them. */
const demo = defineComponent({
  type: "test.k8s-helpers.v1",
  args: { kind: z.enum(["Deployment", "StatefulSet"]).default("Deployment") },
  inputs: { k8sCluster: clusterEntity },
  outputs: { service: serviceEntityDefinition },
  meta: { title: "Helpers demo" },
  source: { package: "test", path: "demo" },
});

const demoUnit = defineUnit(demo, (unit) => {
  const provider = createClusterProvider(resourceName(unit), unit.inputs.k8sCluster);
  const namespace = createNamespace(resourceName(unit), { podSecurity: "baseline" }, { provider });
  createSecret(
    resourceName(unit, "extra"),
    { name: "extra", namespace: namespace.metadata.name, data: { token: "s3cret-token" } },
    { provider },
  );
  const app = new Workload(
    resourceName(unit),
    {
      app: "Vaultwarden",
      kind: unit.args.kind,
      namespace: namespace.metadata.name,
      image: "vaultwarden/server:1.34.3",
      env: { DOMAIN: "https://vault.example.com" },
      secretEnv: { ADMIN_TOKEN: "admin-token-value" },
      ports: [{ name: "http", port: 80, appProtocol: "http" }],
      volume: { mountPath: "/data", size: "1Gi" },
      resources: { requests: { cpu: "50m", memory: "64Mi" } },
      podSecurityContext: { fsGroup: 1000 },
      service: { type: "NodePort" },
    },
    { provider },
  );
  createHelmChart(
    resourceName(unit, "traefik"),
    {
      chart: "traefik",
      version: "34.2.0",
      repository: "https://traefik.github.io/charts",
      namespace: namespace.metadata.name,
      values: { replicas: 2 },
    },
    { provider },
  );
  return { service: serviceEntity(app.service!, unit.inputs.k8sCluster) };
});

/** Gives the Service a node port, as the API server would. */
const mocks = {
  newResource: (args: { type: string; name: string; inputs: Record<string, unknown> }) => {
    if (args.type !== "kubernetes:core/v1:Service") return undefined;
    const spec = args.inputs.spec as { ports: Array<Record<string, unknown>> };
    return {
      id: `${args.name}-id`,
      state: { ...args.inputs, spec: { ...spec, ports: spec.ports.map((port) => ({ ...port, nodePort: 30080 })) } },
    };
  },
};

describe("Kubernetes helpers in a unit", () => {
  it("create a namespace, a secret, a Deployment with its volume, secret env and Service, and a pinned chart, all valid Kubernetes objects", async () => {
    const result = await testUnit(demoUnit, { name: "vault", inputs: { k8sCluster: cluster }, mocks });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated.sort()).toEqual([
      "kubernetes:apps/v1:Deployment vault",
      "kubernetes:core/v1:Namespace vault",
      "kubernetes:core/v1:PersistentVolumeClaim vault",
      "kubernetes:core/v1:Secret vault-env",
      "kubernetes:core/v1:Secret vault-extra",
      "kubernetes:core/v1:Service vault",
    ]);
    expect(report.skipped).toEqual([]);

    const provider = result.resource("pulumi:providers:kubernetes", "vault");
    expect(provider.inputs.kubeconfig).toBe(cluster.kubeconfig);
    expect(provider.secretInputs).toContain("kubeconfig");

    const namespace = result.resource("kubernetes:core/v1:Namespace");
    expect(namespace.inputs.metadata).toEqual({
      name: "vault",
      labels: {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "baseline",
        "app.kubernetes.io/managed-by": "highstate",
      },
    });
    expect(namespace.provider).toContain("pulumi:providers:kubernetes::vault");

    const deployment = result.resource("kubernetes:apps/v1:Deployment");
    const spec = deployment.inputs.spec as PodOwnerSpec;
    expect(spec.strategy).toEqual({ type: "Recreate" });
    expect(spec.selector.matchLabels).toEqual(selectorLabels("vaultwarden", "vault"));
    expect(spec.template.metadata.labels).toEqual(appLabels("vaultwarden", "vault"));
    const container = spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: "DOMAIN", value: "https://vault.example.com" },
      { name: "ADMIN_TOKEN", valueFrom: { secretKeyRef: { name: "vault-env", key: "ADMIN_TOKEN" } } },
    ]);
    expect(container.readinessProbe).toEqual({ tcpSocket: { port: "http" }, periodSeconds: 5 });
    expect(spec.template.spec.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "vault" } }]);
    // Not awaited: with a WaitForFirstConsumer class (K3s's local-path) the claim binds only once the
    // Deployment's pod exists, and the Deployment is created after the claim.
    const claim = result.resource("kubernetes:core/v1:PersistentVolumeClaim");
    expect(claim.inputs.metadata).toEqual({
      name: "vault",
      namespace: "vault",
      labels: appLabels("vaultwarden", "vault"),
      annotations: { "pulumi.com/skipAwait": "true" },
    });
    expect(claim.inputs.spec).toMatchObject({ accessModes: ["ReadWriteOnce"] });
    expect(JSON.stringify(deployment.inputs)).not.toContain("admin-token-value");

    const envSecret = result.resource("kubernetes:core/v1:Secret", "vault-env");
    expect(envSecret.inputs.stringData).toEqual({ ADMIN_TOKEN: "admin-token-value" });
    expect(envSecret.secretInputs).toContain("stringData");
    expect(result.resource("kubernetes:core/v1:Secret", "vault-extra").secretInputs).toContain("stringData");

    const chart = result.resource("kubernetes:helm.sh/v4:Chart");
    expect(chart.inputs).toMatchObject({
      chart: "traefik",
      version: "34.2.0",
      repositoryOpts: { repo: "https://traefik.github.io/charts" },
      namespace: "vault",
      name: "vault-traefik",
      values: { replicas: 2 },
    });

    expect(serviceSchema.parse(result.outputs.service)).toEqual({
      clusterId: "cluster-uid",
      clusterName: "prod",
      name: "vault",
      namespace: "vault",
      type: "NodePort",
      selector: selectorLabels("vaultwarden", "vault"),
      endpoints: [
        { host: "vault.vault.svc.cluster.local", port: 80, protocol: "tcp", visibility: "internal", appProtocol: "http" },
        { host: "203.0.113.7", port: 30080, protocol: "tcp", visibility: "public", appProtocol: "http" },
        { host: "203.0.113.8", port: 30080, protocol: "tcp", visibility: "public", appProtocol: "http" },
      ],
    });
  });

  it("create a StatefulSet whose volume comes from a claim template", async () => {
    const result = await testUnit(demoUnit, { name: "vault", args: { kind: "StatefulSet" }, inputs: { k8sCluster: cluster }, mocks });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated).toContain("kubernetes:apps/v1:StatefulSet vault");
    expect(result.resources.some((resource) => resource.type === "kubernetes:core/v1:PersistentVolumeClaim")).toBe(false);
    const spec = result.resource("kubernetes:apps/v1:StatefulSet").inputs.spec as PodOwnerSpec;
    expect(spec.serviceName).toBe("vault");
    expect(spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } });
  });

  it("describe a Service with the cluster IP the API server assigned, but not a headless one's", async () => {
    const assign = (clusterIP: string) => ({
      newResource: (args: { type: string; name: string; inputs: Record<string, unknown> }) =>
        args.type === "kubernetes:core/v1:Service"
          ? { id: args.name, state: { ...args.inputs, spec: { ...(args.inputs.spec as object), clusterIP } } }
          : undefined,
    });
    const assigned = await testUnit(demoUnit, { name: "vault", inputs: { k8sCluster: cluster }, mocks: assign("10.43.7.7") });
    expect(serviceSchema.parse(assigned.outputs.service).clusterIp).toBe("10.43.7.7");
    const headless = await testUnit(demoUnit, { name: "vault", inputs: { k8sCluster: cluster }, mocks: assign("None") });
    expect(serviceSchema.parse(headless.outputs.service).clusterIp).toBeUndefined();
  });

  it("report an invalid object with the schema violation", async () => {
    const broken = defineUnit(demo, (unit) => {
      const provider = createClusterProvider(resourceName(unit), unit.inputs.k8sCluster);
      const workload = new Workload(
        resourceName(unit),
        { app: "x", namespace: "default", image: "x:1", ports: [{ name: "http", port: 80 }] },
        { provider },
      );
      // A replica count as text slips past TypeScript only with a cast; the schema catches it.
      new Workload(resourceName(unit, "bad"), { app: "x", namespace: "default", image: "x:1", replicas: "two" as never }, { provider });
      return { service: serviceEntity(workload.service!, unit.inputs.k8sCluster) };
    });
    const result = await testUnit(broken, { inputs: { k8sCluster: cluster } });
    await expect(validateKubernetesResources(result.resources)).rejects.toThrow(
      /The Kubernetes object "kubernetes:apps\/v1:Deployment test-bad" does not satisfy the Kubernetes schema: \/spec\/replicas must be integer/,
    );
  });
});

describe("createHelmChart", () => {
  it.each(["^34.0.0", "34", "latest", "34.x", ""])("refuses the unpinned version %j", async (version) => {
    const unit = defineUnit(demo, () => {
      createHelmChart("chart", { chart: "traefik", version, repository: "https://traefik.github.io/charts", namespace: "default" }, {});
      return { service: { clusterId: "c", clusterName: "c", name: "s", namespace: "n" } };
    });
    const error = await runError(testUnit(unit, { inputs: { k8sCluster: cluster } }));
    expect(error).toBeInstanceOf(UnpinnedHelmChartError);
    expect(error.message).toContain('The Helm chart "traefik" must be pinned to an exact version such as "1.2.3"');
  });
});

describe("naming and readiness", () => {
  it("makes Kubernetes-safe names, hashing long ones", () => {
    expect(kubernetesName("My App", "Web_UI")).toBe("my-app-web-ui");
    const long = kubernetesName("a".repeat(80));
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^a{54}-[0-9a-f]{8}$/);
    expect(kubernetesName("a".repeat(80))).not.toBe(kubernetesName(`${"a".repeat(79)}b`));
    expect(() => kubernetesName("---")).toThrow(/no letters or digits/);
  });

  it("builds wait annotations", () => {
    expect(waitForCondition("Ready")).toEqual({ "pulumi.com/waitFor": "condition=Ready" });
    expect(waitForCondition("Stalled", "False")).toEqual({ "pulumi.com/waitFor": "condition=Stalled=False" });
    expect(waitForJsonPath("{.status.phase}=Running")).toEqual({ "pulumi.com/waitFor": "jsonpath={.status.phase}=Running" });
  });
});
