/**
 * Which of a workspace's `@highstate/*` packages are behind the newest versions its registry offers
 * (`highstate doctor`). The registry is the one the workspace's package manager uses: npm's settings
 * (`npm_config_*` environment variables, the workspace's `.npmrc`, the user's and the global npmrc,
 * a `@highstate:registry` scope entry first) or, for Yarn 2+, `.yarnrc.yml` (`npmScopes.highstate`,
 * `npmRegistryServer`). Questions go out in parallel with one short deadline; when the registry cannot
 * be reached or does not know a package, that package is simply not reported, so an offline machine
 * sees nothing and waits at most the deadline.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { detectPackageManager, isModernYarnProject, type PackageManagerName } from "./package-manager.js";

/** The scope whose packages are checked. */
const scope = "@highstate";
const defaultRegistry = "https://registry.npmjs.org/";

/** A `@highstate/*` dependency of the workspace and what the registry says about it. */
export interface PackageUpdate {
  name: string;
  /** The version in `node_modules`. */
  installed: string;
  /** The registry's `latest` dist-tag. */
  latest: string;
  /** The range in the workspace's package.json. */
  range: string;
  /** Whether `latest` is inside `range`, so an update (not a new range) installs it. */
  inRange: boolean;
}

/** What {@link checkPackageUpdates} found; `undefined` from it means the registry could not be asked. */
export interface PackageUpdatesReport {
  registry: string;
  /** How many installed `@highstate/*` dependencies the registry answered for. */
  checked: number;
  /** Those behind `latest`, by name. */
  behind: PackageUpdate[];
  /** The command that installs them with the workspace's package manager. */
  command?: string;
}

export interface PackageUpdateOptions {
  env?: NodeJS.ProcessEnv;
  /** The deadline for all registry requests together, in milliseconds. */
  timeoutMs?: number;
  /** The user's home folder (for `~/.npmrc`); the process's by default. */
  home?: string;
}

/** Reads an npmrc file: `key=value` lines, `;`/`#` comments, `${VAR}` from the environment. */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const settings = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    if (equals < 0) continue;
    const key = line.slice(0, equals).trim();
    let value = line.slice(equals + 1).trim();
    if (/^".*"$/.test(value)) value = value.slice(1, -1);
    settings.set(
      key,
      value.replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? ""),
    );
  }
  return settings;
}

function readIfExists(file: string | undefined): string | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** npm's settings in its order of precedence: environment, workspace `.npmrc`, user npmrc, global npmrc. */
function npmSettings(root: string, env: NodeJS.ProcessEnv, home: string): Map<string, string> {
  const merged = new Map<string, string>();
  const fromEnv = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    const match = /^npm_config_(.+)$/i.exec(key);
    if (match && value !== undefined) fromEnv.set(match[1]!.toLowerCase(), value);
  }
  const userConfig = fromEnv.get("userconfig") ?? join(home, ".npmrc");
  const globalConfig = fromEnv.get("globalconfig") ?? join(fromEnv.get("prefix") ?? dirname(dirname(process.execPath)), "etc/npmrc");
  const layers = [fromEnv, ...[join(root, ".npmrc"), userConfig, globalConfig].map((file) => parseNpmrc(readIfExists(file) ?? "", env))];
  for (const layer of layers) for (const [key, value] of layer) if (!merged.has(key)) merged.set(key, value);
  return merged;
}

interface RegistryAccess {
  url: string;
  token?: string;
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

/** The registry npm would fetch `@highstate/*` from, with its auth token when one is configured. */
function npmRegistry(root: string, env: NodeJS.ProcessEnv, home: string): RegistryAccess {
  const settings = npmSettings(root, env, home);
  const url = withSlash(settings.get(`${scope}:registry`) ?? settings.get("registry") ?? defaultRegistry);
  // Auth entries are keyed by the registry URL without its protocol (`//host/path/:_authToken`); the longest match wins.
  const bare = url.replace(/^https?:/, "");
  let token: string | undefined;
  let best = -1;
  for (const [key, value] of settings) {
    const match = /^(\/\/.+?)\/?:_authtoken$/i.exec(key);
    if (match && bare.startsWith(withSlash(match[1]!)) && match[1]!.length > best) {
      token = value;
      best = match[1]!.length;
    }
  }
  return { url, ...(token ? { token } : {}) };
}

/** The registry Yarn 2+ would fetch `@highstate/*` from (`.yarnrc.yml` and `YARN_*` variables). */
function yarnRegistry(root: string, env: NodeJS.ProcessEnv): RegistryAccess {
  let config: Record<string, unknown> = {};
  try {
    config = (parseYaml(readIfExists(join(root, ".yarnrc.yml")) ?? "") as Record<string, unknown> | null) ?? {};
  } catch {
    config = {};
  }
  const scoped = (config.npmScopes as Record<string, Record<string, unknown>> | undefined)?.[scope.slice(1)] ?? {};
  const url = withSlash(
    String(scoped.npmRegistryServer ?? env.YARN_NPM_REGISTRY_SERVER ?? config.npmRegistryServer ?? "https://registry.yarnpkg.com"),
  );
  const token = scoped.npmAuthToken ?? env.YARN_NPM_AUTH_TOKEN ?? config.npmAuthToken;
  const expand = (value: string) =>
    value.replace(/\$\{([^}:]+)(?::-([^}]*))?\}/g, (_, name: string, fallback = "") => env[name] ?? fallback);
  return { url: expand(url), ...(typeof token === "string" ? { token: expand(token) } : {}) };
}

/** A version as numbers plus its pre-release part; `undefined` for what is not `x.y.z`. */
function parseVersion(version: string): { core: [number, number, number]; pre: string } | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([^+]+))?/.exec(version.trim());
  if (!match) return undefined;
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ?? "" };
}

/** Compares two versions the way semver orders them (pre-releases before their release). */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) return a.localeCompare(b);
  for (let index = 0; index < 3; index += 1) if (left.core[index] !== right.core[index]) return left.core[index]! - right.core[index]!;
  if (left.pre === right.pre) return 0;
  if (left.pre === "") return 1;
  if (right.pre === "") return -1;
  return left.pre.localeCompare(right.pre, "en", { numeric: true });
}

/**
 * Whether `version` is inside a dependency range as npm reads it, for the ranges package.json files
 * usually hold (`^`, `~`, exact, `*`, `>=`); any other range counts as containing it.
 */
export function inRange(range: string, version: string): boolean {
  const spec = range.trim();
  if (spec === "" || spec === "*" || spec === "latest" || spec.includes("||") || spec.includes(" ")) return true;
  const operator = /^(\^|~|>=|=)?\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(-[^\s]+)?$/.exec(spec);
  const target = parseVersion(version);
  if (!operator || !target) return true;
  const [major, minor, patch] = [Number(operator[2]), Number(operator[3] ?? 0) || 0, Number(operator[4] ?? 0) || 0];
  const floor = `${major}.${minor}.${patch}${operator[5] ?? ""}`;
  if (compareVersions(version, floor) < 0) return false;
  const [vMajor, vMinor] = target.core;
  switch (operator[1]) {
    case ">=":
      return true;
    case "~":
      return vMajor === major && vMinor === minor;
    case "^":
      // The left-most non-zero part stays fixed: ^1.2.3 → 1.x, ^0.2.3 → 0.2.x, ^0.0.3 → 0.0.3.
      if (major > 0 || operator[3] === undefined) return vMajor === major;
      if (minor > 0 || operator[4] === undefined) return vMajor === 0 && vMinor === minor;
      return compareVersions(version, floor) === 0;
    default:
      // A bare `1` or `1.2` is a range too; an exact version is only itself.
      if (operator[3] === undefined) return vMajor === major;
      if (operator[4] === undefined) return vMajor === major && vMinor === minor;
      return compareVersions(version, floor) === 0;
  }
}

/** The command that installs the newer versions with the workspace's package manager. */
export function updateCommand(manager: PackageManagerName | undefined, behind: PackageUpdate[]): string | undefined {
  if (behind.length === 0) return undefined;
  const outOfRange = behind.filter((update) => !update.inRange);
  if (manager === "yarn") {
    return outOfRange.length === 0
      ? `yarn up '${scope}/*'`
      : `yarn up ${behind.map((update) => `${update.name}@^${update.latest}`).join(" ")}`;
  }
  if (manager === "pnpm") {
    return outOfRange.length === 0
      ? `pnpm update '${scope}/*'`
      : `pnpm add ${behind.map((update) => `${update.name}@^${update.latest}`).join(" ")}`;
  }
  const commands: string[] = [];
  const inside = behind.filter((update) => update.inRange);
  if (inside.length > 0) commands.push(`npm update ${inside.map((update) => update.name).join(" ")}`);
  if (outOfRange.length > 0) commands.push(`npm install ${outOfRange.map((update) => `${update.name}@^${update.latest}`).join(" ")}`);
  return commands.join(" && ");
}

/** The `@highstate/*` dependencies of the workspace's package.json with their installed versions. */
function installedDependencies(root: string): Array<{ name: string; range: string; installed: string }> {
  let manifest: Record<string, Record<string, string> | undefined>;
  try {
    manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as typeof manifest;
  } catch {
    return [];
  }
  const ranges = { ...(manifest.devDependencies ?? {}), ...(manifest.dependencies ?? {}) };
  const found: Array<{ name: string; range: string; installed: string }> = [];
  for (const [name, range] of Object.entries(ranges).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(`${scope}/`) || typeof range !== "string") continue;
    // Workspace links and local paths are not installed from the registry.
    if (/^(workspace:|file:|link:|portal:|\.|\/)/.test(range)) continue;
    const text = readIfExists(join(root, "node_modules", ...name.split("/"), "package.json"));
    if (!text) continue;
    try {
      const version = (JSON.parse(text) as { version?: unknown }).version;
      if (typeof version === "string") found.push({ name, range, installed: version });
    } catch {
      // An unreadable manifest is doctor's "components" check's business.
    }
  }
  return found;
}

/**
 * Asks the workspace's registry for the `latest` version of each installed `@highstate/*` dependency.
 * Returns `undefined` when there is nothing to ask about or no answer came at all (unreachable,
 * timed out, unknown packages), so callers stay silent.
 */
export async function checkPackageUpdates(root: string, options: PackageUpdateOptions = {}): Promise<PackageUpdatesReport | undefined> {
  const env = options.env ?? process.env;
  const dependencies = installedDependencies(root);
  if (dependencies.length === 0) return undefined;
  const manager = detectPackageManager(root, env).name;
  const access =
    manager === "yarn" && isModernYarnProject(root, env)
      ? yarnRegistry(root, env)
      : npmRegistry(root, env, options.home ?? env.HOME ?? homedir());
  const signal = AbortSignal.timeout(options.timeoutMs ?? 2000);
  const headers: Record<string, string> = { accept: "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8" };
  if (access.token) headers.authorization = `Bearer ${access.token}`;
  const answers = await Promise.all(
    dependencies.map(async (dependency) => {
      try {
        const response = await fetch(`${access.url}${dependency.name.replace("/", "%2f")}`, { headers, signal, redirect: "follow" });
        if (!response.ok) return undefined;
        const latest = ((await response.json()) as { "dist-tags"?: { latest?: unknown } })["dist-tags"]?.latest;
        return typeof latest === "string" ? { ...dependency, latest } : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  const known = answers.filter((answer) => answer !== undefined);
  if (known.length === 0) return undefined;
  const behind = known
    .filter((answer) => compareVersions(answer.latest, answer.installed) > 0)
    .map((answer) => ({ ...answer, inRange: inRange(answer.range, answer.latest) }));
  const command = updateCommand(manager, behind);
  return { registry: access.url, checked: known.length, behind, ...(command ? { command } : {}) };
}
