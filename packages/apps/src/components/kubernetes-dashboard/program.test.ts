import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { testUnit } from "@highstate/pulumi/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFixtureGateway } from "../../__fixtures__/capabilities.js";
import { accessPoint, cluster } from "../../__fixtures__/inputs.js";
import type { kubernetesDashboard } from "./definition.js";

let unit: Unit<typeof kubernetesDashboard>;
let restoreCapabilities: () => void;
beforeAll(async () => {
  unit = (await import("./program.js")).default;
  restoreCapabilities = useFixtureGateway();
});
afterAll(() => restoreCapabilities());

/** The token controller fills the Secret's token, as the API server would. */
const mocks = {
  newResource: (args: { type: string; name: string; inputs: Record<string, unknown> }) =>
    args.type === "kubernetes:core/v1:Secret"
      ? { id: `${args.name}-id`, state: { ...args.inputs, data: { token: Buffer.from("eyJhbGciOi.token").toString("base64") } } }
      : undefined,
};

describe("Kubernetes Dashboard", () => {
  it("installs the pinned chart with Kong on plain HTTP and an admin ServiceAccount with a token Secret", async () => {
    const result = await testUnit(unit, {
      name: "dash",
      args: { fqdn: "dash.example.com" },
      inputs: { k8sCluster: cluster, accessPoint },
      mocks,
    });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated.sort()).toEqual(
      expect.arrayContaining([
        "kubernetes:core/v1:Namespace dash",
        "kubernetes:core/v1:Secret dash-admin-token",
        "kubernetes:core/v1:ServiceAccount dash-admin",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding dash-admin",
      ]),
    );
    expect(result.resource("kubernetes:helm.sh/v4:Chart").inputs).toMatchObject({
      chart: "kubernetes-dashboard",
      version: "7.13.0",
      repositoryOpts: { repo: "https://kubernetes.github.io/dashboard" },
      namespace: "kubernetes-dashboard",
      name: "kubernetes-dashboard",
      values: { kong: { proxy: { http: { enabled: true }, tls: { enabled: false } } } },
    });
    expect(result.resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").inputs).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "admin-user", namespace: "kubernetes-dashboard" }],
    });
    // Published through the access point: the route goes to the chart's Kong proxy on plain HTTP.
    expect(result.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").inputs.spec).toMatchObject({
      hostnames: ["dash.example.com"],
      rules: [{ backendRefs: [{ name: "kubernetes-dashboard-kong-proxy", port: 80 }] }],
    });
    const secret = result.resource("kubernetes:core/v1:Secret");
    expect(secret.inputs).toMatchObject({
      type: "kubernetes.io/service-account-token",
      metadata: { annotations: { "kubernetes.io/service-account.name": "admin-user", "pulumi.com/waitFor": "jsonpath={.data.token}" } },
    });
  });

  it("gives a page with the URL and the login token marked secret", async () => {
    const result = await testUnit(unit, { args: { fqdn: "dash.example.com" }, inputs: { k8sCluster: cluster, accessPoint }, mocks });
    expect(result.secretOutputs).toContain("$pages");
    const [page] = result.outputs.$pages as Array<{ blocks: Array<Record<string, unknown>> }>;
    expect(page!.blocks[0]!.content).toContain("[https://dash.example.com/](https://dash.example.com/)");
    expect(page!.blocks[1]).toEqual({
      type: "file",
      name: "login-token.txt",
      content: "eyJhbGciOi.token",
      contentType: "text/plain",
      secret: true,
    });
    expect(result.outputs.$statusFields).toContainEqual({ name: "token", title: "Login Token", value: "eyJhbGciOi.token", secret: true });
    expect(JSON.stringify(result.outputs.$statusFields)).not.toMatch(/"name":"token"[^}]*"secret":false/);
  });
});
