import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clusterSchema } from "../../entities/cluster.js";
import { twoClustersJson, twoClustersYaml } from "../../kubeconfig/__fixtures__/kubeconfigs.js";
import { validateKubernetesResources } from "../../test/validate.js";
import type { existingCluster } from "./definition.js";

let unit: Unit<typeof existingCluster>;
const kubeSystemUid = "6a1c8f4e-2f0b-4d6e-9a57-3c1d2b4e5f60";

/** Answers the read of `kube-system` as a reachable cluster would. */
const mocks: TestUnitOptions<typeof existingCluster>["mocks"] = {
  newResource: (args) =>
    args.type === "kubernetes:core/v1:Namespace" && args.id === "kube-system"
      ? { id: "kube-system", state: { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system", uid: kubeSystemUid } } }
      : undefined,
};

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("Existing Cluster", () => {
  it("reads the kube-system uid through a provider for the current context and outputs the cluster", async () => {
    const result = await testUnit(unit, {
      name: "prod-cluster",
      secrets: { kubeconfig: twoClustersYaml },
      args: { externalIps: ["203.0.113.7"] },
      mocks,
    });
    const provider = result.resource("pulumi:providers:kubernetes", "prod-cluster");
    expect(provider.secretInputs).toContain("kubeconfig");
    expect(parse(String(provider.inputs.kubeconfig))["current-context"]).toBe("prod");
    const read = result.resource("kubernetes:core/v1:Namespace", "prod-cluster-kube-system");
    expect(read.id).toBe("kube-system");
    expect(read.provider).toContain("pulumi:providers:kubernetes::prod-cluster");
    // The unit creates nothing in the cluster: the namespace is only read.
    expect(await validateKubernetesResources(result.resources)).toEqual({
      validated: [],
      skipped: ["kubernetes:core/v1:Namespace prod-cluster-kube-system"],
    });

    const cluster = clusterSchema.parse(result.outputs.k8sCluster);
    expect(cluster).toMatchObject({
      id: kubeSystemUid,
      name: "prod-cluster",
      apiEndpoint: { host: "10.0.0.1", port: 6443, protocol: "tcp" },
      externalIps: ["203.0.113.7"],
      quirks: { externalServiceType: "NodePort", tunDevicePolicy: { type: "host" } },
    });
    expect(parse(cluster.kubeconfig).contexts).toEqual([{ name: "prod", context: { cluster: "prod", user: "prod-admin" } }]);
    expect(cluster.kubeconfig).not.toContain("lab-token");
    expect(result.outputs.$statusFields).toEqual([
      { name: "clusterId", title: "Cluster ID", value: kubeSystemUid, secret: false },
      { name: "apiEndpoint", title: "API Server", value: "https://10.0.0.1:6443", secret: false },
    ]);
  });

  it("offers a local terminal with KUBECONFIG pointing at the kubeconfig file", async () => {
    const result = await testUnit(unit, { secrets: { kubeconfig: twoClustersYaml }, mocks });
    const cluster = clusterSchema.parse(result.outputs.k8sCluster);
    expect(result.outputs.$terminals).toEqual([
      {
        type: "local",
        name: "management",
        title: "Cluster Management",
        command: [],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's file placeholder.
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: cluster.kubeconfig, mode: 0o600 }],
      },
    ]);
  });

  it("keeps the cluster and the terminal secret, and the status fields plain", async () => {
    const result = await testUnit(unit, { secrets: { kubeconfig: twoClustersYaml }, mocks });
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual(["$terminals", "k8sCluster"]);
  });

  it("uses the named context of a JSON kubeconfig, with its quirks", async () => {
    const result = await testUnit(unit, {
      secrets: { kubeconfig: twoClustersJson },
      args: { context: "lab", quirks: { externalServiceType: "LoadBalancer" } },
      mocks,
    });
    const cluster = clusterSchema.parse(result.outputs.k8sCluster);
    expect(cluster.apiEndpoint).toEqual({ host: "2001:db8::5", port: 443, protocol: "tcp" });
    expect(cluster.quirks.externalServiceType).toBe("LoadBalancer");
    expect(cluster.kubeconfig).toContain("lab-token");
    expect(cluster.kubeconfig).not.toContain("UFJPRC1LRVk=");
  });

  it("lists the contexts when the named one is missing", async () => {
    const error = await runError(
      testUnit(unit, { name: "c1", secrets: { kubeconfig: twoClustersYaml }, args: { context: "staging" }, mocks }),
    );
    expect(error.message).toContain(
      'The kubeconfig in secret "kubeconfig" of "c1" has no context "staging". Its contexts are: "prod", "lab".',
    );
  });

  it("rejects a kubeconfig that is garbage", async () => {
    const error = await runError(testUnit(unit, { secrets: { kubeconfig: "{{ not yaml" }, mocks }));
    expect(error.name).toBe("InvalidKubeconfigError");
    expect(error.message).toMatch(/secret "kubeconfig" of "test" is not usable: it is neither YAML nor JSON/);
  });

  it("needs the kubeconfig secret", async () => {
    const error = await runError(testUnit(unit, { mocks }));
    expect(error.name).toBe("UnitSecretsError");
    expect(error.message).toContain("kubeconfig");
  });

  it.each([
    [{ externalIps: ["not-an-ip"] }, "externalIps"],
    [{ context: "" }, "context"],
    [{ quirks: { externalServiceType: "Ingress" } }, "quirks"],
    [{ kubeconfigPath: "~/.kube/config" }, "kubeconfigPath"],
  ])("rejects bad args %j naming %s", async (args, field) => {
    const error = await runError(testUnit(unit, { args: args as never, secrets: { kubeconfig: twoClustersYaml }, mocks }));
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain(`"${field}`);
  });
});
