import { mkdir, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { pathExists, readFileIfExists, writeFileAtomic } from "../fs/atomic-write.js";
import { ensureNodeModulesLinker, isModernYarnProject, type LinkerChange } from "./package-manager.js";
import { workspacePaths } from "./paths.js";

/** Options of {@link initWorkspace}. */
export interface InitWorkspaceOptions {
  /** The package and Pulumi project name; derived from the directory name by default. */
  name?: string;
  /** Dependencies for a new `package.json`, e.g. `{ "@highstate/common": "^0.1.0" }`. */
  dependencies?: Record<string, string>;
}

/** What {@link initWorkspace} did. */
export interface InitWorkspaceResult {
  /** The workspace directory. */
  root: string;
  /** Files and directories it created. */
  created: string[];
  /** Existing files it changed (`.gitignore`, by appending what it must ignore; `.yarnrc.yml`). */
  updated: string[];
  /**
   * Set when the workspace is a Yarn 2+ project: `.yarnrc.yml` must say `nodeLinker: node-modules`,
   * because Pulumi's Node.js runtime needs a `node_modules` folder. `previous` is the linker it replaced.
   */
  yarnLinker?: { file: string; change: LinkerChange; previous?: string };
}

/** Turns a directory name into a name npm and Pulumi accept. */
function deriveName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+|[-._]+$/g, "");
  return name === "" ? "highstate-workspace" : name;
}

/** What a workspace's `.gitignore` must ignore: local state, and installed packages. */
const ignored = [
  { entry: ".highstate/", pattern: /^\/?\.highstate\/?\s*$/ },
  { entry: "node_modules/", pattern: /^\/?node_modules\/?\s*$/ },
];

/**
 * Makes a directory a Highstate workspace. Creates what is missing — `package.json`, `Pulumi.yaml`,
 * `projects/` and a `.gitignore` with `.highstate/` and `node_modules/` — and never replaces an existing
 * file: an existing `.gitignore` only gets the entries it lacks appended. In a Yarn 2+ project it sets
 * `nodeLinker: node-modules` in `.yarnrc.yml`. Safe to run again.
 */
export async function initWorkspace(dir: string, options: InitWorkspaceOptions = {}): Promise<InitWorkspaceResult> {
  const paths = workspacePaths(dir);
  const result: InitWorkspaceResult = { root: paths.root, created: [], updated: [] };
  await mkdir(paths.root, { recursive: true });
  const name = options.name ?? deriveName(paths.root);

  if (!(await pathExists(paths.packageJson))) {
    const pkg = { name, private: true, type: "module", dependencies: options.dependencies ?? {} };
    await writeFileAtomic(paths.packageJson, `${JSON.stringify(pkg, null, 2)}\n`);
    result.created.push(paths.packageJson);
  }
  if (!(await pathExists(paths.pulumiYaml))) {
    const yaml = [
      `name: ${name}`,
      "runtime: nodejs",
      "description: A Highstate workspace. Each Pulumi.<project>.yaml holds one project's secrets, encrypted with its password.",
      "",
    ].join("\n");
    await writeFileAtomic(paths.pulumiYaml, yaml);
    result.created.push(paths.pulumiYaml);
  }
  if (!(await pathExists(paths.projectsDir))) {
    await mkdir(paths.projectsDir, { recursive: true });
    result.created.push(paths.projectsDir);
  }
  const gitignore = await readFileIfExists(paths.gitignore);
  const lines = gitignore?.split(/\r?\n/) ?? [];
  const missing = ignored.filter(({ pattern }) => !lines.some((line) => pattern.test(line))).map(({ entry }) => entry);
  if (gitignore === undefined) {
    await writeFileAtomic(paths.gitignore, `${missing.join("\n")}\n`);
    result.created.push(paths.gitignore);
  } else if (missing.length > 0) {
    const separator = gitignore === "" || gitignore.endsWith("\n") ? "" : "\n";
    await writeFileAtomic(paths.gitignore, `${gitignore}${separator}${missing.join("\n")}\n`);
    result.updated.push(paths.gitignore);
  }
  if (isModernYarnProject(paths.root)) {
    const linker = ensureNodeModulesLinker(paths.root);
    result.yarnLinker = linker;
    if (linker.change === "created") result.created.push(linker.file);
    if (linker.change === "updated") result.updated.push(linker.file);
  }
  return result;
}

/**
 * Finds the workspace containing `start` (or `start` itself): the nearest directory upwards that has a
 * `projects/` directory or a `Pulumi.yaml`. Returns `undefined` when there is none.
 */
export async function findWorkspaceRoot(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    const paths = workspacePaths(dir);
    const projects = await stat(paths.projectsDir).catch(() => undefined);
    if (projects?.isDirectory() || (await pathExists(paths.pulumiYaml))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
