import { defineComponent } from "@highstate/contract";
import { clusterEntity } from "@highstate/k8s";
import { mariadbConnectionEntity } from "../../entities/connection.js";
import { databaseArgs, databaseSecrets } from "../../shared/definition.js";

/** A database and a user with every privilege on it on a MariaDB server, for one app. */
export const mariadbDatabase = defineComponent({
  type: "databases.mariadb-database.v1",
  args: databaseArgs,
  secrets: databaseSecrets,
  inputs: {
    /** The cluster the server runs in (the setup Job runs there). */
    k8sCluster: clusterEntity,
    /** The server's admin connection (the MariaDB component's `connection` output). */
    server: { entity: mariadbConnectionEntity, description: "The admin connection of a MariaDB server." },
  },
  outputs: {
    /** A connection as the database's user, with `database` set: give it to the app. */
    connection: mariadbConnectionEntity,
  },
  meta: {
    title: "MariaDB Database",
    description:
      "Creates a database and a user with every privilege on it on a MariaDB server, with a generated password; the app gets only this user's connection.",
    icon: "mdi:database-plus",
    category: "Databases",
  },
  source: { package: "@highstate/databases", path: "mariadb-database" },
});
