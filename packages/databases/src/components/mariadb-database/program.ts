import { defineUnit } from "@highstate/pulumi";
import { createDatabase } from "../../shared/database.js";
import { mariadbImage } from "../../shared/images.js";
import { mariadbDatabase } from "./definition.js";

/**
 * A database and its user on a MariaDB server, made by a Job that runs `mariadb-create-database.sh`
 * with the server's admin connection; outputs the user's connection for the app.
 */
export default defineUnit(mariadbDatabase, (unit) => {
  const result = createDatabase(unit, {
    app: "mariadb",
    image: mariadbImage,
    adminEnv: (host, port, username, secret) => [
      { name: "MARIADB_HOST", value: host },
      { name: "MARIADB_PORT", value: String(port) },
      { name: "MARIADB_USER", value: username },
      { name: "MYSQL_PWD", valueFrom: { secretKeyRef: { name: secret, key: "admin-password" } } },
    ],
  });
  return { connection: result.connection, $statusFields: result.statusFields };
});
