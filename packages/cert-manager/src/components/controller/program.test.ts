import { clusterSchema } from "@highstate/k8s";
import { validateKubernetesResources } from "@highstate/k8s/test";
import { testUnit } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import unit from "./program.js";

const cluster = {
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\n",
};

describe("Cert Manager", () => {
  it("installs the pinned chart with its CRDs into cert-manager and passes the cluster on", async () => {
    const result = await testUnit(unit, { name: "certs", args: { replicas: 2 }, secretInputs: { k8sCluster: cluster } });
    expect((await validateKubernetesResources(result.resources)).validated).toEqual(["kubernetes:core/v1:Namespace certs"]);
    expect(result.resource("kubernetes:core/v1:Namespace").inputs.metadata).toMatchObject({ name: "cert-manager" });
    expect(result.resource("kubernetes:helm.sh/v4:Chart").inputs).toMatchObject({
      chart: "cert-manager",
      version: "v1.18.2",
      repositoryOpts: { repo: "https://charts.jetstack.io" },
      namespace: "cert-manager",
      name: "cert-manager",
      values: { crds: { enabled: true, keep: true }, replicaCount: 2 },
    });
    expect(result.outputs.cluster).toEqual(clusterSchema.parse(cluster));
    expect(result.secretOutputs).toContain("cluster");
    expect(result.outputs.$statusFields).toEqual([{ name: "version", title: "Version", value: "v1.18.2", secret: false }]);
  });
});
