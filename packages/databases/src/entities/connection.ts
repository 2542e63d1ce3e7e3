import { type Endpoint, endpointSchema } from "@highstate/common";
import { defineEntity, z } from "@highstate/contract";
import { kubernetesNameSchema } from "@highstate/k8s";

/** Where a database server runs in Kubernetes, so clients in the same cluster can pick its in-cluster endpoint. */
export const databaseLocationSchema = z
  .object({
    /** The id of the cluster the server runs in (see `k8s.cluster.v1`). */
    clusterId: z.string().min(1),
    /** The name of that cluster. */
    clusterName: z.string().min(1),
    /** The namespace of the server. */
    namespace: kubernetesNameSchema,
    /** The name of the server's Service. */
    service: kubernetesNameSchema,
  })
  .strict();
export type DatabaseLocation = z.output<typeof databaseLocationSchema>;

/** A user name and password to log in to a database server with. */
export const databaseCredentialsSchema = z
  .object({
    /** The user to log in as. */
    username: z.string().min(1),
    /** The user's password. Secret. */
    password: z.string().min(1).meta({ secret: true }),
  })
  .strict();
export type DatabaseCredentials = z.output<typeof databaseCredentialsSchema>;

/** The fields shared by the PostgreSQL and MariaDB connections. */
export const databaseConnectionSchema = z
  .object({
    /**
     * Where the server answers: its in-cluster Service name (`internal`) and, when it is exposed,
     * external addresses (`public`) and its FQDN.
     */
    endpoints: z.array(endpointSchema).min(1),
    /** The credentials: the server's admin, or an app's own user when the connection comes from a Database component. */
    credentials: databaseCredentialsSchema,
    /** The database to use. Set by the Database components; absent on a server's admin connection. */
    database: z.string().min(1).optional(),
    /** Where the server runs, when it runs in Kubernetes. */
    location: databaseLocationSchema.optional(),
  })
  .strict();
export type DatabaseConnection = z.output<typeof databaseConnectionSchema>;
export type DatabaseConnectionInput = z.input<typeof databaseConnectionSchema>;

/** A connection to a PostgreSQL server: endpoints, credentials and optionally a database. */
export const postgresqlConnectionEntity = defineEntity({
  type: "databases.postgresql.v1",
  schema: databaseConnectionSchema,
  meta: { title: "PostgreSQL Connection", color: "#336791", icon: "simple-icons:postgresql" },
});

/** A connection to a MariaDB server: endpoints, credentials and optionally a database. */
export const mariadbConnectionEntity = defineEntity({
  type: "databases.mariadb.v1",
  schema: databaseConnectionSchema,
  meta: { title: "MariaDB Connection", color: "#c0765a", icon: "simple-icons:mariadb" },
});

/**
 * The endpoint a client running in cluster `clusterId` should use: the in-cluster one when the server
 * runs in the same cluster, else a public one, else any non-internal one. `undefined` when the server
 * is reachable only inside another cluster.
 */
export function bestDatabaseEndpoint(connection: DatabaseConnection, clusterId?: string): Endpoint | undefined {
  const sameCluster = connection.location !== undefined && clusterId !== undefined && connection.location.clusterId === clusterId;
  const internal = connection.endpoints.find((endpoint) => endpoint.visibility === "internal");
  if (sameCluster && internal) return internal;
  const outside = connection.endpoints.filter((endpoint) => endpoint.visibility !== "internal");
  return outside.find((endpoint) => endpoint.visibility === "public") ?? outside[0];
}
