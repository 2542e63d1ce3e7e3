/**
 * The registry of a workspace: discovery, the cache, and lazy access to the live definitions.
 */
import type { ArgsValidator, Registry, RegistryComponent } from "@highstate/contract";
import { argsValidatorFromDefinitions } from "@highstate/contract";
import { buildRegistryFromDefinitions, type LiveComponent, type LiveDefinitions } from "./build.js";
import { readRegistryCache, registryCacheKey, writeRegistryCache } from "./cache.js";
import { discoverPluginPackages, type PluginPackage } from "./discover.js";
import { DefinitionsImportError, DuplicateDefinitionError, firstLine, NoSuchComponentError } from "./errors.js";
import { importPackageDefinitions, type PackageDefinitions } from "./load-definitions.js";
import { checkPackaging } from "./packaging.js";
import { isTransientProblem, type RegistryProblem } from "./problems.js";
import { definitionsPulumiChains } from "./pulumi-imports.js";

/** Options of {@link loadWorkspaceRegistry}. */
export interface LoadRegistryOptions {
  /**
   * Whether to start from and write the cache under `.highstate/cache/` (default `true`); `"refresh"`
   * imports every definitions module as `false` does, and writes the fresh result to the cache for the
   * next start.
   */
  cache?: boolean | "refresh";
  /**
   * Whether to import the definitions modules in a child process to find the ones that load Pulumi
   * (default `true`; the result is cached with the registry).
   */
  checkPulumiImports?: boolean;
}

function importProblem(pkg: PluginPackage, error: unknown): RegistryProblem {
  const cause = error instanceof DefinitionsImportError ? error.cause : error;
  return {
    code: "import-failed",
    severity: "error",
    packages: [pkg.name],
    message:
      error instanceof Error ? error.message : `Could not load the definitions of package "${pkg.name}@${pkg.version}": ${String(error)}`,
    cause: firstLine(cause instanceof Error ? cause.message : String(cause)),
  };
}

/**
 * The installed components and entities of a workspace. The JSON registry is always at hand (from the
 * cache or a fresh build); the live definitions (zod schemas, needed to validate args and run units)
 * are imported only when asked for, and only from the package that is needed.
 */
export class WorkspaceRegistry {
  readonly #imports = new Map<string, Promise<PackageDefinitions>>();
  #definitions: Promise<LiveDefinitions> | undefined;

  constructor(
    /** The workspace directory. */
    readonly workspaceDir: string,
    /** The JSON registry the CLI and designer read. */
    readonly registry: Registry,
    /** The plugin packages found, in dependency order. */
    readonly packages: readonly PluginPackage[],
    /** Problems found while discovering and building; the rest of the registry is usable. */
    readonly problems: readonly RegistryProblem[],
    /** Whether the registry came from the cache (no definitions module imported yet). */
    readonly fromCache: boolean,
    /** The cache key of this set of packages. */
    readonly cacheKey: string,
    definitions?: LiveDefinitions,
    imported?: PackageDefinitions[],
  ) {
    if (definitions) this.#definitions = Promise.resolve(definitions);
    for (const item of imported ?? []) this.#imports.set(item.package.name, Promise.resolve(item));
  }

  /** The registry entry of a component, or `undefined` when no installed package defines it. */
  component(type: string): RegistryComponent | undefined {
    return Object.hasOwn(this.registry.components, type) ? this.registry.components[type] : undefined;
  }

  /** The error to throw for a component type that is not in the registry. */
  missingComponentError(type: string): Error {
    const duplicate = this.problems.find(
      (problem) => problem.code === "duplicate-type" && problem.type === type && problem.severity === "error",
    );
    return duplicate ? new DuplicateDefinitionError(type, duplicate.packages) : new NoSuchComponentError(type);
  }

  #importPackage(pkg: PluginPackage): Promise<PackageDefinitions> {
    let pending = this.#imports.get(pkg.name);
    if (!pending) {
      pending = importPackageDefinitions(pkg);
      this.#imports.set(pkg.name, pending);
      // A failed import may succeed later (a dependency installed meanwhile): do not memoise failures.
      pending.catch(() => this.#imports.delete(pkg.name));
    }
    return pending;
  }

  /**
   * The live definition of one component, importing only the package that defines it.
   *
   * @throws NoSuchComponentError when no installed package defines the type.
   * @throws DuplicateDefinitionError when two packages define it.
   * @throws DefinitionsImportError when its package fails to load.
   */
  async getComponent(type: string): Promise<LiveComponent> {
    const entry = this.component(type);
    if (!entry) throw this.missingComponentError(type);
    const pkg = this.packages.find((item) => item.name === entry.package.name);
    if (!pkg) throw new NoSuchComponentError(type);
    const imported = await this.#importPackage(pkg);
    const component = imported.components.find((item) => item.type === type);
    if (!component) {
      throw new NoSuchComponentError(type, { cause: new Error(`package "${pkg.name}@${pkg.version}" no longer exports it`) });
    }
    return { component, package: { name: pkg.name, version: pkg.version } };
  }

  /** The live definitions of every package, imported on first use. Packages that fail to load are left out. */
  loadDefinitions(): Promise<LiveDefinitions> {
    this.#definitions ??= (async () => {
      const settled = await Promise.allSettled(this.packages.map((pkg) => this.#importPackage(pkg)));
      const loaded = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      return buildRegistryFromDefinitions(loaded).definitions;
    })();
    return this.#definitions;
  }

  /** An args validator backed by the live definitions (imports every package on first use). */
  async argsValidator(): Promise<ArgsValidator> {
    const definitions = await this.loadDefinitions();
    return argsValidatorFromDefinitions([...definitions.components.values()].map((item) => item.component));
  }
}

/**
 * Loads the registry of a workspace: discovers the plugin packages, and either reads the registry from
 * the cache (when the packages are unchanged) or imports every definitions module and builds it. A
 * package that fails to load and a type id defined twice are reported in `problems`; everything else
 * still loads.
 */
export async function loadWorkspaceRegistry(workspaceDir: string, options: LoadRegistryOptions = {}): Promise<WorkspaceRegistry> {
  const readCache = (options.cache ?? true) === true;
  const writeCache = options.cache !== false;
  const discovery = await discoverPluginPackages(workspaceDir);
  const key = await registryCacheKey(workspaceDir, discovery.packages, discovery.problems);
  if (readCache) {
    const cached = await readRegistryCache(workspaceDir, key);
    if (cached) {
      return new WorkspaceRegistry(
        workspaceDir,
        cached.registry,
        discovery.packages,
        [...discovery.problems, ...cached.problems],
        true,
        key,
      );
    }
  }
  // The Pulumi check runs in a child process, alongside the imports here.
  const pulumiChains = (options.checkPulumiImports ?? true) ? definitionsPulumiChains(discovery.packages) : false;
  const settled = await Promise.allSettled(discovery.packages.map((pkg) => importPackageDefinitions(pkg)));
  const imported: PackageDefinitions[] = [];
  const importProblems: RegistryProblem[] = [];
  for (const [index, result] of settled.entries()) {
    if (result.status === "fulfilled") imported.push(result.value);
    else importProblems.push(importProblem(discovery.packages[index]!, result.reason));
  }
  const build = buildRegistryFromDefinitions(imported);
  const loaded = discovery.packages.filter((pkg) => imported.some((item) => item.package === pkg));
  const packagingProblems = await checkPackaging(build.registry, loaded, { pulumiChains });
  const buildProblems = [...importProblems, ...build.problems, ...packagingProblems];
  if (writeCache && !buildProblems.some(isTransientProblem)) {
    await writeRegistryCache(workspaceDir, { key, registry: build.registry, problems: buildProblems });
  }
  return new WorkspaceRegistry(
    workspaceDir,
    build.registry,
    discovery.packages,
    [...discovery.problems, ...buildProblems],
    false,
    key,
    build.definitions,
    imported,
  );
}
