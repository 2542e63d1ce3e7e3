/**
 * The registry cache under `.highstate/cache/registry.json`. Its key is a hash of every plugin
 * package's name, version, location, package.json (its exports decide the packaging problems) and
 * definitions file (size and modification time), of the packages
 * whose definitions are missing, and of the runner's own version, so `npm update`, a rebuilt workspace
 * package or a runner upgrade is picked up on the next start, and an unchanged workspace starts from
 * the cache without importing any definitions module.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import type { Registry } from "@highstate/contract";
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from "../fs/index.js";
import type { PluginPackage } from "./discover.js";
import type { RegistryProblem } from "./problems.js";
import { runnerVersion } from "./runner-version.js";

/** Bumped whenever the cache file's shape or the registry JSON's meaning changes. */
export const registryCacheFormat = 1;

/** The path of the registry cache file of a workspace. */
export function registryCacheFile(workspaceDir: string): string {
  return join(workspaceDir, ".highstate", "cache", "registry.json");
}

/** The content of the cache file. */
export interface RegistryCacheFile {
  format: number;
  key: string;
  registry: Registry;
  /** Problems found while building (discovery runs on every start, so its problems are not cached). */
  problems: RegistryProblem[];
}

let contractVersionMemo: string | undefined;

function contractVersion(): string {
  if (contractVersionMemo === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const file = require.resolve("@highstate/contract/package.json");
      contractVersionMemo = String((JSON.parse(readFileSync(file, "utf8")) as { version?: unknown }).version ?? "unknown");
    } catch {
      contractVersionMemo = "unknown";
    }
  }
  return contractVersionMemo;
}

/** A digest of a package's package.json (empty when it cannot be read). */
function manifestDigest(dir: string): string {
  try {
    return createHash("sha256").update(readFileSync(join(dir, "package.json"))).digest("hex");
  } catch {
    return "";
  }
}

/**
 * Computes the cache key of a workspace's registry from what discovery found. Paths are relative to
 * the workspace so a moved workspace keeps its cache.
 */
export function registryCacheKey(workspaceDir: string, packages: readonly PluginPackage[], discoveryProblems: readonly RegistryProblem[]): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: registryCacheFormat, runner: runnerVersion(), contract: contractVersion() }));
  for (const pkg of packages) {
    hash.update("\n");
    hash.update(
      JSON.stringify([
        pkg.name,
        pkg.version,
        relative(workspaceDir, pkg.realDir),
        pkg.definitions,
        pkg.linked,
        Math.trunc(pkg.definitionsMtimeMs),
        pkg.definitionsSize,
        manifestDigest(pkg.realDir),
      ]),
    );
  }
  for (const problem of discoveryProblems) {
    hash.update("\n");
    hash.update(JSON.stringify([problem.code, problem.packages, problem.message]));
  }
  return hash.digest("hex");
}

function isCacheFile(value: unknown): value is RegistryCacheFile {
  if (typeof value !== "object" || value === null) return false;
  const file = value as Partial<RegistryCacheFile>;
  return (
    file.format === registryCacheFormat &&
    typeof file.key === "string" &&
    typeof file.registry === "object" &&
    file.registry !== null &&
    typeof file.registry.components === "object" &&
    typeof file.registry.entities === "object" &&
    Array.isArray(file.problems)
  );
}

/**
 * Reads the cache when it exists and matches the key. A missing, unreadable or foreign cache is simply
 * a miss: the cache holds nothing that cannot be rebuilt.
 */
export async function readRegistryCache(workspaceDir: string, key: string): Promise<RegistryCacheFile | undefined> {
  let text: string | undefined;
  try {
    text = await readFileIfExists(registryCacheFile(workspaceDir));
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isCacheFile(parsed) && parsed.key === key ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a folder is a Highstate workspace: it has `.highstate/`, `projects/` or a `Pulumi.yaml`. */
async function isWorkspace(dir: string): Promise<boolean> {
  for (const name of [".highstate", "projects", "Pulumi.yaml"]) {
    if (await stat(join(dir, name)).then(() => true, () => false)) return true;
  }
  return false;
}

/**
 * Writes the cache atomically, only in a workspace (so looking at the registry of any other folder
 * leaves no trace). Failures (a read-only workspace, a full disk) are returned rather than thrown: the
 * registry works without its cache.
 */
export async function writeRegistryCache(workspaceDir: string, content: Omit<RegistryCacheFile, "format">): Promise<Error | undefined> {
  const file = registryCacheFile(workspaceDir);
  try {
    if (!(await isWorkspace(workspaceDir))) return undefined;
    await ensurePrivateDir(dirname(file));
    await writeFileAtomic(file, `${JSON.stringify({ format: registryCacheFormat, ...content })}\n`, { mode: 0o600 });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
