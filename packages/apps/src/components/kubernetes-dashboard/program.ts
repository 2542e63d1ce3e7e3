import { appLabels, createClusterProvider, createHelmChart, createNamespace, waitForJsonPath } from "@highstate/k8s/helpers";
import { PublishedService } from "@highstate/k8s/publish";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dashboardChart } from "../../shared/images.js";
import { kubernetesDashboard } from "./definition.js";

/**
 * The Kubernetes Dashboard: the pinned chart (its Kong proxy serving plain HTTP inside the cluster,
 * TLS being the gateway's job), an `admin-user` ServiceAccount bound to `cluster-admin` with a
 * long-lived token Secret, published at `https://<fqdn>` through the access point. The page gives the
 * URL and the login token, marked secret.
 */
export default defineUnit(kubernetesDashboard, (unit) => {
  const { args, inputs } = unit;
  const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
  const namespace = createNamespace(resourceName(unit), { name: args.namespace }, { provider });
  const labels = appLabels("kubernetes-dashboard", unit.name);
  const release = args.namespace;

  const chart = createHelmChart(
    resourceName(unit),
    {
      ...dashboardChart,
      namespace: namespace.metadata.name,
      releaseName: release,
      values: { kong: { proxy: { http: { enabled: true }, tls: { enabled: false } } } },
    },
    { provider, dependsOn: [namespace] },
  );

  const serviceAccount = new k8s.core.v1.ServiceAccount(
    resourceName(unit, "admin"),
    { metadata: { name: "admin-user", namespace: namespace.metadata.name, labels } },
    { provider },
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    resourceName(unit, "admin"),
    {
      metadata: { name: `${release}-admin-user`, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "admin-user", namespace: args.namespace }],
    },
    { provider, dependsOn: [serviceAccount] },
  );
  // The token controller fills `data.token` after creation: wait for it before reading.
  const tokenSecret = new k8s.core.v1.Secret(
    resourceName(unit, "admin-token"),
    {
      metadata: {
        name: "admin-user-token",
        namespace: namespace.metadata.name,
        labels,
        annotations: { "kubernetes.io/service-account.name": "admin-user", ...waitForJsonPath("{.data.token}") },
      },
      type: "kubernetes.io/service-account-token",
    },
    { provider, dependsOn: [serviceAccount], additionalSecretOutputs: ["data"] },
  );
  const token = pulumi.secret(tokenSecret.data.apply((data) => Buffer.from(data?.token ?? "", "base64").toString("utf8")));
  // The chart's Kong proxy serves the dashboard on plain HTTP inside the cluster; the gateway adds TLS.
  const published = new PublishedService(
    resourceName(unit),
    {
      accessPoint: inputs.accessPoint,
      cluster: inputs.k8sCluster,
      provider,
      fqdn: args.fqdn,
      namespace: namespace.metadata.name,
      service: { name: `${release}-kong-proxy`, port: 80 },
      instanceId: unit.instance.id,
    },
    { dependsOn: [chart] },
  );
  const url = published.url;
  return {
    $statusFields: { ...published.statusFields(), token: { value: token, title: "Login Token", secret: true } },
    $pages: [
      {
        name: "index",
        title: "Kubernetes Dashboard",
        blocks: [
          {
            type: "markdown" as const,
            content: pulumi.interpolate`Open [${url}](${url}) and sign in with the token below (a \`cluster-admin\` ServiceAccount: keep it safe).`,
          },
          { type: "file" as const, name: "login-token.txt", content: token, contentType: "text/plain", secret: true },
        ],
      },
    ],
  };
});
