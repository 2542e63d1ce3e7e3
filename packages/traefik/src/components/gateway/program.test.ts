import { gatewaySchema, serviceSchema } from "@highstate/k8s";
import { validateKubernetesResources } from "@highstate/k8s/test";
import { testUnit } from "@highstate/pulumi/test";
import { describe, expect, it } from "vitest";
import unit from "./program.js";

const cluster = {
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\n",
  externalIps: ["203.0.113.7"],
};

/** Answers the read of the chart's Service as the API server would, for a given service type. */
function serviceMocks(type: string) {
  return {
    newResource: (args: { type: string; name: string; id?: string; inputs: Record<string, unknown> }) => {
      if (args.type !== "kubernetes:core/v1:Service" || !args.id) return undefined;
      const ports = [
        { name: "web", port: 80, targetPort: "web", protocol: "TCP", ...(type === "NodePort" ? { nodePort: 30080 } : {}) },
        { name: "websecure", port: 443, targetPort: "websecure", protocol: "TCP", ...(type === "NodePort" ? { nodePort: 30443 } : {}) },
      ];
      return {
        id: args.id,
        state: {
          metadata: { name: "traefik", namespace: "traefik" },
          spec: { type, clusterIP: "10.43.0.10", ports, selector: { "app.kubernetes.io/name": "traefik" } },
          status: type === "LoadBalancer" ? { loadBalancer: { ingress: [{ ip: "198.51.100.4" }] } } : {},
        },
      };
    },
  };
}

describe("Traefik Gateway", () => {
  it("installs the pinned chart with the Gateway API on and a ClusterIP service, and outputs a gateway at the cluster IP", async () => {
    const result = await testUnit(unit, { name: "edge", inputs: { k8sCluster: cluster }, mocks: serviceMocks("ClusterIP") });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated).toEqual(["kubernetes:core/v1:Namespace edge"]);
    const chart = result.resource("kubernetes:helm.sh/v4:Chart");
    expect(chart.inputs).toMatchObject({
      chart: "traefik",
      version: "38.0.2",
      repositoryOpts: { repo: "https://traefik.github.io/charts" },
      namespace: "traefik",
      name: "traefik",
    });
    expect(chart.inputs.skipCrds).toBeUndefined();
    expect(chart.inputs.values).toMatchObject({
      deployment: { replicas: 1 },
      service: { type: "ClusterIP" },
      ports: { web: { port: 8000 }, websecure: { port: 8443 } },
      providers: { kubernetesGateway: { enabled: true } },
      gateway: { enabled: false },
      gatewayClass: { enabled: true, name: "traefik" },
      ingressClass: { enabled: true, isDefaultClass: false, name: "traefik" },
    });
    expect(gatewaySchema.parse(result.outputs.gateway)).toEqual({
      clusterId: "cluster-uid",
      clusterName: "prod",
      implRef: { package: "@highstate/traefik", data: { className: "traefik", httpPort: 8000, httpsPort: 8443 } },
      endpoints: ["10.43.0.10"],
    });
    expect(serviceSchema.parse(result.outputs.service)).toMatchObject({ name: "traefik", namespace: "traefik", type: "ClusterIP" });
    expect(result.outputs.$statusFields).toContainEqual({ name: "address", title: "Address", value: "10.43.0.10", secret: false });
    expect(result.secretOutputs).not.toContain("gateway");
  });

  it("points the gateway at the load balancer, or the cluster's external IPs for NodePort", async () => {
    let result = await testUnit(unit, {
      args: { serviceType: "LoadBalancer", replicas: 2 },
      inputs: { k8sCluster: cluster },
      mocks: serviceMocks("LoadBalancer"),
    });
    expect((result.outputs.gateway as { endpoints: string[] }).endpoints).toEqual(["198.51.100.4"]);
    expect(result.resource("kubernetes:helm.sh/v4:Chart").inputs.values).toMatchObject({
      deployment: { replicas: 2 },
      service: { type: "LoadBalancer" },
    });
    result = await testUnit(unit, { args: { serviceType: "NodePort" }, inputs: { k8sCluster: cluster }, mocks: serviceMocks("NodePort") });
    expect((result.outputs.gateway as { endpoints: string[] }).endpoints).toEqual(["203.0.113.7"]);
  });

  it("uses the endpoints arg, a custom class and skips CRDs when asked", async () => {
    const result = await testUnit(unit, {
      args: { endpoints: ["edge.example.com"], className: "public", installCrds: false, gatewayApi: true },
      inputs: { k8sCluster: cluster },
      mocks: serviceMocks("ClusterIP"),
    });
    expect(result.outputs.gateway).toMatchObject({ endpoints: ["edge.example.com"], implRef: { data: { className: "public" } } });
    expect(result.resource("kubernetes:helm.sh/v4:Chart").inputs).toMatchObject({
      skipCrds: true,
      values: { gatewayClass: { name: "public" } },
    });
  });
});
