/**
 * Builds throw-away workspaces with plugin packages for discovery and registry tests. Plugin packages
 * are plain ESM JavaScript importing `@highstate/contract`, which each workspace links to this
 * repository's built contract (a different module instance from the runner's source copy, as in real
 * installs).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, "../../../..");
/** The contract package in this repository. */
export const contractDir = join(repoRoot, "library", "contract");

/** Builds `@highstate/contract` when its `dist` is missing (turbo's test task depends on ^build, plain vitest does not). */
export function ensureContractBuilt(): void {
  if (existsSync(join(contractDir, "dist", "index.js"))) return;
  execFileSync("npx", ["tsup"], { cwd: contractDir, stdio: "ignore" });
}

/**
 * Installs the repository's built contract into a `node_modules` folder as a published copy would look:
 * a `package.json` without the `@highstate/source` condition (tests run with that condition enabled,
 * and a real install has no source) and its `dist` linked.
 */
export async function linkContract(nodeModules: string): Promise<void> {
  const target = join(nodeModules, "@highstate", "contract");
  await mkdir(target, { recursive: true });
  const pkg = JSON.parse(await readFile(join(contractDir, "package.json"), "utf8")) as { exports: Record<string, unknown> };
  for (const entry of Object.values(pkg.exports)) {
    if (typeof entry === "object" && entry !== null) delete (entry as Record<string, unknown>)["@highstate/source"];
  }
  await writeFile(join(target, "package.json"), JSON.stringify(pkg, null, 2));
  await symlink(join(contractDir, "dist"), join(target, "dist"), "dir");
}

/** A component to put in a fixture package. */
export interface FixtureComponent {
  type: string;
  title?: string;
  /** Entity type the component outputs as `out` (defined in the same module unless `importEntity`). */
  outputEntity?: string;
}

/** Options of a fixture plugin package. */
export interface FixturePackage {
  name: string;
  version?: string;
  /** The module source; by default generated from `components`/`entities`. */
  source?: string;
  components?: FixtureComponent[];
  entities?: string[];
  /** The `highstate` field; defaults to `{ definitions: "./dist/index.js" }`. */
  marker?: unknown;
  dependencies?: Record<string, string>;
  /** A global counter incremented when the module is evaluated, to observe imports. */
  counter?: string;
  /**
   * The `exports` field; by default the definitions module as `.` and every `./<path>` as
   * `./dist/<path>.js`, so each component's `source.path` is a subpath export.
   */
  exports?: unknown;
}

/** Generates a definitions module from a list of entity and component type ids. */
export function definitionsSource(options: FixturePackage): string {
  const lines = ['import { defineComponent, defineEntity, z } from "@highstate/contract";'];
  if (options.counter) lines.push(`globalThis[${JSON.stringify(options.counter)}] = (globalThis[${JSON.stringify(options.counter)}] ?? 0) + 1;`);
  const entityTypes = new Set([...(options.entities ?? []), ...(options.components ?? []).flatMap((item) => (item.outputEntity ? [item.outputEntity] : []))]);
  const entityVar = (type: string) => `entity_${type.replace(/[^a-z0-9]/g, "_")}`;
  for (const type of entityTypes) {
    lines.push(
      `export const ${entityVar(type)} = defineEntity({ type: ${JSON.stringify(type)}, schema: z.object({ name: z.string() }), meta: { title: ${JSON.stringify(type)} } });`,
    );
  }
  for (const component of options.components ?? []) {
    const outputs = component.outputEntity ? `outputs: { out: ${entityVar(component.outputEntity)} },` : "";
    lines.push(
      `export const ${entityVar(component.type).replace("entity_", "component_")} = defineComponent({ type: ${JSON.stringify(component.type)}, args: { size: z.number().int().default(1) }, ${outputs} meta: { title: ${JSON.stringify(component.title ?? component.type)} }, source: { package: ${JSON.stringify(options.name)}, path: "unit" } });`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Writes a plugin package into a directory (created), returning the directory. */
export async function writePackage(dir: string, options: FixturePackage): Promise<string> {
  await mkdir(join(dir, "dist"), { recursive: true });
  const pkg: Record<string, unknown> = {
    name: options.name,
    version: options.version ?? "1.0.0",
    type: "module",
    highstate: options.marker === undefined ? { definitions: "./dist/index.js" } : options.marker,
    dependencies: options.dependencies ?? { "@highstate/contract": "^0.1.0" },
    exports: options.exports === undefined ? { ".": "./dist/index.js", "./package.json": "./package.json", "./*": "./dist/*.js" } : options.exports,
  };
  if (options.exports === null) delete pkg.exports;
  if (options.marker === null) delete pkg.highstate;
  await writeFile(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  await writeFile(join(dir, "dist", "index.js"), options.source ?? definitionsSource(options));
  return dir;
}

/** Writes a package into `<nodeModules>/<name>` (scoped names create the scope folder). */
export async function installPackage(nodeModules: string, options: FixturePackage): Promise<string> {
  const dir = join(nodeModules, ...options.name.split("/"));
  await mkdir(dirname(dir), { recursive: true });
  return writePackage(dir, options);
}

/** Writes a plain (non-plugin) package. */
export async function installPlainPackage(nodeModules: string, name: string, version = "1.0.0"): Promise<string> {
  const dir = join(nodeModules, ...name.split("/"));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name, version, main: "index.js" }));
  await writeFile(join(dir, "index.js"), "module.exports = {};\n");
  return dir;
}
