import * as k8s from "@pulumi/kubernetes";
import { defineUnit, resourceName } from "../index.js";
import { webAppComponent } from "./definitions.js";

export default defineUnit(webAppComponent, async (unit) => {
  const { name, args, inputs, getSecret } = unit;
  const provider = new k8s.Provider(resourceName(unit), { kubeconfig: inputs.cluster.kubeconfig });
  const adminPassword = getSecret("adminPassword", () => globalThis.crypto.randomUUID());
  const labels = { "app.kubernetes.io/name": name };
  const secret = new k8s.core.v1.Secret(
    resourceName(unit, "admin"),
    { metadata: { name: `${name}-admin`, namespace: args.namespace }, stringData: { password: adminPassword } },
    { provider },
  );
  const deployment = new k8s.apps.v1.Deployment(
    resourceName(unit),
    {
      metadata: { name, namespace: args.namespace, labels },
      spec: {
        replicas: args.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "app",
                image: args.image,
                ports: [{ containerPort: args.port }],
                env: [{ name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "password" } } }],
              },
            ],
          },
        },
      },
    },
    { provider },
  );
  return {
    workload: {
      namespace: deployment.metadata.namespace,
      name: deployment.metadata.name,
      replicas: deployment.spec.replicas,
      port: args.port,
    },
    $statusFields: { image: args.image, replicas: deployment.spec.replicas },
    $terminals: [
      {
        type: "local",
        name: "kubectl",
        title: "kubectl",
        command: ["kubectl", "--namespace", args.namespace, "get", "pods"],
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: inputs.cluster.kubeconfig }],
      },
    ],
  };
});
