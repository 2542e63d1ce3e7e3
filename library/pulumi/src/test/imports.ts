import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** How to import a module in a fresh Node process. */
export interface ImportCheckOptions {
  /** The directory the specifiers are resolved from (default: the current directory). */
  cwd?: string;
  /** Export conditions to enable, e.g. `["@highstate/source"]` to import workspace packages from source. */
  conditions?: string[];
  /** A loader module preloaded with `--import`, e.g. `tsx` to import TypeScript sources. */
  loader?: string;
}

const marker = "HIGHSTATE_LOADED_MODULES:";

// Runs in the child: records every module resolution (ESM and CommonJS) and the CommonJS cache, which
// holds every CommonJS module even when it was reached through `import`.
const childScript = `
import { createRequire, registerHooks } from "node:module";
const resolved = new Set();
if (typeof registerHooks === "function") {
  registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); resolved.add(result.url); return result; } });
}
for (const specifier of JSON.parse(process.env.HIGHSTATE_IMPORT_SPECIFIERS)) await import(specifier);
const cache = Object.keys(createRequire(process.cwd() + "/").cache);
process.stdout.write(${JSON.stringify(marker)} + JSON.stringify([...resolved, ...cache]) + "\\n");
`;

/**
 * Imports `specifiers` in a fresh Node process and returns every module it loaded (file paths and
 * URLs). Use it to check that a definitions entry stays free of Pulumi:
 *
 * ```ts
 * const loaded = await modulesLoadedOnImport(["@highstate/k3s"], { conditions: ["@highstate/source"], loader: "tsx" });
 * expect(loaded.filter((path) => path.includes("/@pulumi/"))).toEqual([]);
 * ```
 *
 * @throws Error with the child's stderr when the import fails.
 */
export async function modulesLoadedOnImport(specifiers: string[], options: ImportCheckOptions = {}): Promise<string[]> {
  const args = [
    ...(options.loader ? ["--import", options.loader] : []),
    ...(options.conditions ?? []).map((condition) => `--conditions=${condition}`),
    "--input-type=module",
    "--eval",
    childScript,
  ];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, HIGHSTATE_IMPORT_SPECIFIERS: JSON.stringify(specifiers), NODE_OPTIONS: "" },
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = stdout.split("\n").find((candidate) => candidate.startsWith(marker));
    if (line === undefined) throw new Error(`the child process printed no module list; its output was: ${stdout.slice(0, 2000)}`);
    return [...new Set(JSON.parse(line.slice(marker.length)) as string[])];
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(
      `Importing ${specifiers.map((specifier) => `"${specifier}"`).join(", ")} in a fresh Node process failed${stderr ? `: ${stderr.trim()}` : ""}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The Pulumi modules (any `@pulumi/*` package) among what importing `specifiers` loads; empty when none.
 * Works in any package without a loader: a package imports its own name (Node's self-reference), so
 *
 * ```ts
 * expect(await pulumiModulesLoadedOnImport(["@acme/highstate-dns"], { cwd: packageDir })).toEqual([]);
 * ```
 *
 * checks the built definitions entry exactly as the runner imports it (build first). Pass
 * `conditions: ["@highstate/source"], loader: "tsx"` only to check TypeScript sources, which needs `tsx`.
 */
export async function pulumiModulesLoadedOnImport(specifiers: string[], options: ImportCheckOptions = {}): Promise<string[]> {
  return (await modulesLoadedOnImport(specifiers, options)).filter((path) => /[\\/]@pulumi[\\/]/.test(path));
}
