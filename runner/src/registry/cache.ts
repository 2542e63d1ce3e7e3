/**
 * The registry cache under `.highstate/cache/registry.json`. Its key is a hash of every plugin
 * package's name, version, location, package.json (its exports decide the packaging problems) and the
 * list of files its definitions module may load (path, size and modification time of every file in the
 * folders of the package's `files` field and the definitions module's folder, or of the whole package
 * without a `files` field), of the packages whose definitions are missing, and of the runner's own
 * version, so `npm update`, a rebuilt workspace package (a changed chunk included) or a runner upgrade
 * is picked up on the next start, and an unchanged workspace starts from the cache without importing
 * any definitions module.
 */
import { createHash } from "node:crypto";
import { type Dirent, readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, posix, relative, sep } from "node:path";
import type { Registry } from "@highstate/contract";
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from "../fs/index.js";
import type { PluginPackage } from "./discover.js";
import type { RegistryProblem } from "./problems.js";
import { runnerVersion } from "./runner-version.js";

/** Bumped whenever the cache file's shape or the registry JSON's meaning changes. */
export const registryCacheFormat = 2;

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
    return createHash("sha256")
      .update(readFileSync(join(dir, "package.json")))
      .digest("hex");
  } catch {
    return "";
  }
}

/** The package.json of a package (undefined when it cannot be read or parsed). */
function readManifest(dir: string): { text: string; files?: unknown } | undefined {
  try {
    const text = readFileSync(join(dir, "package.json"), "utf8");
    let files: unknown;
    try {
      files = (JSON.parse(text) as { files?: unknown }).files;
    } catch {
      files = undefined;
    }
    return { text, files };
  } catch {
    return undefined;
  }
}

/**
 * The folders (relative to the package, `""` for the whole package) whose files a package's
 * definitions module may load: the fixed leading part of every `files` entry (`dist/*.js` gives
 * `dist`) and the definitions module's own folder. Without a usable `files` field, the whole package.
 * Negated entries are ignored, which only makes the list longer.
 */
export function definitionsFileRoots(files: unknown, definitions: string): string[] {
  const normalize = (path: string) =>
    posix
      .normalize(path.replaceAll("\\", "/"))
      .replace(/^(\.\/)+/, "")
      .replace(/\/+$/, "");
  const roots = new Set<string>();
  const entryDir = normalize(posix.dirname(normalize(definitions)));
  roots.add(entryDir === "." || entryDir === ".." || entryDir.startsWith("../") ? "" : entryDir);
  if (!Array.isArray(files) || files.length === 0 || !files.every((item) => typeof item === "string")) return [""];
  for (const entry of files as string[]) {
    if (entry.startsWith("!")) continue;
    const segments = normalize(entry).split("/");
    const fixed: string[] = [];
    for (const segment of segments) {
      if (/[*?[\]{}]/.test(segment)) break;
      fixed.push(segment);
    }
    // `dist/index.js` is a file, `dist` a folder: a plain entry is walked as is (a file is simply stat'ed).
    const root = fixed.join("/");
    roots.add(root === "." || root === ".." || root.startsWith("../") ? "" : root);
  }
  if (roots.has("")) return [""];
  // Drop roots inside other roots.
  const sorted = [...roots].sort();
  return sorted.filter((root) => !sorted.some((other) => other !== root && root.startsWith(`${other}/`)));
}

/** Folders never walked: installed dependencies and tool state (`.git`, `.turbo`, `.cache`). */
function skipEntry(name: string): boolean {
  return name === "node_modules" || name.startsWith(".");
}

/**
 * Lists `path size mtime` of every file under `root` (a file or a folder) inside a package, sorted,
 * following symlinks to a bounded depth. A missing root lists nothing.
 */
async function listFiles(packageDir: string, root: string): Promise<string[]> {
  const lines: string[] = [];
  const describe = (path: string, size: number, mtimeMs: number) =>
    `${relative(packageDir, path).split(sep).join("/")} ${size} ${Math.trunc(mtimeMs)}`;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (skipEntry(entry.name)) return;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return walk(path, depth + 1);
        if (!entry.isFile() && !entry.isSymbolicLink()) return;
        const info = await stat(path).catch(() => undefined);
        if (!info) return;
        if (info.isDirectory()) return walk(path, depth + 1);
        if (info.isFile()) lines.push(describe(path, info.size, info.mtimeMs));
      }),
    );
  };
  const start = root === "" ? packageDir : join(packageDir, ...root.split("/"));
  const info = await stat(start).catch(() => undefined);
  if (info?.isFile()) lines.push(describe(start, info.size, info.mtimeMs));
  else if (info?.isDirectory()) await walk(start, 0);
  return lines;
}

/**
 * A digest of the files a package's definitions module may load (see {@link definitionsFileRoots}):
 * their paths, sizes and modification times. A rebuilt chunk the entry imports changes it even when the
 * entry file itself is untouched.
 */
export async function packageFilesDigest(pkg: Pick<PluginPackage, "realDir" | "definitions">): Promise<string> {
  const manifest = readManifest(pkg.realDir);
  const roots = definitionsFileRoots(manifest?.files, pkg.definitions);
  const lists = await Promise.all(roots.map((root) => listFiles(pkg.realDir, root)));
  const lines = [...new Set(lists.flat())].sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/**
 * Computes the cache key of a workspace's registry from what discovery found. Paths are relative to
 * the workspace so a moved workspace keeps its cache.
 */
export async function registryCacheKey(
  workspaceDir: string,
  packages: readonly PluginPackage[],
  discoveryProblems: readonly RegistryProblem[],
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: registryCacheFormat, runner: runnerVersion(), contract: contractVersion() }));
  const digests = await Promise.all(packages.map((pkg) => packageFilesDigest(pkg)));
  for (const [index, pkg] of packages.entries()) {
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
        digests[index],
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
    if (
      await stat(join(dir, name)).then(
        () => true,
        () => false,
      )
    )
      return true;
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
