import { defineUnit } from "@highstate/pulumi";
import { postgresqlImage } from "../../shared/images.js";
import { createDatabaseServer, type DatabaseFlavor, dataMountPath, dumpDir, scriptsMountPath } from "../../shared/server.js";
import { postgresql } from "./definition.js";

/** How the PostgreSQL server is run: image, port, admin, environment, first-start restore, terminal. */
export const postgresqlFlavor: DatabaseFlavor = {
  app: "postgresql",
  image: postgresqlImage,
  dataFolder: "pgdata",
  port: 5432,
  portName: "postgresql",
  adminUser: "postgres",
  fsGroup: 999,
  env: (secret) => [
    { name: "POSTGRES_USER", value: "postgres" },
    { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
    { name: "PGDATA", value: `${dataMountPath}/pgdata` },
    // Password logins over the network use SCRAM; the local socket (the terminal) trusts the container.
    { name: "POSTGRES_HOST_AUTH_METHOD", value: "scram-sha-256" },
    { name: "POSTGRES_INITDB_ARGS", value: "--auth-host=scram-sha-256 --encoding=UTF8" },
  ],
  args: [],
  // Run by the image's entrypoint on first start (empty data folder), with the temporary server up.
  initScript: `#!/bin/sh
set -eu
PGHOST=/var/run/postgresql PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD" DUMP_DIR="${dumpDir}" exec /bin/sh ${scriptsMountPath}/postgresql-restore.sh
`,
  clientCommand: ["psql", "--username", "postgres"],
  readinessProbe: {
    exec: { command: ["pg_isready", "--host", "127.0.0.1", "--username", "postgres"] },
    periodSeconds: 5,
    failureThreshold: 6,
  },
};

/**
 * A PostgreSQL server: namespace, admin Secret, scripts, data volume, Service and a one-replica
 * StatefulSet of the pinned image. A dump left in the volume by a restore is loaded on first start.
 */
export default defineUnit(postgresql, (unit) => {
  const server = createDatabaseServer(unit, postgresqlFlavor);
  return {
    connection: server.connection,
    service: server.serviceValue,
    $statusFields: server.statusFields,
    $terminals: server.terminals,
    $triggers: server.triggers,
  };
});
