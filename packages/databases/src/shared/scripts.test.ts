/**
 * The database-aware backup hooks against real servers: Debian's PostgreSQL and MariaDB, started on
 * loopback in a temp folder. Back up with the hook, drop everything, restore with the hook, compare;
 * then restore into a brand-new server (the "re-created on another cluster" case). And the scripts
 * the Database components run to create a database and its user.
 */
import { chmod, cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  mariadbUnavailableReason,
  postgresUnavailableReason,
  runScript,
  startMariadb,
  startPostgres,
  type TestDatabaseServer,
} from "../__fixtures__/servers.js";
import { databaseScriptPath } from "./scripts.js";

const postgresSkip = postgresUnavailableReason();
if (postgresSkip) console.warn(`Skipping the PostgreSQL hook tests: ${postgresSkip}`);
const mariadbSkip = mariadbUnavailableReason();
if (mariadbSkip) console.warn(`Skipping the MariaDB hook tests: ${mariadbSkip}`);

const postgresSeed = `
CREATE ROLE app LOGIN PASSWORD 'app-secret-1';
CREATE ROLE reporting NOLOGIN;
CREATE DATABASE shop OWNER app;
\\connect shop
SET ROLE app;
CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, price numeric(10, 2), photo bytea, tags text[], created timestamptz);
INSERT INTO items (name, price, photo, tags, created) VALUES
  ('Zürich café ☕', 4.50, '\\xdeadbeef', ARRAY['hot', 'drink'], '2024-01-02T03:04:05Z'),
  ('line''s "quoted"\nnewline', NULL, NULL, '{}', NULL),
  ('bulk', 1.00, NULL, NULL, NULL);
INSERT INTO items (name, price) SELECT 'row ' || g, g / 7.0 FROM generate_series(1, 500) AS g;
CREATE VIEW cheap AS SELECT name FROM items WHERE price < 1;
CREATE FUNCTION total() RETURNS numeric LANGUAGE sql AS 'SELECT sum(price) FROM items';
RESET ROLE;
GRANT SELECT ON items TO reporting;
\\connect postgres
CREATE TABLE notes (id int PRIMARY KEY, body text);
INSERT INTO notes VALUES (1, 'kept in the postgres database');
`;

/** Everything the test compares before and after: data, sequence, view, function, grants, logins. */
async function postgresState(server: TestDatabaseServer): Promise<Record<string, string>> {
  return {
    items: await server.query("SELECT md5(string_agg(i::text, '|' ORDER BY id)), count(*) FROM items i", { database: "shop" }),
    sequence: await server.query("SELECT last_value FROM items_id_seq", { database: "shop" }),
    view: await server.query("SELECT count(*) FROM cheap", { database: "shop" }),
    function: await server.query("SELECT total()", { database: "shop" }),
    owner: await server.query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop'"),
    grants: await server.query(
      "SELECT grantee, privilege_type FROM information_schema.role_table_grants WHERE table_name = 'items' AND grantee = 'reporting'",
      { database: "shop" },
    ),
    notes: await server.query("SELECT body FROM notes"),
    roles: await server.query("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('app', 'reporting') ORDER BY 1"),
    appLogin: await server.query("SELECT current_user, count(*) FROM items", { user: "app", password: "app-secret-1", database: "shop" }),
  };
}

describe.skipIf(postgresSkip)("PostgreSQL backup hooks (real server)", () => {
  let server: TestDatabaseServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("back up with pg_dump, drop, restore, and get identical data; also into a new server", async () => {
    await server.query(postgresSeed);
    const before = await postgresState(server);
    expect(before.items).toMatch(/^[0-9a-f]{32}\t503$/);
    expect(before.appLogin).toBe("app\t503");

    const dumpDir = join(server.scratch, "dump");
    const env = { ...server.env, DUMP_DIR: dumpDir };
    expect(await runScript(databaseScriptPath("postgresql-backup.sh"), env)).toContain("dumped 2 database(s)");

    await server.query("DROP DATABASE shop; DROP ROLE reporting; DROP ROLE app; DROP TABLE notes;");
    await expect(server.query("SELECT 1", { database: "shop" })).rejects.toThrow(/does not exist/);

    expect(await runScript(databaseScriptPath("postgresql-restore.sh"), env)).toContain("restored 2 database(s)");
    expect(await postgresState(server)).toEqual(before);

    // Restoring again over the restored data is harmless (databases dropped and re-created, roles kept).
    await runScript(databaseScriptPath("postgresql-restore.sh"), env);
    expect(await postgresState(server)).toEqual(before);

    // A brand-new server with another admin password: the data comes back, the admin keeps its own password.
    const fresh = await startPostgres();
    try {
      await runScript(databaseScriptPath("postgresql-restore.sh"), { ...fresh.env, DUMP_DIR: dumpDir });
      expect(await postgresState(fresh)).toEqual(before);
      expect(await fresh.query("SELECT current_user")).toBe("postgres");
    } finally {
      await fresh.stop();
    }
  }, 120_000);

  it("keeps the last good dump when a backup fails, and restores nothing from an empty folder", async () => {
    const dumpDir = join(server.scratch, "keep");
    await runScript(databaseScriptPath("postgresql-backup.sh"), { ...server.env, DUMP_DIR: dumpDir });
    const failing = runScript(databaseScriptPath("postgresql-backup.sh"), { ...server.env, DUMP_DIR: dumpDir, PGPASSWORD: "wrong" });
    await expect(failing).rejects.toThrow(/password authentication failed|does not accept connections/);
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(join(dumpDir, "manifest"), "utf8")).toMatch(/^tool=pg_dump\n/);
    expect(
      await runScript(databaseScriptPath("postgresql-restore.sh"), { ...server.env, DUMP_DIR: join(server.scratch, "nothing") }),
    ).toContain("nothing to restore");
  }, 60_000);

  it("create a database and its owner, idempotently, and change the password on a re-run", async () => {
    const env = { ...server.env, DATABASE_NAME: "vault_db", DATABASE_USER: "vault", DATABASE_PASSWORD: "first 'pass' \\ word" };
    expect(await runScript(databaseScriptPath("postgresql-create-database.sh"), env)).toContain(
      'database "vault_db" owned by "vault" is ready',
    );
    const asApp = (password: string, sql: string) => server.query(sql, { user: "vault", password, database: "vault_db" });
    await asApp(env.DATABASE_PASSWORD, "CREATE TABLE secrets (id int); INSERT INTO secrets VALUES (42);");
    expect(await server.query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'vault_db'")).toBe("vault");

    await runScript(databaseScriptPath("postgresql-create-database.sh"), { ...env, DATABASE_PASSWORD: "second-password" });
    await expect(asApp(env.DATABASE_PASSWORD, "SELECT 1")).rejects.toThrow(/password authentication failed/);
    expect(await asApp("second-password", "SELECT id FROM secrets")).toBe("42");
    // The owner has no rights on other databases' objects.
    await expect(server.query("SELECT * FROM notes", { user: "vault", password: "second-password" })).rejects.toThrow(/permission denied/);
  }, 60_000);
});

const mariadbSeed = `
CREATE DATABASE shop CHARACTER SET utf8mb4;
CREATE USER 'app'@'%' IDENTIFIED BY 'app-secret-1';
GRANT ALL PRIVILEGES ON shop.* TO 'app'@'%';
CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-secret';
USE shop;
CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL, price DECIMAL(10, 2), photo BLOB, created DATETIME) ENGINE=InnoDB;
INSERT INTO items (name, price, photo, created) VALUES ('Zürich café ☕', 4.50, X'DEADBEEF', '2024-01-02 03:04:05'), ('line''s "quoted"\\nnewline', NULL, NULL, NULL);
INSERT INTO items (name, price) SELECT CONCAT('row ', seq), seq / 7 FROM seq_1_to_500;
CREATE VIEW cheap AS SELECT name FROM items WHERE price < 1;
CREATE FUNCTION total() RETURNS DECIMAL(20, 2) READS SQL DATA RETURN (SELECT SUM(price) FROM items);
CREATE TRIGGER upper_name BEFORE INSERT ON items FOR EACH ROW SET NEW.name = UPPER(NEW.name);
CREATE DATABASE empty_one;
GRANT SELECT ON shop.items TO 'reader'@'%';
`;

async function mariadbState(server: TestDatabaseServer): Promise<Record<string, string>> {
  return {
    items: await server.query(
      "SELECT MD5(GROUP_CONCAT(CONCAT_WS(',', id, name, price, HEX(photo), created) ORDER BY id SEPARATOR '|')), COUNT(*) FROM shop.items",
    ),
    nextId: await server.query("SELECT AUTO_INCREMENT FROM information_schema.tables WHERE table_schema = 'shop' AND table_name = 'items'"),
    view: await server.query("SELECT COUNT(*) FROM shop.cheap"),
    function: await server.query("SELECT shop.total()"),
    trigger: await server.query("SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'shop'"),
    databases: await server.query(
      "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('shop', 'empty_one') ORDER BY 1",
    ),
    grants: await server.query("SHOW GRANTS FOR 'reader'@'%'"),
    appLogin: await server.query("SELECT CURRENT_USER(), COUNT(*) FROM items", { user: "app", password: "app-secret-1", database: "shop" }),
  };
}

describe.skipIf(mariadbSkip)("MariaDB backup hooks (real server)", () => {
  let server: TestDatabaseServer;
  beforeAll(async () => {
    server = await startMariadb();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("back up with mariadb-dump, drop, restore, and get identical data; also into a new server", async () => {
    await server.query(mariadbSeed);
    const before = await mariadbState(server);
    expect(before.items).toMatch(/^[0-9a-f]{32}\t502$/);
    expect(before.appLogin).toBe("app@%\t502");

    const dumpDir = join(server.scratch, "dump");
    const env = { ...server.env, DUMP_DIR: dumpDir };
    expect(await runScript(databaseScriptPath("mariadb-backup.sh"), env)).toContain("dumped 2 database(s)");

    await server.query("DROP DATABASE shop; DROP DATABASE empty_one; DROP USER 'app'@'%'; DROP USER 'reader'@'%';");
    await expect(server.query("SELECT 1", { user: "app", password: "app-secret-1" })).rejects.toThrow(/Access denied/);

    expect(await runScript(databaseScriptPath("mariadb-restore.sh"), env)).toContain("restored 2 database(s)");
    expect(await mariadbState(server)).toEqual(before);

    await runScript(databaseScriptPath("mariadb-restore.sh"), env);
    expect(await mariadbState(server)).toEqual(before);

    const fresh = await startMariadb();
    try {
      await runScript(databaseScriptPath("mariadb-restore.sh"), { ...fresh.env, DUMP_DIR: dumpDir });
      expect(await mariadbState(fresh)).toEqual(before);
      // The new server's admin password was not replaced by the old one from the dump.
      expect(await fresh.query("SELECT CURRENT_USER()")).toBe("root@%");
    } finally {
      await fresh.stop();
    }
  }, 120_000);

  it("keeps the last good dump when a backup fails, and restores nothing from an empty folder", async () => {
    const { readFile } = await import("node:fs/promises");
    const dumpDir = join(server.scratch, "keep");
    await runScript(databaseScriptPath("mariadb-backup.sh"), { ...server.env, DUMP_DIR: dumpDir });
    const failing = runScript(databaseScriptPath("mariadb-backup.sh"), { ...server.env, DUMP_DIR: dumpDir, MYSQL_PWD: "wrong" });
    await expect(failing).rejects.toThrow(/does not answer|Access denied/);
    expect(await readFile(join(dumpDir, "manifest"), "utf8")).toMatch(/^tool=mariadb-dump\n/);
    expect(
      await runScript(databaseScriptPath("mariadb-restore.sh"), { ...server.env, DUMP_DIR: join(server.scratch, "nothing") }),
    ).toContain("nothing to restore");
  }, 120_000);

  it("create a database and its user, idempotently, and change the password on a re-run", async () => {
    const env = { ...server.env, DATABASE_NAME: "vault_db", DATABASE_USER: "vault", DATABASE_PASSWORD: "first 'pass' \\ word" };
    expect(await runScript(databaseScriptPath("mariadb-create-database.sh"), env)).toContain(
      'database "vault_db" with user "vault" is ready',
    );
    const asApp = (password: string, sql: string) => server.query(sql, { user: "vault", password, database: "vault_db" });
    await asApp(env.DATABASE_PASSWORD, "CREATE TABLE secrets (id INT); INSERT INTO secrets VALUES (42);");

    await runScript(databaseScriptPath("mariadb-create-database.sh"), { ...env, DATABASE_PASSWORD: "second-password" });
    await expect(asApp(env.DATABASE_PASSWORD, "SELECT 1")).rejects.toThrow(/Access denied/);
    expect(await asApp("second-password", "SELECT id FROM secrets")).toBe("42");
    await expect(server.query("SELECT * FROM shop.items", { user: "vault", password: "second-password" })).rejects.toThrow(/denied/);
  }, 60_000);
});

/** A fresh folder standing for a new volume; the server's user must be able to reach into it. */
async function newVolume(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

describe.skipIf(postgresSkip)("PostgreSQL physical backup hooks (real server)", () => {
  it("pg_basebackup of the running server, restored into a new volume, starts with identical data", async () => {
    const server = await startPostgres();
    const target = await newVolume("hs-postgres-restore-");
    try {
      await server.query(postgresSeed);
      const before = await postgresState(server);
      // The kit's DATA_DIR: the hook writes basebackup/ into it, which restic then snapshots.
      const volume = join(server.scratch, "volume");
      const backupEnv = { ...server.env, BACKUP_DIR: join(volume, "basebackup") };
      expect(await runScript(databaseScriptPath("postgresql-physical-backup.sh"), backupEnv)).toContain("base backup written");
      expect(await readFile(join(volume, "basebackup", "manifest"), "utf8")).toMatch(/^tool=pg_basebackup\nserver_version=\d+/);
      // Written after the backup: not in it.
      await server.query("INSERT INTO notes VALUES (2, 'after the backup')");

      // What the kit's restore puts into the new volume (the snapshot's basebackup/), then the post-restore hook.
      await cp(join(volume, "basebackup"), join(target, "basebackup"), { recursive: true });
      const restoreEnv = {
        PATH: server.env.PATH!,
        BACKUP_DIR: join(target, "basebackup"),
        PGDATA: join(target, "pgdata"),
        ...(server.owner ? { DATA_OWNER: `${server.owner}:${server.owner}` } : {}),
      };
      expect(await runScript(databaseScriptPath("postgresql-physical-restore.sh"), restoreEnv)).toContain("restored from the base backup");
      // Running it again (an interrupted restore is retried) leaves the restored cluster alone.
      expect(await runScript(databaseScriptPath("postgresql-physical-restore.sh"), restoreEnv)).toContain("already holds a cluster");

      const restored = await startPostgres({ dataDir: join(target, "pgdata"), password: server.password });
      try {
        expect(await postgresState(restored)).toEqual(before);
        expect(await restored.query("SELECT count(*) FROM notes")).toBe("1");
        // A working server, not a read-only standby.
        await restored.query("INSERT INTO notes VALUES (3, 'written after the restore')");
      } finally {
        await restored.stop();
      }
    } finally {
      await server.stop();
      await rm(target, { recursive: true, force: true });
    }
  }, 180_000);

  it("keeps the last good base backup when one fails, and restores nothing without one", async () => {
    const server = await startPostgres();
    try {
      const backupDir = join(server.scratch, "volume", "basebackup");
      await runScript(databaseScriptPath("postgresql-physical-backup.sh"), { ...server.env, BACKUP_DIR: backupDir });
      const manifest = await readFile(join(backupDir, "manifest"), "utf8");
      await expect(
        runScript(databaseScriptPath("postgresql-physical-backup.sh"), { ...server.env, BACKUP_DIR: backupDir, PGPASSWORD: "wrong" }),
      ).rejects.toThrow(/password authentication failed|does not accept connections/);
      expect(await readFile(join(backupDir, "manifest"), "utf8")).toBe(manifest);
      const empty = join(server.scratch, "empty");
      expect(
        await runScript(databaseScriptPath("postgresql-physical-restore.sh"), {
          PATH: server.env.PATH!,
          BACKUP_DIR: join(empty, "basebackup"),
          PGDATA: join(empty, "pgdata"),
        }),
      ).toContain("nothing to restore");
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe.skipIf(mariadbSkip)("MariaDB physical backup hooks (real server)", () => {
  it("mariadb-backup of the running server, restored into a new volume, starts with identical data", async () => {
    const server = await startMariadb();
    const target = await newVolume("hs-mariadb-restore-");
    try {
      await server.query(mariadbSeed);
      const before = await mariadbState(server);
      const volume = join(server.scratch, "volume");
      const backupEnv = { ...server.env, BACKUP_DIR: join(volume, "physical"), MARIADB_DATADIR: server.dataDir };
      expect(await runScript(databaseScriptPath("mariadb-physical-backup.sh"), backupEnv)).toContain("prepared backup written");
      expect(await readFile(join(volume, "physical", "manifest"), "utf8")).toMatch(/^tool=mariadb-backup\nserver_version=\d+/);
      await server.query("INSERT INTO shop.items (name) VALUES ('after the backup')");

      await cp(join(volume, "physical"), join(target, "physical"), { recursive: true });
      const restoreEnv = {
        PATH: process.env.PATH!,
        BACKUP_DIR: join(target, "physical"),
        MARIADB_DATADIR: join(target, "mysql"),
        ...(server.owner ? { DATA_OWNER: `${server.owner}:${server.owner}` } : {}),
      };
      expect(await runScript(databaseScriptPath("mariadb-physical-restore.sh"), restoreEnv)).toContain("restored from the backup");
      expect(await runScript(databaseScriptPath("mariadb-physical-restore.sh"), restoreEnv)).toContain("already holds a server");

      const restored = await startMariadb({ dataDir: join(target, "mysql"), password: server.password });
      try {
        // InnoDB recomputes the AUTO_INCREMENT counter from the highest id when a server starts (a
        // restart of the original does the same), so only that it lies past the data is compared.
        const { nextId, ...state } = await mariadbState(restored);
        const { nextId: _, ...expected } = before;
        expect(state).toEqual(expected);
        expect(Number(nextId)).toBeGreaterThan(502);
        await restored.query("INSERT INTO shop.items (name) VALUES ('written after the restore')");
      } finally {
        await restored.stop();
      }
    } finally {
      await server.stop();
      await rm(target, { recursive: true, force: true });
    }
  }, 180_000);

  it("keeps the password off the command line and the last good backup when one fails", async () => {
    const server = await startMariadb();
    try {
      const backupDir = join(server.scratch, "volume", "physical");
      const env = { ...server.env, BACKUP_DIR: backupDir, MARIADB_DATADIR: server.dataDir };
      await runScript(databaseScriptPath("mariadb-physical-backup.sh"), env);
      const manifest = await readFile(join(backupDir, "manifest"), "utf8");
      await expect(runScript(databaseScriptPath("mariadb-physical-backup.sh"), { ...env, MYSQL_PWD: "wrong" })).rejects.toThrow(
        /Access denied|failed/,
      );
      expect(await readFile(join(backupDir, "manifest"), "utf8")).toBe(manifest);
      // Nothing of the password is left in the volume.
      const { readdir } = await import("node:fs/promises");
      const files = await readdir(join(server.scratch, "volume"), { recursive: true });
      for (const file of files) {
        const path = join(server.scratch, "volume", String(file));
        const content = await readFile(path).catch(() => Buffer.alloc(0));
        expect(content.includes(server.password), path).toBe(false);
      }
    } finally {
      await server.stop();
    }
  }, 120_000);
});
