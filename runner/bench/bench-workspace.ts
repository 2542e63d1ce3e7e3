/**
 * Shared by the benchmarks that run the built `highstate` CLI as users do: a throw-away workspace with
 * the repository's `@highstate/*` packages linked in, built first where their dist is stale.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const runnerDir = join(import.meta.dirname, "..");
export const repoRoot = join(runnerDir, "..");
export const bin = join(runnerDir, "bin", "highstate.js");

export interface PackageInfo {
  name: string;
  dir: string;
  plugin: boolean;
}

/** Every `@highstate/*` package of the repository (libraries, domain packages, runner, designer). */
export function repoPackages(): PackageInfo[] {
  const dirs: string[] = [];
  for (const group of ["library", "packages"]) {
    const base = join(repoRoot, group);
    if (existsSync(base)) for (const name of readdirSync(base)) dirs.push(join(base, name));
  }
  dirs.push(join(repoRoot, "designer"));
  return dirs
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; highstate?: unknown };
      return { name: pkg.name, dir, plugin: pkg.highstate !== undefined };
    });
}

/** Whether any source file of a package is newer than its built entry (or the entry is missing). */
function needsBuild(dir: string, entry: string): boolean {
  const built = join(dir, "dist", entry);
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return readdirSync(join(dir, "src"), { recursive: true, withFileTypes: true }).some(
    (item) =>
      item.isFile() &&
      /\.tsx?$/.test(item.name) &&
      !item.name.includes(".test.") &&
      statSync(join(item.parentPath, item.name)).mtimeMs > builtAt,
  );
}

function build(dir: string, what: string): void {
  console.log(`building ${what} (its dist is missing or older than its source)…`);
  execFileSync("npx", ["tsup"], { cwd: dir, stdio: "ignore" });
}

/** Builds the contract, the component packages and the runner where their dist is missing or stale, so figures are for the code as it is. */
export function buildWhatIsStale(packages: PackageInfo[]): void {
  for (const pkg of packages)
    if ((pkg.plugin || pkg.name === "@highstate/contract") && needsBuild(pkg.dir, "index.js")) build(pkg.dir, pkg.name);
  if (needsBuild(runnerDir, join("cli", "main.js"))) build(runnerDir, "@highstate/runner");
}

/** A throw-away workspace with the given packages linked into its node_modules, and an empty projects folder. */
export async function makeWorkspace(packages: PackageInfo[], label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `highstate-bench-${label}-`));
  const dependencies = Object.fromEntries(packages.map((pkg) => [pkg.name, "^0.1.0"]));
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ name: "bench-infra", private: true, dependencies }, null, 2)}\n`);
  await writeFile(join(dir, "Pulumi.yaml"), "name: bench-infra\nruntime: nodejs\n");
  await mkdir(join(dir, "projects"));
  await mkdir(join(dir, "node_modules", "@highstate"), { recursive: true });
  for (const pkg of packages) await symlink(pkg.dir, join(dir, "node_modules", ...pkg.name.split("/")), "dir");
  return dir;
}

/** Runs the built CLI in a workspace (with a project password in the environment) and returns its output. */
export function highstate(workspace: string, args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], {
    cwd: workspace,
    env: { ...process.env, HIGHSTATE_PASSWORD: "bench-password" },
    encoding: "utf8",
  });
}

/**
 * Creates project `name` with `count` instances (half SSH key pairs, half existing servers each using a
 * key pair) and a recorded state for each, written in the store's own formats.
 */
export async function writeLargeProject(workspace: string, name: string, count: number): Promise<void> {
  highstate(workspace, ["projects", "create", name]);
  const instances = [];
  const time = new Date(Date.UTC(2026, 0, 1)).toISOString();
  await mkdir(join(workspace, ".highstate", "instances", name), { recursive: true });
  for (let index = 0; index < count / 2; index += 1) {
    const keyPair = {
      id: `common.ssh-key-pair.v1:k${index}`,
      name: `k${index}`,
      type: "common.ssh-key-pair.v1",
      uid: `k${String(index).padStart(9, "0")}`,
    };
    const server = {
      args: { endpoint: `10.0.${Math.floor(index / 250)}.${index % 250}` },
      id: `common.existing-server.v1:s${index}`,
      inputs: { sshKeyPair: [{ instanceId: keyPair.id, output: "keyPair" }] },
      name: `s${index}`,
      type: "common.existing-server.v1",
      uid: `s${String(index).padStart(9, "0")}`,
    };
    instances.push(keyPair, server);
    for (const [instance, output] of [
      [keyPair, "keyPair"],
      [server, "server"],
    ] as const) {
      const state = {
        instanceId: instance.id,
        log: [{ finishedAt: time, operation: "up", result: "succeeded", startedAt: time }],
        outputHashes: { [output]: `sha256:${index.toString(16).padStart(64, "0")}` },
        resourceCount: 2,
        status: "created",
        uid: instance.uid,
        version: 1,
      };
      await writeFile(join(workspace, ".highstate", "instances", name, `${instance.uid}.json`), `${JSON.stringify(state, null, 2)}\n`);
    }
  }
  instances.sort((a, b) => (a.id < b.id ? -1 : 1));
  await writeFile(join(workspace, "projects", `${name}.json`), `${JSON.stringify({ instances, version: 1 }, null, 2)}\n`);
}

/** Starts `highstate designer` on a free port in a workspace; resolves once it printed its URL. */
export async function startDesigner(
  workspace: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; port: number; token: string }> {
  const child = spawn(process.execPath, [bin, "designer", "--port", "0"], { cwd: workspace, stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/\S+)/.exec(output);
      if (match) resolve(new URL(match[1]!));
    });
    child.once("exit", () => reject(new Error(`the designer exited before printing its URL:\n${output}`)));
  });
  // The token travels in the URL's fragment (`#token=…`), which browsers never send to a server.
  const token = new URLSearchParams(url.hash.slice(1)).get("token");
  if (!token) throw new Error(`the designer printed a URL without a token: ${url.href}`);
  return { child, port: Number(url.port), token };
}

/** Stops a designer started by {@link startDesigner} the way a user does (Ctrl+C) and waits for it to exit. */
export async function stopDesigner(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  await exited;
}
