import { defineComponent } from "@highstate/contract";
import { clusterEntity } from "@highstate/k8s";
import { postgresqlConnectionEntity } from "../../entities/connection.js";
import { databaseArgs, databaseSecrets } from "../../shared/definition.js";

/** A database and the user owning it on a PostgreSQL server, for one app. */
export const postgresqlDatabase = defineComponent({
  type: "databases.postgresql-database.v1",
  args: databaseArgs,
  secrets: databaseSecrets,
  inputs: {
    /** The cluster the server runs in (the setup Job runs there). */
    k8sCluster: clusterEntity,
    /** The server's admin connection (the PostgreSQL component's `connection` output). */
    server: { entity: postgresqlConnectionEntity, description: "The admin connection of a PostgreSQL server." },
  },
  outputs: {
    /** A connection as the database's owner, with `database` set: give it to the app. */
    connection: postgresqlConnectionEntity,
  },
  meta: {
    title: "PostgreSQL Database",
    description:
      "Creates a database and a user owning it on a PostgreSQL server, with a generated password; the app gets only this user's connection.",
    icon: "mdi:database-plus",
    category: "Databases",
  },
  source: { package: "@highstate/databases", path: "postgresql-database" },
});
