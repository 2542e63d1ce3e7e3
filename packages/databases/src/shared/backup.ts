import type * as pulumi from "@pulumi/pulumi";
import { databaseScript } from "./scripts.js";
import type { DatabaseFlavor } from "./server.js";

/** Where the backup kit mounts the data volume in its pods (the kit's `DATA_DIR`). */
export const kitDataDir = "/data";

/** The part of the backup kit's options a database server sets: its hook, image and environment. */
export interface DatabaseBackupOptions {
  hooks: { onlineBackup: string };
  /** The server image: the hook needs the server's own client tools (`pg_dump` / `mariadb-dump`). */
  hookImage: string;
  hookEnv: Record<string, string>;
  hookSecretEnv: Record<string, pulumi.Input<string>>;
}

/**
 * The backup kit options of a database server: the online-backup hook is the package's
 * `<app>-backup.sh`, run in the server image against the server's Service, writing the dump into the
 * volume's `dump/` folder; the live data folder (`pgdata/` or `mysql/`) is left out of the snapshot, so
 * a restore brings back only the dump, which the server loads on its first start.
 */
export function databaseBackupOptions(
  flavor: DatabaseFlavor,
  server: { host: string; password: pulumi.Input<string> },
): DatabaseBackupOptions {
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
