import { mkdir, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { pathExists, readFileIfExists, writeFileAtomic } from "../fs/atomic-write.js";
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
  /** Existing files it changed (only `.gitignore`, by appending `.highstate/`). */
  updated: string[];
}

/** Turns a directory name into a name npm and Pulumi accept. */
function deriveName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+|[-._]+$/g, "");
  return name === "" ? "highstate-workspace" : name;
}


const ignoredLine = /^\/?\.highstate\/?\s*$/;

/**
 * Makes a directory a Highstate workspace. Creates what is missing — `package.json`, `Pulumi.yaml`,
 * `projects/` and a `.gitignore` with `.highstate/` — and never replaces an existing file: an existing
 * `.gitignore` only gets `.highstate/` appended when it does not ignore it yet. Safe to run again.
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
  if (gitignore === undefined) {
    await writeFileAtomic(paths.gitignore, ".highstate/\n");
    result.created.push(paths.gitignore);
  } else if (!gitignore.split(/\r?\n/).some((line) => ignoredLine.test(line))) {
    const separator = gitignore === "" || gitignore.endsWith("\n") ? "" : "\n";
    await writeFileAtomic(paths.gitignore, `${gitignore}${separator}.highstate/\n`);
    result.updated.push(paths.gitignore);
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
