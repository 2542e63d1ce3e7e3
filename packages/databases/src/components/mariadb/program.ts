import { defineUnit } from "@highstate/pulumi";
import { mariadbImage } from "../../shared/images.js";
import { createDatabaseServer, type DatabaseFlavor, dataMountPath, dumpDir, scriptsMountPath } from "../../shared/server.js";
import { mariadb } from "./definition.js";

// The flavor exported below is typed by this interface, so declarations that name it can reach it.
export type { DatabaseFlavor } from "../../shared/server.js";

/** How the MariaDB server is run: image, port, admin, environment, first-start restore, terminal. */
export const mariadbFlavor: DatabaseFlavor = {
  app: "mariadb",
  image: mariadbImage,
  dataFolder: "mysql",
  port: 3306,
  portName: "mariadb",
  adminUser: "root",
  fsGroup: 999,
  env: (secret) => [
    { name: "MARIADB_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
    // root may log in from other pods (the Database component's Job, the backup hook).
    { name: "MARIADB_ROOT_HOST", value: "%" },
    { name: "MARIADB_AUTO_UPGRADE", value: "1" },
  ],
  // The data folder is a sub-folder of the volume, so the volume can also hold the dumps.
  args: [`--datadir=${dataMountPath}/mysql`, "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"],
  initScript: `#!/bin/sh
set -eu
MARIADB_SOCKET=/run/mysqld/mysqld.sock MARIADB_USER=root MYSQL_PWD="$MARIADB_ROOT_PASSWORD" DUMP_DIR="${dumpDir}" exec /bin/sh ${scriptsMountPath}/mariadb-restore.sh
`,
  // The password comes from the container's environment, never from the command line.
  clientCommand: ["sh", "-c", 'MYSQL_PWD="$MARIADB_ROOT_PASSWORD" exec mariadb --user=root'],
  readinessProbe: { tcpSocket: { port: "mariadb" }, periodSeconds: 5, failureThreshold: 6 },
};

/**
 * A MariaDB server: namespace, root password Secret, scripts, data volume, Service and a one-replica
 * StatefulSet of the pinned image. A dump left in the volume by a restore is loaded on first start.
 */
export default defineUnit(mariadb, (unit) => {
  const server = createDatabaseServer(unit, mariadbFlavor);
  return {
    connection: server.connection,
    service: server.serviceValue,
    $statusFields: server.statusFields,
    $terminals: server.terminals,
    $triggers: server.triggers,
  };
});
