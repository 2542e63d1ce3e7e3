/**
 * The real `highstate designer`, run from the monorepo's source in a child process (the runner's CLI
 * under tsx with the `@highstate/source` condition) on a throw-away workspace whose node_modules link
 * the first-party packages. The fake engine runs units (HIGHSTATE_ENGINE=fake).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../../..");
const cliEntry = join(root, "runner/src/cli/main.ts");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Newest modification time of the files under `dir` (node_modules and dist left out). */
async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.parentPath.includes("node_modules") || entry.parentPath.includes("/dist")) continue;
    latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** Builds a package with its tsup config when its dist is missing or older than its source. */
export async function ensureBuilt(packageDir: string): Promise<void> {
  const marker = join(packageDir, "dist/index.js");
  if (existsSync(marker) && statSync(marker).mtimeMs >= (await newest(join(packageDir, "src")))) return;
  execFileSync("flock", ["/tmp/highstate-build.lock", "npx", "tsup"], { cwd: packageDir, stdio: "inherit" });
}

/** Builds what the end-to-end tests serve, where missing or stale: the contract, the common components and the app. */
export async function ensureE2eBuilt(): Promise<void> {
  await ensureBuilt(join(root, "library/contract"));
  await ensureBuilt(join(root, "packages/common"));
  await ensureDesignerBuilt();
}

/**
 * Builds the designer app when its build is missing or older than its source (`src/`, `index.html`,
 * the Vite config and its plugins): the production build in `dist/`, or with `mode: "bench"` the
 * benchmark's build (measuring hooks included) in `bench/dist/`. Returns the build's folder.
 */
export async function ensureDesignerBuilt(mode: "production" | "bench" = "production"): Promise<string> {
  const dir = join(root, "designer");
  const out = join(dir, mode === "bench" ? "bench/dist" : "dist");
  const marker = join(out, ".vite/manifest.json");
  const sources = Math.max(
    await newest(join(dir, "src")),
    await newest(join(dir, "scripts")),
    statSync(join(dir, "index.html")).mtimeMs,
    statSync(join(dir, "vite.config.ts")).mtimeMs,
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return out;
  execFileSync("flock", [`/tmp/highstate-designer-build-${mode}.lock`, "npx", "vite", "build", "--mode", mode], {
    cwd: dir,
    stdio: "inherit",
  });
  if (mode === "production") execFileSync("node", ["scripts/write-index.js"], { cwd: dir, stdio: "inherit" });
  return out;
}

/** A temp workspace with @highstate/common (and what it needs) linked into node_modules. */
export async function createWorkspace(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "highstate-designer-e2e-"));
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "infra", private: true, type: "module", dependencies: { "@highstate/common": "^0.1.0" } }, null, 2)}\n`,
  );
  await writeFile(join(dir, "Pulumi.yaml"), "name: infra\nruntime: nodejs\n");
  await mkdir(join(dir, "node_modules/@highstate"), { recursive: true });
  for (const [name, path] of [
    ["common", "packages/common"],
    ["contract", "library/contract"],
    ["pulumi", "library/pulumi"],
  ] as const) {
    await symlink(join(root, path), join(dir, "node_modules/@highstate", name), "dir");
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface DesignerProcess {
  url: string;
  baseUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `highstate designer --port 0` in `workspace` and waits for the URL it prints. */
export async function startDesigner(workspace: string, env: Record<string, string> = {}): Promise<DesignerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--conditions=@highstate/source",
      "--import",
      tsxLoader,
      "--input-type=module",
      "-e",
      `import { main } from ${JSON.stringify(pathToFileURL(cliEntry).href)}; process.exitCode = await main(process.argv.slice(1));`,
      "designer",
      "--port",
      "0",
    ],
    {
      cwd: workspace,
      env: {
        ...process.env,
        HIGHSTATE_ENGINE: "fake",
        HIGHSTATE_FAKE_ENGINE_DELAY_MS: "2500",
        HIGHSTATE_FAKE_ENGINE_RESOURCES: "3",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = /(http:\/\/127\.0\.0\.1:\d+\/\S*token=\S+)/.exec(output);
    if (match) {
      const url = match[1]!;
      return {
        url,
        baseUrl: new URL(url).origin,
        output: () => output,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGINT");
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(timer);
          }
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`highstate designer did not start:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

export const monorepoRoot = root;
