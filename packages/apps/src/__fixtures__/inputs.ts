import type { DatabaseConnectionInput } from "@highstate/databases";
import { type Cluster, clusterSchema } from "@highstate/k8s";

/** A cluster entity as an Existing Cluster would output it. */
export const cluster: Cluster = clusterSchema.parse({
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\ncurrent-context: prod\n",
  externalIps: ["203.0.113.7"],
});

/** An access point with a gateway in the same cluster (see `fixture-gateway`) and a TLS issuer for example.com. */
export const accessPoint = {
  gateway: { clusterId: "cluster-uid", clusterName: "prod", implRef: { package: "@fixture/gateway", data: { gatewayName: "edge", gatewayNamespace: "gateway" } }, endpoints: ["203.0.113.7"] },
  tlsIssuers: [{ clusterId: "cluster-uid", zones: ["example.com"], issuerRef: { name: "letsencrypt" } }],
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

/** What a MariaDB Database component outputs. */
export const mariadbDatabase: DatabaseConnectionInput = {
  endpoints: [
    { host: "maria.maria.svc.cluster.local", port: 3306, visibility: "internal" },
    { host: "db.example.com", port: 30306, visibility: "public" },
  ],
  credentials: { username: "vaultwarden", password: "p@ss:w/rd" },
  database: "vaultwarden",
  location: { clusterId: "cluster-uid", clusterName: "prod", namespace: "maria", service: "maria" },
};
