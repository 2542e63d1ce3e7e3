/**
 * Real database servers for tests: Debian's PostgreSQL and MariaDB started on a free loopback port,
 * with their data in a temp folder owned by the servers' unprivileged system users, always stopped.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The directory with PostgreSQL's server and client binaries (the newest installed major). */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry) && existsSync(join(root, entry, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], "bin") : undefined;
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Why a real PostgreSQL cannot be started here, or `undefined` when it can. */
export function postgresUnavailableReason(): string | undefined {
  if (!postgresBinDir()) return "PostgreSQL is not installed (apt-get install -y postgresql)";
  if (process.getuid?.() === 0 && !userIds("postgres")) return "running as root, but there is no 'postgres' user to run the server as";
  return undefined;
}

/** Why a real MariaDB cannot be started here, or `undefined` when it can. */
export function mariadbUnavailableReason(): string | undefined {
  for (const binary of ["/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb", "/usr/bin/mariadb-dump"]) {
    if (!existsSync(binary)) return `${binary} is missing (apt-get install -y mariadb-server mariadb-client)`;
  }
  if (process.getuid?.() === 0 && !userIds("mysql")) return "running as root, but there is no 'mysql' user to run the server as";
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A database server running on loopback. */
export interface TestDatabaseServer {
  host: string;
  port: number;
  /** The admin user (`postgres` / `root`). */
  user: string;
  password: string;
  /** A temp folder for the test's own files (dumps), writable by the current user. */
  scratch: string;
  /** The server's data directory. */
  dataDir: string;
  /** The user the server runs as (`postgres` / `mysql`) when the tests run as root. */
  owner?: string;
  /** Environment for the client tools and the hook scripts to reach the server as the admin. */
  env: Record<string, string>;
  /** Runs SQL as the admin (or another user) and returns the output rows, tab-separated. */
  query(sql: string, options?: { user?: string; password?: string; database?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** Runs a process to completion, failing with its stderr. */
export async function runProcess(file: string, args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${file} ${args.join(" ")} exited with ${code}: ${stderr || stdout}`))));
    // A process that exits before reading its input (a failing script) closes the pipe: not an error of its own.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not start within 60 s: ${log()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Options to start a server on an existing data directory (a restored physical backup) instead of a new one. */
export interface ExistingServerOptions {
  /** The data directory, already owned by the server's user. */
  dataDir: string;
  /** The admin password stored in it. */
  password: string;
}

/**
 * Starts a PostgreSQL server (`initdb`, scram-sha-256 over TCP) as the `postgres` user when running as
 * root; with `existing`, on that data directory without `initdb`.
 */
export async function startPostgres(existing?: ExistingServerOptions): Promise<TestDatabaseServer> {
  const bin = postgresBinDir()!;
  const dir = await mkdtemp(join(tmpdir(), "hs-postgres-"));
  const owner = process.getuid?.() === 0 ? userIds("postgres") : undefined;
  if (owner) await chown(dir, owner.uid, owner.gid);
  const password = existing?.password ?? randomBytes(12).toString("hex");
  const port = await freePort();
  const data = existing?.dataDir ?? join(dir, "data");
  const asOwner = (file: string, args: string[]) => (owner ? ["runuser", ["-u", "postgres", "--", file, ...args]] as const : [file, args] as const);
  if (!existing) {
    const pwfile = join(dir, "pwfile");
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) await chown(pwfile, owner.uid, owner.gid);
    const [initFile, initArgs] = asOwner(join(bin, "initdb"), ["-D", data, "-U", "postgres", `--pwfile=${pwfile}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"]);
    await runProcess(initFile, [...initArgs]);
    await rm(pwfile);
  }
  const [serverFile, serverArgs] = asOwner(join(bin, "postgres"), ["-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", dir, "-c", "fsync=off"]);
  const child = spawn(serverFile, [...serverArgs], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (chunk) => (log = (log + chunk).slice(-4000)));
  const scratch = await mkdtemp(join(tmpdir(), "hs-postgres-scratch-"));
  const env = { PATH: `${bin}:${process.env.PATH}`, PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: "postgres", PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" };
  const query: TestDatabaseServer["query"] = async (sql, options = {}) => {
    const { stdout } = await runProcess(join(bin, "psql"), ["--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-d", options.database ?? "postgres"], {
      env: { ...env, PGUSER: options.user ?? "postgres", PGPASSWORD: options.password ?? password },
      input: sql,
    });
    return stdout.trim();
  };
  await waitFor(
    async () => query("SELECT 1").then(() => true, () => false),
    "PostgreSQL",
    () => log,
  );
  return {
    host: "127.0.0.1",
    port,
    user: "postgres",
    password,
    scratch,
    dataDir: data,
    ...(owner ? { owner: "postgres" } : {}),
    env,
    query,
    stop: async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a MariaDB server with an admin `root`@`%` account (as the server image creates it), as the
 * `mysql` user when running as root; with `existing`, on that data directory (which has the account).
 */
export async function startMariadb(existing?: ExistingServerOptions): Promise<TestDatabaseServer> {
  const dir = await mkdtemp(join(tmpdir(), "hs-mariadb-"));
  const owner = process.getuid?.() === 0 ? userIds("mysql") : undefined;
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = existing?.dataDir ?? join(dir, "data");
  const socket = join(dir, "mariadb.sock");
  const user = owner ? ["--user=mysql"] : [];
  if (!existing) await runProcess("/usr/bin/mariadb-install-db", ["--no-defaults", ...user, `--datadir=${data}`, "--skip-test-db", "--auth-root-authentication-method=socket"]);
  const port = await freePort();
  const child = spawn(
    "/usr/sbin/mariadbd",
    ["--no-defaults", ...user, `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, "--bind-address=127.0.0.1", `--pid-file=${join(dir, "mariadb.pid")}`, "--skip-name-resolve", "--innodb-flush-log-at-trx-commit=0"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (chunk) => (log = (log + chunk).slice(-4000)));
  const password = existing?.password ?? randomBytes(12).toString("hex");
  await waitFor(
    async () => runProcess("/usr/bin/mariadb", [`--socket=${socket}`, "--user=root", "--execute=SELECT 1"]).then(() => true, () => false),
    "MariaDB",
    () => log,
  );
  // The server image's admin: root from anywhere, with a password.
  if (!existing)
    await runProcess("/usr/bin/mariadb", [`--socket=${socket}`, "--user=root", "--batch"], {
      input: `CREATE USER 'root'@'%' IDENTIFIED BY '${password}'; GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;`,
    });
  const scratch = await mkdtemp(join(tmpdir(), "hs-mariadb-scratch-"));
  const env = { MARIADB_HOST: "127.0.0.1", MARIADB_PORT: String(port), MARIADB_USER: "root", MYSQL_PWD: password };
  const query: TestDatabaseServer["query"] = async (sql, options = {}) => {
    const { stdout } = await runProcess(
      "/usr/bin/mariadb",
      ["--host=127.0.0.1", `--port=${port}`, "--protocol=TCP", `--user=${options.user ?? "root"}`, "--batch", "--skip-column-names", ...(options.database ? [options.database] : [])],
      { env: { MYSQL_PWD: options.password ?? password }, input: sql },
    );
    return stdout.trim();
  };
  return {
    host: "127.0.0.1",
    port,
    user: "root",
    password,
    scratch,
    dataDir: data,
    ...(owner ? { owner: "mysql" } : {}),
    env,
    query,
    stop: async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Runs one of the package's shell scripts with `sh`, with the given environment. */
export async function runScript(path: string, env: Record<string, string>): Promise<string> {
  const { stdout, stderr } = await runProcess("/bin/sh", [path], { env });
  return stdout + stderr;
}
