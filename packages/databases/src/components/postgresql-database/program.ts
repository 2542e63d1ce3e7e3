import { defineUnit } from "@highstate/pulumi";
import { createDatabase } from "../../shared/database.js";
import { postgresqlImage } from "../../shared/images.js";
import { postgresqlDatabase } from "./definition.js";

/**
 * A database and its owner on a PostgreSQL server, made by a Job that runs `postgresql-create-database.sh`
 * with the server's admin connection; outputs the owner's connection for the app.
 */
export default defineUnit(postgresqlDatabase, (unit) => {
  const result = createDatabase(unit, {
    app: "postgresql",
    image: postgresqlImage,
    adminEnv: (host, port, username, secret) => [
      { name: "PGHOST", value: host },
      { name: "PGPORT", value: String(port) },
      { name: "PGUSER", value: username },
      { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "admin-password" } } },
    ],
  });
  return { connection: result.connection, $statusFields: result.statusFields };
});
