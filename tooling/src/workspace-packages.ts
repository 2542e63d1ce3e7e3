import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The repository root. */
export const repositoryRoot = join(import.meta.dirname, "..", "..");

export interface WorkspacePackage {
  /** Folder relative to the repository root, e.g. `packages/k8s`. */
  folder: string;
  dir: string;
  json: {
    name: string;
    version: string;
    private?: boolean;
    type?: string;
    sideEffects?: boolean;
    highstate?: { definitions?: string };
    exports?: Record<string, unknown>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}

/**
 * The folders of the npm workspaces, as the root package.json lists them (`group/*` entries are every
 * folder of that group with a package.json). The one list the build, the tests and the checks share.
 */
export function workspaceFolders(root: string = repositoryRoot): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] };
  const folders: string[] = [];
  for (const entry of workspaces) {
    if (entry.endsWith("/*")) {
      const base = join(root, entry.slice(0, -2));
      if (existsSync(base)) for (const name of readdirSync(base).sort()) folders.push(join(base, name));
    } else {
      folders.push(join(root, entry));
    }
  }
  return folders.filter((dir) => existsSync(join(dir, "package.json")));
}

/** Every package of the npm workspaces, read from disk. */
export function workspacePackages(): WorkspacePackage[] {
  return workspaceFolders().map((dir) => ({
    folder: relative(repositoryRoot, dir),
    dir,
    json: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")),
  }));
}

/** Source files of a package (TypeScript and JavaScript under src/, bench/, test/), skipping build output. */
export function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name)) files.push(path);
    }
  };
  for (const sub of ["src", "bench", "test"]) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return files;
}
