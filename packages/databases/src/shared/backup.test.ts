import { describe, expect, it } from "vitest";
import { mariadbFlavor } from "../components/mariadb/program.js";
import { postgresqlFlavor } from "../components/postgresql/program.js";
import { databaseBackupOptions } from "./backup.js";
import { databaseScript } from "./scripts.js";

describe("databaseBackupOptions", () => {
  it("runs pg_dump in the PostgreSQL image against the Service and leaves the live files out", () => {
    const options = databaseBackupOptions(postgresqlFlavor, { host: "pg.db.svc.cluster.local", password: "admin-pass" });
    expect(options).toEqual({
      hooks: { onlineBackup: databaseScript("postgresql-backup.sh") },
      hookImage: "postgres:17.6-bookworm",
      hookEnv: {
        DUMP_DIR: "/data/dump",
        BACKUP_ARGS: "--exclude=pgdata",
        PGHOST: "pg.db.svc.cluster.local",
        PGPORT: "5432",
        PGUSER: "postgres",
      },
      hookSecretEnv: { PGPASSWORD: "admin-pass" },
    });
  });

  it("runs mariadb-dump in the MariaDB image (Ubuntu, not Alpine) with the password as a secret", () => {
    const options = databaseBackupOptions(mariadbFlavor, { host: "maria.db.svc.cluster.local", password: "root-pass" });
    expect(options.hookImage).toBe("mariadb:11.8.3-noble");
    expect(options.hooks.onlineBackup).toBe(databaseScript("mariadb-backup.sh"));
    expect(options.hookEnv).toEqual({
      DUMP_DIR: "/data/dump",
      BACKUP_ARGS: "--exclude=mysql",
      MARIADB_HOST: "maria.db.svc.cluster.local",
      MARIADB_PORT: "3306",
      MARIADB_USER: "root",
    });
    expect(options.hookSecretEnv).toEqual({ MYSQL_PWD: "root-pass" });
    expect(JSON.stringify(options.hookEnv)).not.toContain("root-pass");
  });

  it("physical mode: pg_basebackup into physical/, put back in place as pgdata by the post-restore hook", () => {
    const options = databaseBackupOptions(postgresqlFlavor, { host: "pg.db.svc.cluster.local", password: "admin-pass" }, "physical");
    expect(options).toEqual({
      hooks: {
        onlineBackup: databaseScript("postgresql-physical-backup.sh"),
        postRestore: databaseScript("postgresql-physical-restore.sh"),
      },
      hookImage: "postgres:17.6-bookworm",
      hookEnv: {
        BACKUP_DIR: "/data/physical",
        BACKUP_ARGS: "--exclude=pgdata",
        DATA_OWNER: "999:999",
        PGDATA: "/data/pgdata",
        PGHOST: "pg.db.svc.cluster.local",
        PGPORT: "5432",
        PGUSER: "postgres",
      },
      hookSecretEnv: { PGPASSWORD: "admin-pass" },
    });
  });

  it("physical mode: mariadb-backup of the mounted data folder, copied back by the post-restore hook", () => {
    const options = databaseBackupOptions(mariadbFlavor, { host: "maria.db.svc.cluster.local", password: "root-pass" }, "physical");
    expect(options.hooks).toEqual({
      onlineBackup: databaseScript("mariadb-physical-backup.sh"),
      postRestore: databaseScript("mariadb-physical-restore.sh"),
    });
    expect(options.hookEnv).toEqual({
      BACKUP_DIR: "/data/physical",
      BACKUP_ARGS: "--exclude=mysql",
      DATA_OWNER: "999:999",
      MARIADB_DATADIR: "/data/mysql",
      MARIADB_HOST: "maria.db.svc.cluster.local",
      MARIADB_PORT: "3306",
      MARIADB_USER: "root",
    });
    expect(options.hookSecretEnv).toEqual({ MYSQL_PWD: "root-pass" });
  });
});
