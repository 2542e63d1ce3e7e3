import type * as pulumi from "@pulumi/pulumi";
import { databaseScript } from "./scripts.js";
import type { DatabaseFlavor } from "./server.js";

/** Where the backup kit mounts the data volume in its pods (the kit's `DATA_DIR`). */
export const kitDataDir = "/data";

/** The part of the backup kit's options a database server sets: its hooks, image and environment. */
export interface DatabaseBackupOptions {
  hooks: { onlineBackup: string; postRestore?: string };
  /** The server image: the hook needs the server's own client tools (`pg_dump` / `mariadb-dump`). */
  hookImage: string;
  hookEnv: Record<string, string>;
  hookSecretEnv: Record<string, pulumi.Input<string>>;
}

/** Where a physical backup is written in the volume (backed up instead of the live data folder). */
export const physicalBackupFolder = "physical";

/**
 * The backup kit options of a database server. The live data folder (`pgdata/` or `mysql/`) is always
 * left out of the snapshot; the hooks run in the server image (its tools match the server).
 *
 * - `logical`: the online-backup hook is the package's `<app>-backup.sh`, run against the server's
 *   Service, writing a dump into the volume's `dump/` folder; a restore brings back only the dump,
 *   which the server loads on its first start.
 * - `physical`: `<app>-physical-backup.sh` copies the running server's data directory
 *   (`pg_basebackup` over the replication protocol; `mariadb-backup` from the mounted volume, then
 *   prepared) into `physical/`; after a restore, the post-restore hook `<app>-physical-restore.sh`
 *   puts it in place as the data folder (owned by the image's user) before the server may start.
 */
export function databaseBackupOptions(
  flavor: DatabaseFlavor,
  server: { host: string; password: pulumi.Input<string> },
  mode: "logical" | "physical" = "logical",
): DatabaseBackupOptions {
  if (mode === "physical") {
    const physical = {
      BACKUP_DIR: `${kitDataDir}/${physicalBackupFolder}`,
      BACKUP_ARGS: `--exclude=${flavor.dataFolder}`,
      DATA_OWNER: `${flavor.fsGroup}:${flavor.fsGroup}`,
    };
    if (flavor.app === "postgresql") {
      return {
        hooks: {
          onlineBackup: databaseScript("postgresql-physical-backup.sh"),
          postRestore: databaseScript("postgresql-physical-restore.sh"),
        },
        hookImage: flavor.image,
        hookEnv: {
          ...physical,
          PGDATA: `${kitDataDir}/${flavor.dataFolder}`,
          PGHOST: server.host,
          PGPORT: String(flavor.port),
          PGUSER: flavor.adminUser,
        },
        hookSecretEnv: { PGPASSWORD: server.password },
      };
    }
    return {
      hooks: { onlineBackup: databaseScript("mariadb-physical-backup.sh"), postRestore: databaseScript("mariadb-physical-restore.sh") },
      hookImage: flavor.image,
      hookEnv: {
        ...physical,
        MARIADB_DATADIR: `${kitDataDir}/${flavor.dataFolder}`,
        MARIADB_HOST: server.host,
        MARIADB_PORT: String(flavor.port),
        MARIADB_USER: flavor.adminUser,
      },
      hookSecretEnv: { MYSQL_PWD: server.password },
    };
  }
  const common = { DUMP_DIR: `${kitDataDir}/dump`, BACKUP_ARGS: `--exclude=${flavor.dataFolder}` };
  if (flavor.app === "postgresql") {
    return {
      hooks: { onlineBackup: databaseScript("postgresql-backup.sh") },
      hookImage: flavor.image,
      hookEnv: { ...common, PGHOST: server.host, PGPORT: String(flavor.port), PGUSER: flavor.adminUser },
      hookSecretEnv: { PGPASSWORD: server.password },
    };
  }
  return {
    hooks: { onlineBackup: databaseScript("mariadb-backup.sh") },
    hookImage: flavor.image,
    hookEnv: { ...common, MARIADB_HOST: server.host, MARIADB_PORT: String(flavor.port), MARIADB_USER: flavor.adminUser },
    hookSecretEnv: { MYSQL_PWD: server.password },
  };
}
