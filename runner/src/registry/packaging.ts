/**
 * Packaging checks of plugin packages, run when the registry is built, so a broken package is reported
 * by `registry`, `doctor` and the designer and its instances are blocked before `up` starts anything:
 * a component whose `source.package` is not the package exporting it, whose `source.path` is not a
 * subpath export of that package, or whose package's definitions module loads Pulumi.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Registry, RegistryComponentProblem } from "@highstate/contract";
import type { PluginPackage } from "./discover.js";
import type { RegistryProblem } from "./problems.js";
import { definitionsPulumiChains } from "./pulumi-imports.js";

const label = (pkg: Pick<PluginPackage, "name" | "version">) => `${pkg.name}@${pkg.version}`;

/**
 * Whether a package's `exports` field exports `subpath` (e.g. `./cluster`), as Node resolves it: an
 * exact key, or a `*` pattern key; a `null` target hides the subpath. Without an `exports` object of
 * subpaths only the package itself is exported (ESM imports do not guess files).
 */
export function exportsSubpath(exports: unknown, subpath: string): boolean {
  if (typeof exports !== "object" || exports === null || Array.isArray(exports)) return false;
  const entries = Object.entries(exports as Record<string, unknown>);
  if (!entries.some(([key]) => key.startsWith("."))) return false;
  const exact = entries.find(([key]) => key === subpath);
  if (exact) return exact[1] !== null;
  let best: { prefix: string; target: unknown } | undefined;
  for (const [key, target] of entries) {
    const star = key.indexOf("*");
    if (star < 0 || key.indexOf("*", star + 1) >= 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (
      subpath.length >= key.length &&
      subpath.startsWith(prefix) &&
      subpath.endsWith(suffix) &&
      (!best || prefix.length > best.prefix.length)
    ) {
      best = { prefix, target };
    }
  }
  return best !== undefined && best.target !== null;
}

async function readExports(pkg: PluginPackage): Promise<unknown> {
  try {
    return (JSON.parse(await readFile(join(pkg.realDir, "package.json"), "utf8")) as { exports?: unknown }).exports;
  } catch {
    return undefined;
  }
}

/** Options of {@link checkPackaging}. */
export interface PackagingCheckOptions {
  /**
   * The Pulumi chains of the packages' definitions modules, when the caller started
   * `definitionsPulumiChains` already (to overlap it with other work); `false` skips that check.
   * By default they are found here.
   */
  pulumiChains?: Promise<Map<string, string[]>> | false;
}

/**
 * Checks every unit component of the registry against the package that exports it, adds what it
 * finds to each component's `problems` (so the planner blocks its instances) and returns the problems
 * for the workspace's problem list, each naming the package, the component and the fix.
 */
export async function checkPackaging(
  registry: Registry,
  packages: readonly PluginPackage[],
  options: PackagingCheckOptions = {},
): Promise<RegistryProblem[]> {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const problems: RegistryProblem[] = [];
  const componentProblems = new Map<string, RegistryComponentProblem[]>();
  const add = (pkg: PluginPackage, type: string | undefined, code: RegistryProblem["code"], message: string) => {
    problems.push({ code, severity: "error", packages: [pkg.name], ...(type !== undefined ? { type } : {}), message });
    if (type !== undefined) componentProblems.set(type, [...(componentProblems.get(type) ?? []), { code, message }]);
  };

  const exportsOf = new Map<string, Promise<unknown>>();
  for (const component of Object.values(registry.components)) {
    const pkg = byName.get(component.package.name);
    if (!pkg || !component.source) continue;
    const { source, type } = component;
    if (source.package !== pkg.name) {
      add(
        pkg,
        type,
        "source-package-mismatch",
        `Component "${type}" is exported by package "${label(pkg)}", but its source.package is "${source.package}", so the runner would look for its program in another package: set source: { package: "${pkg.name}", path: "${source.path}" } in its definition`,
      );
      continue;
    }
    if (!exportsOf.has(pkg.name)) exportsOf.set(pkg.name, readExports(pkg));
    const exports = await exportsOf.get(pkg.name);
    const subpath = `./${source.path}`;
    if (!exportsSubpath(exports, subpath)) {
      add(
        pkg,
        type,
        "source-path-not-exported",
        `Component "${type}" of package "${label(pkg)}" has source.path "${source.path}", but the package's package.json "exports" has no "${subpath}" subpath, so the runner cannot import "${pkg.name}/${source.path}": add "${subpath}": { "types": "./dist/components/${source.path}/program.d.ts", "import": "./dist/components/${source.path}/program.js" } to "exports" (or fix source.path)`,
      );
    }
  }

  if (options.pulumiChains !== false) {
    const chains = await (options.pulumiChains ?? definitionsPulumiChains(packages));
    for (const pkg of packages) {
      const chain = chains.get(pkg.name);
      if (!chain) continue;
      const own = Object.values(registry.components).filter((component) => component.package.name === pkg.name);
      const puller = chain.length >= 2 ? chain[chain.length - 2]! : chain[0]!;
      const message = `The definitions module "${pkg.definitions}" of package "${label(pkg)}" loads Pulumi ("${chain.at(-1)}", imported by "${puller}"; chain: ${chain.join(" → ")}). The runner and the designer import definitions without Pulumi, and a program that bundles its own Pulumi runs with a second copy: export only entities and components from the definitions entry, keep Pulumi code in the components' program subpaths, and make @pulumi/pulumi a peer dependency`;
      add(pkg, undefined, "definitions-load-pulumi", message);
      for (const component of own) {
        const list = componentProblems.get(component.type) ?? [];
        componentProblems.set(component.type, [
          ...list,
          { code: "definitions-load-pulumi", message: `its package "${label(pkg)}" is broken: ${message}` },
        ]);
      }
    }
  }

  for (const [type, list] of componentProblems) {
    const component = registry.components[type];
    if (component) component.problems = list;
  }
  return problems;
}
