/**
 * Imports a plugin package's definitions module and collects the entities and components it exports.
 * Brands are checked with the contract's `isEntity`/`isComponent`, which use `Symbol.for` markers, so a
 * package built against another copy of the contract is recognised too.
 */
import { pathToFileURL } from "node:url";
import { type AnyComponent, type Entity, isComponent, isEntity } from "@highstate/contract";
import type { PluginPackage } from "./discover.js";
import { DefinitionsImportError } from "./errors.js";

/** The definitions one package exports. */
export interface PackageDefinitions {
  package: PluginPackage;
  /** Entities exported by the package (each object once). */
  entities: Entity[];
  /** Components exported by the package (each object once). */
  components: AnyComponent[];
}

function isPlainContainer(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  // Module namespaces (`export * as x`) have a null prototype; plain objects group definitions.
  return prototype === null || prototype === Object.prototype;
}

/** Collects definitions from a module's exports and from plain objects exported one level deep. */
export function collectDefinitions(moduleExports: Record<string, unknown>): { entities: Entity[]; components: AnyComponent[] } {
  const entities = new Set<Entity>();
  const components = new Set<AnyComponent>();
  const take = (value: unknown): boolean => {
    if (isComponent(value)) {
      components.add(value);
      return true;
    }
    if (isEntity(value)) {
      entities.add(value);
      return true;
    }
    return false;
  };
  for (const value of Object.values(moduleExports)) {
    if (take(value) || !isPlainContainer(value)) continue;
    for (const nested of Object.values(value)) take(nested);
  }
  return { entities: [...entities], components: [...components] };
}

/**
 * Imports the definitions module of a package. The URL carries the file's modification time so that a
 * rebuilt workspace package is imported afresh within one process (tests, a long-running designer).
 *
 * @throws DefinitionsImportError naming the package and the cause when the module fails to load.
 */
export async function importPackageDefinitions(pkg: PluginPackage): Promise<PackageDefinitions> {
  const url = pathToFileURL(pkg.definitionsFile);
  url.searchParams.set("highstate-mtime", String(Math.trunc(pkg.definitionsMtimeMs)));
  let moduleExports: Record<string, unknown>;
  try {
    moduleExports = (await import(url.href)) as Record<string, unknown>;
  } catch (error) {
    throw new DefinitionsImportError(pkg.name, pkg.version, pkg.definitionsFile, { cause: error });
  }
  return { package: pkg, ...collectDefinitions(moduleExports) };
}
