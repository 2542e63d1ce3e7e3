import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type Capability,
  type CapabilityCallContext,
  type CapabilityRequestInput,
  type CapabilityResult,
  isCapabilityImplementation,
  parseCapabilityValue,
} from "./define.js";
import { CapabilityModuleError, CapabilityNotImplementedError, CapabilityPackageNotFoundError } from "./errors.js";

/** How implementation packages are found. */
export interface CapabilityResolution {
  /**
   * The directory packages are resolved from, as Node resolves a bare import from a file there. The
   * runner runs every unit in a work dir inside the workspace, so the default, the current directory,
   * finds the workspace's `node_modules`.
   */
  baseDir?: string;
  /**
   * Export conditions besides `node`, `import` and `default`. Conditions given to Node with
   * `--conditions` are added automatically; tests that run workspace packages from source pass
   * `["@highstate/source"]`.
   */
  conditions?: string[];
}

let defaults: CapabilityResolution = {};

/**
 * Sets the resolution used when a call gives none, and returns a function restoring the previous
 * one. Tests use it to resolve from a temporary workspace or from workspace sources:
 *
 * ```ts
 * beforeAll(() => configureCapabilities({ conditions: ["@highstate/source"] }));
 * ```
 */
export function configureCapabilities(resolution: CapabilityResolution): () => void {
  const previous = defaults;
  defaults = { ...resolution };
  return () => {
    defaults = previous;
  };
}

/** The conditions Node was started with (`--conditions=x`, `-C x`, also through `NODE_OPTIONS`). */
function processConditions(): string[] {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean)];
  const found: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const inline = /^(?:--conditions|-C)=(.+)$/.exec(arg);
    if (inline) found.push(inline[1]!);
    else if ((arg === "--conditions" || arg === "-C") && args[index + 1]) found.push(args[++index]!);
  }
  return found;
}

/** The package name and the directory of its package.json, found as Node finds a bare specifier's package. */
function findPackageDir(packageName: string, baseDir: string): string | undefined {
  let dir = resolvePath(baseDir);
  for (;;) {
    const candidate = join(dir, "node_modules", packageName, "package.json");
    if (existsSync(candidate)) return dirname(candidate);
    // A package may import itself by name (self-reference).
    const own = join(dir, "package.json");
    if (existsSync(own)) {
      try {
        if ((JSON.parse(readFileSync(own, "utf8")) as { name?: unknown }).name === packageName) return dir;
      } catch {
        // An unreadable package.json on the way up is not ours to judge.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

type ExportTarget = string | null | ExportTarget[] | { [condition: string]: ExportTarget };

/** Picks the target of an exports entry for the active conditions (first matching key wins, in object order). */
function pickTarget(target: ExportTarget | undefined, conditions: ReadonlySet<string>): string | undefined {
  if (target === undefined || target === null) return undefined;
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickTarget(item, conditions);
      if (picked) return picked;
    }
    return undefined;
  }
  for (const [condition, value] of Object.entries(target)) {
    if (conditions.has(condition)) {
      const picked = pickTarget(value, conditions);
      if (picked) return picked;
    }
  }
  return undefined;
}

/** The file an `exports` map gives for `subpath` (exact keys first, then `*` patterns). */
function exportsTarget(exportsField: unknown, subpath: string, conditions: ReadonlySet<string>): string | undefined {
  if (typeof exportsField !== "object" || exportsField === null || Array.isArray(exportsField)) return undefined;
  const map = exportsField as Record<string, ExportTarget>;
  if (subpath in map) return pickTarget(map[subpath], conditions);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      const match = subpath.slice(prefix.length, subpath.length - suffix.length);
      return pickTarget(value, conditions)?.replaceAll("*", match);
    }
  }
  return undefined;
}

/** Where a capability's module was found. */
export interface ResolvedCapabilityModule {
  /** The absolute path of the module file. */
  path: string;
  /** The package directory (real path). */
  packageDir: string;
  /** The installed package version. */
  version: string | undefined;
}

/**
 * Finds the module implementing `capability` in `packageName`: `<packageName>/impl/<capability>`,
 * resolved from `baseDir` with the package's `exports` map.
 *
 * @throws CapabilityPackageNotFoundError when the package is not installed where `baseDir` can see it.
 * @throws CapabilityNotImplementedError when the package has no `./impl/<capability>` export.
 */
export function resolveCapabilityModule(
  packageName: string,
  capability: string,
  options: CapabilityResolution & { instanceId?: string } = {},
): ResolvedCapabilityModule {
  const baseDir = options.baseDir ?? defaults.baseDir ?? process.cwd();
  const conditions = new Set([
    "node",
    "import",
    "default",
    ...processConditions(),
    ...(defaults.conditions ?? []),
    ...(options.conditions ?? []),
  ]);
  const by = options.instanceId ? ` needed by instance "${options.instanceId}"` : "";
  const found = findPackageDir(packageName, baseDir);
  if (!found) {
    throw new CapabilityPackageNotFoundError(
      packageName,
      capability,
      options.instanceId,
      `Package "${packageName}", which implements capability "${capability}"${by}, is not installed in the workspace (looked from "${baseDir}" upwards): add it to the workspace's dependencies (npm install ${packageName}) and run again`,
    );
  }
  const packageDir = realpathSync(found);
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version?: string; exports?: unknown };
  const subpath = `./impl/${capability}`;
  const version = manifest.version;
  const label = `"${packageName}"${version ? ` ${version}` : ""}`;
  let target: string | undefined;
  if (manifest.exports !== undefined) {
    target = exportsTarget(manifest.exports, subpath, conditions);
  } else {
    target = [`impl/${capability}.js`, `impl/${capability}/index.js`].find((file) => existsSync(join(packageDir, file)));
  }
  if (!target) {
    throw new CapabilityNotImplementedError(
      packageName,
      capability,
      options.instanceId,
      `Package ${label} does not implement capability "${capability}"${by}: it has no "${subpath}" export. Connect an entity from a package that implements it, or update "${packageName}" to a version that does`,
    );
  }
  const path = resolvePath(packageDir, target);
  if (!existsSync(path)) {
    throw new CapabilityModuleError(
      packageName,
      capability,
      options.instanceId,
      `Package ${label} exports "${subpath}" as "${target}", but that file does not exist (was the package built?)`,
    );
  }
  return { path, packageDir, version };
}

/** The one function a capability module exports: its default export, or its only exported function. */
function implementationOf(module: Record<string, unknown>): unknown {
  if (typeof module.default === "function") return module.default;
  const functions = Object.values(module).filter((value) => typeof value === "function");
  return functions.length === 1 ? functions[0] : undefined;
}

/** Options of {@link callCapability}. */
export interface CallCapabilityOptions extends CapabilityResolution, Omit<CapabilityCallContext, "packageName"> {}

/**
 * Calls the implementation of `capability` in the package an entity's `implRef` names: imports
 * `<implRef.package>/impl/<capability.name>` from the workspace, validates the request, passes it
 * with `implRef.data` (which the implementation validates), and validates the result.
 *
 * ```ts
 * const { resources } = await callCapability(dnsRecordCapability, provider.implRef, request, {
 *   name: `${resourceName(unit)}-dns`,
 *   instanceId: unit.instance.id,
 * });
 * ```
 *
 * @throws CapabilityPackageNotFoundError, CapabilityNotImplementedError, CapabilityModuleError or
 * CapabilityValidationError, each naming the package, the capability and the instance.
 */
export async function callCapability<C extends Capability>(
  capability: C,
  implRef: { package: string; data?: unknown },
  request: CapabilityRequestInput<C>,
  options: CallCapabilityOptions,
): Promise<CapabilityResult<C>> {
  const packageName = implRef.package;
  const where = { packageName, capability: capability.name, instanceId: options.instanceId };
  const parsedRequest = parseCapabilityValue(capability.request, request, { ...where, part: "request" });
  const resolved = resolveCapabilityModule(packageName, capability.name, options);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolved.path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CapabilityModuleError(
      packageName,
      capability.name,
      options.instanceId,
      `Loading capability "${capability.name}" from package "${packageName}" ("${resolved.path}") failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const implementation = implementationOf(module);
  if (typeof implementation !== "function") {
    throw new CapabilityModuleError(
      packageName,
      capability.name,
      options.instanceId,
      `The module "${packageName}/impl/${capability.name}" must export exactly one function (its default export made with implementCapability), but exports ${
        Object.keys(module)
          .map((key) => `"${key}"`)
          .join(", ") || "nothing"
      }`,
    );
  }
  if (isCapabilityImplementation(implementation) && implementation.capability !== capability.name) {
    throw new CapabilityModuleError(
      packageName,
      capability.name,
      options.instanceId,
      `The module "${packageName}/impl/${capability.name}" implements capability "${implementation.capability}", not "${capability.name}"`,
    );
  }
  const { baseDir: _baseDir, conditions: _conditions, ...context } = options;
  const result = await (implementation as (call: unknown) => unknown)({
    data: implRef.data ?? {},
    request: parsedRequest,
    context: { ...context, packageName },
  });
  return parseCapabilityValue(capability.result, result, { ...where, part: "result" }) as CapabilityResult<C>;
}
