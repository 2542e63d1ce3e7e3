import { type Cluster, clusterSchema } from "@highstate/k8s";

/** A cluster entity as an Existing Cluster would output it. */
export const cluster: Cluster = clusterSchema.parse({
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\ncurrent-context: prod\n",
  externalIps: ["203.0.113.7"],
});

/** Another cluster, for wiring across clusters. */
export const otherCluster: Cluster = clusterSchema.parse({ ...cluster, id: "other-uid", name: "lab", quirks: { externalServiceType: "LoadBalancer" } });

/** Gives Services a node port (or a load-balancer address), as the API server would. */
export const serviceMocks = {
  newResource: (args: { type: string; name: string; inputs: Record<string, unknown> }) => {
    if (args.type !== "kubernetes:core/v1:Service") return undefined;
    const spec = args.inputs.spec as { type?: string; ports: Array<Record<string, unknown>> };
    const ports = spec.type === "NodePort" ? spec.ports.map((port) => ({ ...port, nodePort: 30432 })) : spec.ports;
    const status = spec.type === "LoadBalancer" ? { loadBalancer: { ingress: [{ ip: "198.51.100.9" }] } } : {};
    return { id: `${args.name}-id`, state: { ...args.inputs, spec: { ...spec, ports }, status } };
  },
};

/** A Restic Repo entity as the Restic Repo component outputs it. */
export const resticRepo = {
  type: "rclone" as const,
  remoteName: "backups",
  remoteType: "s3",
  rcloneConfig: "[backups]\ntype = s3\nprovider = Minio\nendpoint = https://s3.example.com\naccess_key_id = key\nsecret_access_key = s3cret-value\n",
  pathPattern: "restic/$clusterName/$appName/$instanceName",
  remoteEndpoints: ["s3.example.com"],
};
