import { bestDatabaseEndpoint, type DatabaseConnection } from "@highstate/databases";

/** Thrown when an app's database input is missing, doubled or unusable. */
export class AppDatabaseError extends Error {
  override name = "AppDatabaseError";
}

/**
 * The `mysql://` or `postgresql://` URL of a database connection for an app running in cluster
 * `clusterId`: the in-cluster endpoint when the server runs there, a public one otherwise; user and
 * password URL-encoded.
 *
 * @throws AppDatabaseError when the connection has no `database` or no endpoint reachable from the cluster.
 */
export function databaseUrl(scheme: "mysql" | "postgresql", connection: DatabaseConnection, clusterId: string, where: string): string {
  if (!connection.database) {
    throw new AppDatabaseError(
      `${where}: the connection names no database (it is a server's admin connection): connect the output of a ${scheme === "mysql" ? "MariaDB" : "PostgreSQL"} Database component instead`,
    );
  }
  const endpoint = bestDatabaseEndpoint(connection, clusterId);
  if (!endpoint) {
    throw new AppDatabaseError(
      `${where}: the database server is reachable only inside cluster "${connection.location?.clusterName}": run the app in that cluster, or set "external" on the server`,
    );
  }
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const user = encodeURIComponent(connection.credentials.username);
  const password = encodeURIComponent(connection.credentials.password);
  return `${scheme}://${user}:${password}@${host}:${endpoint.port}/${encodeURIComponent(connection.database)}`;
}
