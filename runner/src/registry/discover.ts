/**
 * Finds the Highstate plugin packages installed in a workspace: every package whose `package.json`
 * has a `highstate` field naming its definitions module. The walk follows Node's resolution: the
 * workspace's `node_modules` and those of its ancestors (hoisted packages), nested `node_modules` of
 * installed packages, symlinked (workspace) packages and the workspace root's own npm/yarn workspaces.
 * No package name is hard-coded.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { RegistryProblem } from "./problems.js";

/** The `highstate` field of a plugin package's `package.json`. */
export interface HighstateMarker {
  /** Path of the module exporting the package's entities and components, relative to the package. */
  definitions: string;
}

/** A plugin package found in the workspace. */
export interface PluginPackage {
  /** The package name, e.g. `@highstate/common` or `acme-components`. */
  name: string;
  /** The package version from its `package.json`. */
  version: string;
  /** The directory the package was found at (may be a symlink). */
  dir: string;
  /** The real directory of the package (symlinks resolved). */
  realDir: string;
  /** Absolute path of the definitions module. */
  definitionsFile: string;
  /** The `definitions` path as written in `package.json`. */
  definitions: string;
  /** Whether the package is linked (a symlink or a workspace package) rather than installed by copy. */
  linked: boolean;
  /** Modification time of the definitions module in milliseconds (part of the cache key). */
  definitionsMtimeMs: number;
  /** Size of the definitions module in bytes (part of the cache key). */
  definitionsSize: number;
  /** Names of the packages it depends on (dependencies, peer and optional dependencies). */
  dependencies: string[];
}

/** What discovery found: plugin packages and the problems of packages that could not be used. */
export interface DiscoveryResult {
  /** Plugin packages, one per package name, ordered so that a package comes after the plugins it depends on. */
  packages: PluginPackage[];
  /** Packages with a broken marker or a missing definitions module. */
  problems: RegistryProblem[];
  /** How many package directories were looked at. */
  scannedPackages: number;
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  highstate?: unknown;
  workspaces?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

interface Candidate {
  dir: string;
  realDir: string;
  linked: boolean;
  pkg: PackageJson;
}

/** Stands for a package that is certainly no plugin (its package.json has no "highstate"); it is not parsed. */
const plainPackage: PackageJson = Object.freeze({});

/**
 * Reads a package.json. With `pluginsOnly`, a file without the text `"highstate"` is not parsed (most
 * of node_modules), which keeps discovery cheap.
 */
async function readPackageJson(dir: string, pluginsOnly = false): Promise<PackageJson | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, "package.json"), "utf8");
  } catch {
    // Not a package: Node could not resolve it either, so it is not a plugin.
    return undefined;
  }
  if (pluginsOnly && !text.includes('"highstate"')) return plainPackage;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}

async function readDirEntries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Lists the package directories directly inside one `node_modules` folder (scoped ones included). */
async function packageDirsIn(nodeModules: string): Promise<Array<{ dir: string; symlink: boolean }>> {
  const result: Array<{ dir: string; symlink: boolean }> = [];
  const entries = await readDirEntries(nodeModules);
  const scopes: Promise<void>[] = [];
  for (const entry of entries) {
    // `.bin`, `.cache`, `.package-lock.json`, `.pnpm`, `.yarn-state.yml` are not packages.
    if (entry.name.startsWith(".")) continue;
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const dir = join(nodeModules, entry.name);
    if (entry.name.startsWith("@")) {
      scopes.push(
        readDirEntries(dir).then((scoped) => {
          for (const item of scoped) {
            if (item.name.startsWith(".")) continue;
            if (item.isDirectory() || item.isSymbolicLink()) result.push({ dir: join(dir, item.name), symlink: item.isSymbolicLink() });
          }
        }),
      );
    } else {
      result.push({ dir, symlink: entry.isSymbolicLink() });
    }
  }
  await Promise.all(scopes);
  return result;
}

/** The `node_modules` folders Node consults from a directory: its own, then every ancestor's. */
function ancestorNodeModules(workspaceDir: string): string[] {
  const dirs: string[] = [];
  let current = resolve(workspaceDir);
  for (;;) {
    if (basename(current) !== "node_modules") dirs.push(join(current, "node_modules"));
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return dirs;
}

function globToRegExp(segment: string): RegExp {
  const escaped = segment
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${escaped}$`);
}

/** Expands the workspace globs of a root `package.json` (`packages/*`, `tools/cli`, `libs/**`). */
async function expandWorkspaceGlobs(root: string, patterns: string[]): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (base: string, segments: string[]): Promise<void> => {
    if (segments.length === 0) {
      found.add(base);
      return;
    }
    const [head, ...rest] = segments as [string, ...string[]];
    if (head === "**") {
      await walk(base, rest);
      for (const entry of await readDirEntries(base)) {
        if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith("."))
          await walk(join(base, entry.name), segments);
      }
      return;
    }
    if (!/[*?]/.test(head)) {
      await walk(join(base, head), rest);
      return;
    }
    const pattern = globToRegExp(head);
    for (const entry of await readDirEntries(base)) {
      if ((entry.isDirectory() || entry.isSymbolicLink()) && entry.name !== "node_modules" && pattern.test(entry.name))
        await walk(join(base, entry.name), rest);
    }
  };
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) continue;
    await walk(
      root,
      pattern
        .replace(/^\.\//, "")
        .split("/")
        .filter((segment) => segment.length > 0),
    );
  }
  return [...found].sort();
}

function workspacePatterns(pkg: PackageJson | undefined): string[] {
  const field = pkg?.workspaces;
  if (Array.isArray(field)) return field.filter((item): item is string => typeof item === "string");
  if (typeof field === "object" && field !== null && Array.isArray((field as { packages?: unknown }).packages)) {
    return (field as { packages: unknown[] }).packages.filter((item): item is string => typeof item === "string");
  }
  return [];
}

function dependencyNames(pkg: PackageJson): string[] {
  const names = new Set<string>();
  for (const field of [pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies]) {
    if (typeof field === "object" && field !== null) for (const name of Object.keys(field)) names.add(name);
  }
  return [...names].sort();
}

/** Orders packages so that each comes after the plugin packages it depends on; ties by name. */
function orderByDependencies(packages: PluginPackage[]): PluginPackage[] {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const sorted = [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ordered: PluginPackage[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (pkg: PluginPackage) => {
    if (state.get(pkg.name) !== undefined) return;
    state.set(pkg.name, "visiting");
    for (const dependency of pkg.dependencies) {
      const target = byName.get(dependency);
      if (target && state.get(dependency) === undefined) visit(target);
    }
    state.set(pkg.name, "done");
    ordered.push(pkg);
  };
  for (const pkg of sorted) visit(pkg);
  return ordered;
}

async function toPluginPackage(candidate: Candidate, problems: RegistryProblem[]): Promise<PluginPackage | undefined> {
  const { pkg } = candidate;
  const name = String(pkg.name);
  const version = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  const label = `${name}@${version}`;
  const marker = pkg.highstate as Partial<HighstateMarker> | null;
  if (typeof marker !== "object" || marker === null || typeof marker.definitions !== "string" || marker.definitions.length === 0) {
    problems.push({
      code: "invalid-marker",
      severity: "error",
      packages: [name],
      message: `Package "${label}" has a "highstate" field in its package.json without a "definitions" path; it should look like "highstate": { "definitions": "./dist/index.js" }`,
    });
    return undefined;
  }
  const definitionsFile = resolve(candidate.realDir, marker.definitions);
  try {
    const info = await stat(definitionsFile);
    if (!info.isFile()) throw new Error("not a file");
    return {
      name,
      version,
      dir: candidate.dir,
      realDir: candidate.realDir,
      definitionsFile,
      definitions: marker.definitions,
      linked: candidate.linked,
      definitionsMtimeMs: info.mtimeMs,
      definitionsSize: info.size,
      dependencies: dependencyNames(pkg),
    };
  } catch (error) {
    problems.push({
      code: "missing-definitions",
      severity: "error",
      packages: [name],
      message: `Package "${label}" declares its definitions at "${marker.definitions}", but "${definitionsFile}" does not exist; ${candidate.linked ? "build the package" : "reinstall the package"}`,
      cause: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/**
 * Finds every plugin package installed in a workspace. When one package name is installed more than
 * once (a nested copy under another package), the copy Node resolves from the workspace root wins;
 * nested copies of other names are included.
 */
export async function discoverPluginPackages(workspaceDir: string): Promise<DiscoveryResult> {
  const root = resolve(workspaceDir);
  const problems: RegistryProblem[] = [];
  const seenNames = new Set<string>();
  const seenRealDirs = new Set<string>();
  const visitedNodeModules = new Set<string>();
  const candidates: Candidate[] = [];
  let scannedPackages = 0;

  const consider = async (dir: string, linked: boolean, pkgJson?: PackageJson): Promise<{ realDir: string } | undefined> => {
    const pkg = pkgJson ?? (await readPackageJson(dir));
    scannedPackages += 1;
    if (!pkg || (pkg !== plainPackage && typeof pkg.name !== "string")) return undefined;
    let realDir = dir;
    if (linked) {
      try {
        realDir = await realpath(dir);
      } catch {
        return undefined;
      }
    }
    if (seenRealDirs.has(realDir)) return undefined;
    seenRealDirs.add(realDir);
    if (pkg === plainPackage || typeof pkg.name !== "string") return { realDir };
    if (seenNames.has(pkg.name)) return { realDir };
    seenNames.add(pkg.name);
    if (pkg.highstate !== undefined) candidates.push({ dir, realDir, linked, pkg });
    return { realDir };
  };

  // The workspace root itself may carry definitions (a workspace with its own components).
  const rootPkg = await readPackageJson(root);
  if (rootPkg) await consider(await realpath(root), true, rootPkg);
  // Its own workspaces come next: they are what its node_modules links to anyway.
  const nestedQueue: string[] = [];
  for (const dir of await expandWorkspaceGlobs(root, workspacePatterns(rootPkg))) {
    const found = await consider(dir, true);
    if (found) nestedQueue.push(join(found.realDir, "node_modules"));
  }

  // Breadth first: the workspace's node_modules, its ancestors', then nested ones level by level, so a
  // name resolves to the copy Node would pick from the workspace root.
  let level: string[] = [...ancestorNodeModules(root), ...nestedQueue];
  while (level.length > 0) {
    // Folders of one level are listed concurrently, then taken in order, so precedence stays Node's.
    const listings = await Promise.all(
      level.map(async (nodeModules) => {
        // Most packages have no nested node_modules: listing fails fast, before any realpath.
        const listed = await packageDirsIn(nodeModules);
        if (listed.length === 0) return undefined;
        const real = await realpath(nodeModules).catch(() => undefined);
        if (real === undefined || visitedNodeModules.has(real)) return undefined;
        // Paths under the real folder, so only symlinked entries need resolving.
        const dirs = listed.map((entry) => ({ dir: join(real, relative(nodeModules, entry.dir)), symlink: entry.symlink }));
        return { real, dirs, packageJsons: await Promise.all(dirs.map(({ dir }) => readPackageJson(dir, true))) };
      }),
    );
    const next: string[] = [];
    for (const listing of listings) {
      if (!listing || visitedNodeModules.has(listing.real)) continue;
      visitedNodeModules.add(listing.real);
      for (const [index, { dir, symlink }] of listing.dirs.entries()) {
        const pkg = listing.packageJsons[index];
        if (!pkg) continue;
        const found = await consider(dir, symlink, pkg);
        if (found) next.push(join(found.realDir, "node_modules"));
      }
    }
    level = next;
  }

  const packages: PluginPackage[] = [];
  for (const candidate of candidates) {
    const pkg = await toPluginPackage(candidate, problems);
    if (pkg) packages.push(pkg);
  }
  return { packages: orderByDependencies(packages), problems, scannedPackages };
}
