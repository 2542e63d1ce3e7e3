/**
 * Args validation for `highstate plan` without importing definitions modules on every start.
 *
 * Validating args needs the live component definitions (their zod schemas), and importing a package's
 * definitions module is most of what a plan of a small project costs. The results are therefore kept
 * in `.highstate/cache/args-checks.json`, keyed by the registry cache key (which changes whenever an
 * installed package or the runner changes) and by a hash of each instance's component type and args.
 * When every instance's result is there, nothing is imported; otherwise only the packages that define
 * the component types still to check are imported, and the file is rewritten with the results of this
 * project's instances.
 */
import { join } from "node:path";
import type { ArgsValidator, Project } from "@highstate/contract";
import { argsValidatorFromDefinitions } from "@highstate/contract";
import { hashJson } from "../fs/canonical.js";
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from "../fs/index.js";
import type { WorkspaceRegistry } from "./workspace-registry.js";

/** Bumped when the file's shape or the meaning of its results changes. */
const argsChecksFormat = 1;

type Issues = ReturnType<ArgsValidator>;

interface ArgsChecksFile {
  format: number;
  /** The registry cache key the results were computed under. */
  registryKey: string;
  /** Hash of (component type, args) → the validation issues (empty: valid). */
  results: Record<string, Issues>;
}

/** The path of the args checks cache of a workspace. */
export function argsChecksFile(workspaceDir: string): string {
  return join(workspaceDir, ".highstate", "cache", "args-checks.json");
}

function checkKey(type: string, args: Record<string, unknown>): string {
  return hashJson({ type, args });
}

async function readChecks(file: string, registryKey: string): Promise<Record<string, Issues>> {
  try {
    const text = await readFileIfExists(file);
    if (text === undefined) return {};
    const parsed = JSON.parse(text) as Partial<ArgsChecksFile>;
    if (parsed.format !== argsChecksFormat || parsed.registryKey !== registryKey || typeof parsed.results !== "object" || !parsed.results)
      return {};
    return parsed.results;
  } catch {
    // A damaged cache is only a slower start: validate afresh and rewrite it.
    return {};
  }
}

/** What {@link projectArgsValidator} did, for tests and `HIGHSTATE_DEBUG`. */
export interface ArgsValidatorInfo {
  /** The validator for the project's instances (other args are validated as if valid). */
  validate: ArgsValidator;
  /** The component types whose definitions had to be imported (empty when every result was cached). */
  imported: string[];
}

/**
 * An args validator for one project's instances: cached results where the registry and the args are
 * unchanged, live definitions (of the needed packages only) for the rest. The cache is best effort: a
 * failure to write it is ignored.
 */
export async function projectArgsValidator(registry: WorkspaceRegistry, project: Project): Promise<ArgsValidatorInfo> {
  const file = argsChecksFile(registry.workspaceDir);
  const cached = await readChecks(file, registry.cacheKey);
  const results = new Map<string, Issues>();
  const missing = new Map<string, Array<{ key: string; args: Record<string, unknown> }>>();
  for (const instance of project.instances) {
    if (!registry.component(instance.type)) continue;
    const key = checkKey(instance.type, instance.args);
    if (results.has(key)) continue;
    if (Object.hasOwn(cached, key) && Array.isArray(cached[key])) results.set(key, cached[key]);
    else {
      const list = missing.get(instance.type) ?? [];
      list.push({ key, args: instance.args });
      missing.set(instance.type, list);
    }
  }

  if (missing.size > 0) {
    const components = [];
    for (const type of missing.keys()) {
      try {
        components.push((await registry.getComponent(type)).component);
      } catch {
        // A package that fails to load is reported by the registry; its instances are not validated here.
      }
    }
    const live = argsValidatorFromDefinitions(components);
    const validated = new Set(components.map((component) => component.type));
    for (const [type, items] of missing) {
      if (!validated.has(type)) continue;
      for (const item of items) results.set(item.key, live(type, item.args));
    }
    const content: ArgsChecksFile = { format: argsChecksFormat, registryKey: registry.cacheKey, results: Object.fromEntries(results) };
    try {
      await ensurePrivateDir(join(registry.workspaceDir, ".highstate", "cache"));
      await writeFileAtomic(file, `${JSON.stringify(content)}\n`);
    } catch {
      // Best effort: the next plan validates again.
    }
  }

  return {
    validate: (type, args) => results.get(checkKey(type, args)) ?? [],
    imported: [...missing.keys()],
  };
}
