/**
 * Which package manager a workspace uses and how it lays out packages. Highstate needs a real
 * `node_modules` folder: Pulumi's Node.js runtime loads unit programs and provider SDKs from it, and
 * Yarn's Plug'n'Play (Yarn 2+'s default linker) has none. Everything here uses synchronous `node:fs`
 * on purpose: it runs before any command, also under Yarn's PnP runtime, whose patched asynchronous
 * file handles lack methods the rest of the runner relies on.
 */

import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { HighstateError } from "@highstate/contract";
import type * as Yaml from "yaml";

/**
 * The YAML parser, loaded on first use: only Yarn workspaces have a `.yarnrc.yml` to read, and every
 * command checks for Plug'n'Play at start, so loading it up front would slow down every start.
 */
function parseDocument(text: string): Yaml.Document {
  return (createRequire(import.meta.url)("yaml") as typeof Yaml).parseDocument(text);
}

/** A package manager Highstate recognises. */
export type PackageManagerName = "npm" | "yarn" | "pnpm" | "bun";

/** How installed packages are laid out. */
export type PackageLinker = "node-modules" | "pnp" | "pnpm";

/** What {@link detectPackageManager} found. */
export interface PackageManagerInfo {
  /** The package manager, or `undefined` when nothing in the workspace names one. */
  name?: PackageManagerName;
  /** Its version, when the root `package.json` pins it (`packageManager`) or it runs this process. */
  version?: string;
  /** The linker in effect. */
  linker: PackageLinker;
  /** Where the answer came from, e.g. `yarn.lock`, `package.json "packageManager"`. */
  source?: string;
  /** The Plug'n'Play file, when Yarn PnP is in use. */
  pnpFile?: string;
}

/** The workspace runs under Yarn Plug'n'Play, which Highstate cannot work with. */
export class PlugAndPlayError extends HighstateError {
  static override readonly code = "plug-and-play-unsupported";
  override name = "PlugAndPlayError";

  constructor(
    /** The `.pnp.cjs` file found, or the directory when only the PnP runtime was seen. */
    readonly pnpFile: string,
    /** The command that was about to run. */
    readonly command: string,
  ) {
    super(
      `"${pnpFile}" shows this workspace uses Yarn Plug'n'Play, but Pulumi's Node.js runtime needs a node_modules folder, so \`highstate ${command}\` cannot run. ` +
        "Set `nodeLinker: node-modules` in .yarnrc.yml (`yarn highstate init` does it for you) and run `yarn install`.",
    );
  }
}

const lockfiles: [file: string, name: PackageManagerName][] = [
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
  ["pnpm-lock.yaml", "pnpm"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
];

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The nearest `.pnp.cjs` at or above `start`, stopping at the first directory that installs packages
 * the classic way (a `node_modules` folder or a lockfile without PnP). `undefined` when there is none.
 */
export function findPlugAndPlayFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const pnp = join(dir, ".pnp.cjs");
    if (existsSync(pnp)) return pnp;
    if (existsSync(join(dir, "node_modules")) || lockfiles.some(([file]) => existsSync(join(dir, file)))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The `.yarnrc.yml` `nodeLinker` setting of `root`, when there is one. */
export function yarnNodeLinker(root: string): string | undefined {
  const text = readText(join(root, ".yarnrc.yml"));
  if (text === undefined) return undefined;
  try {
    const value = parseDocument(text).get("nodeLinker");
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Yarn 2 and later ("berry") write lockfiles that start with a `__metadata` entry; Yarn 1 does not. */
function isModernYarnLock(root: string): boolean {
  return readText(join(root, "yarn.lock"))?.includes("__metadata:") ?? false;
}

/**
 * Tells which package manager manages `root` and which linker is in effect, from (in this order) the
 * root `package.json` `packageManager` field, the lockfile, and the package manager running this
 * process (`npm_config_user_agent`).
 */
export function detectPackageManager(root: string, env: NodeJS.ProcessEnv = process.env): PackageManagerInfo {
  const info: { name?: PackageManagerName; version?: string; source?: string } = {};
  const pkgText = readText(join(root, "package.json"));
  let declared: unknown;
  try {
    declared = pkgText === undefined ? undefined : (JSON.parse(pkgText) as { packageManager?: unknown }).packageManager;
  } catch {
    declared = undefined;
  }
  const pinned = typeof declared === "string" ? /^(npm|yarn|pnpm|bun)@(\d[^+\s]*)/.exec(declared) : null;
  if (pinned) Object.assign(info, { name: pinned[1] as PackageManagerName, version: pinned[2], source: 'package.json "packageManager"' });
  if (info.name === undefined) {
    const lock = lockfiles.find(([file]) => existsSync(join(root, file)));
    if (lock) Object.assign(info, { name: lock[1], source: lock[0] });
  }
  const agent = /^(npm|yarn|pnpm|bun)\/(\S+)/.exec(env.npm_config_user_agent ?? "");
  if (agent && (info.name === undefined || info.name === agent[1])) {
    info.name ??= agent[1] as PackageManagerName;
    info.version ??= agent[2];
    info.source ??= "the package manager running Highstate";
  }

  const pnpFile = findPlugAndPlayFile(root);
  if (pnpFile) return { ...info, name: info.name ?? "yarn", linker: "pnp", pnpFile };
  if (info.name === "pnpm") return { ...info, linker: "pnpm" };
  if (info.name === "yarn") {
    const setting = yarnNodeLinker(root);
    const modern = (info.version !== undefined && !info.version.startsWith("1.")) || isModernYarnLock(root);
    // Yarn 2+ defaults to PnP, but an install without `.pnp.cjs` left node_modules (or has not run yet).
    if (setting === "pnp" || (modern && setting === undefined && !existsSync(join(root, "node_modules")))) {
      return { ...info, linker: "pnp" };
    }
    return { ...info, linker: setting === "pnpm" ? "pnpm" : "node-modules" };
  }
  return { ...info, linker: "node-modules" };
}

/** Whether `root` is a Yarn 2+ project, where `.yarnrc.yml` decides the linker. */
export function isModernYarnProject(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const info = detectPackageManager(root, env);
  if (info.name !== "yarn") return existsSync(join(root, ".yarnrc.yml"));
  if (info.version !== undefined) return !info.version.startsWith("1.");
  return existsSync(join(root, ".yarnrc.yml")) || isModernYarnLock(root) || info.pnpFile !== undefined;
}

/** What {@link ensureNodeModulesLinker} did to `.yarnrc.yml`. */
export type LinkerChange = "created" | "updated" | "unchanged";

/**
 * Sets `nodeLinker: node-modules` in `root/.yarnrc.yml`, keeping every other setting and comment.
 * Written atomically with synchronous calls only, so it also works under Yarn's PnP runtime.
 */
export function ensureNodeModulesLinker(root: string): { file: string; change: LinkerChange; previous?: string } {
  const file = join(root, ".yarnrc.yml");
  const text = readText(file);
  const document = parseDocument(text ?? "");
  if (document.errors.length > 0) {
    throw new Error(`Cannot read "${file}": ${document.errors[0]!.message}. Fix the file, then run \`highstate init\` again.`);
  }
  const previous = document.get("nodeLinker");
  if (previous === "node-modules") return { file, change: "unchanged" };
  document.set("nodeLinker", "node-modules");
  const mode = text === undefined ? 0o644 : statSync(file).mode & 0o777;
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(temp, "wx", mode);
  try {
    writeSync(fd, document.toString());
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
  return { file, change: text === undefined ? "created" : "updated", ...(typeof previous === "string" ? { previous } : {}) };
}
