import { defineUnit } from "@highstate/pulumi";
import { postgresqlImage } from "../../shared/images.js";
import { createDatabaseServer, type DatabaseFlavor, dataMountPath, dumpDir, scriptsMountPath } from "../../shared/server.js";
import { postgresql } from "./definition.js";

// The flavor exported below is typed by this interface, so declarations that name it can reach it.
export type { DatabaseFlavor } from "../../shared/server.js";

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
  // pg_basebackup connects over the replication protocol, which "host all" lines do not admit: the
  // image's own rules (trust inside the container, SCRAM from elsewhere) plus replication with SCRAM.
  physicalBackup: {
    args: ["-c", `hba_file=${scriptsMountPath}/pg_hba.conf`],
    files: {
      "pg_hba.conf": [
        "# Written by Highstate (backupMode physical): the postgres image's rules plus replication for pg_basebackup.",
        "local   all          all                 trust",
        "host    all          all   127.0.0.1/32  trust",
        "host    all          all   ::1/128       trust",
        "local   replication  all                 trust",
        "host    replication  all   127.0.0.1/32  trust",
        "host    replication  all   ::1/128       trust",
        "host    all          all   all           scram-sha-256",
        "host    replication  all   all           scram-sha-256",
        "",
      ].join("\n"),
    },
  },
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
