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

/** An access point with a gateway in the same cluster (no issuer, no DNS provider). */
export const accessPoint = {
  gateway: { clusterId: "cluster-uid", clusterName: "prod", implRef: { package: "@fixture/gateway", data: { gatewayName: "edge", gatewayNamespace: "gateway" } }, endpoints: ["203.0.113.7"] },
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
