/**
 * The build configuration of a component package, for tsup: `export default defineHighstateConfig(import.meta.dirname)`
 * in `tsup.config.ts`. Entries are read from the package's own `exports` map (the `@highstate/source`
 * condition names the source file of each subpath), so adding a subpath to `package.json` is all it
 * takes to build it. JSDoc comments on schema fields become zod descriptions at build time, which is
 * how they reach the registry's JSON Schema and the designer. First-party and third-party packages use
 * this same factory; it needs nothing but tsup and this package.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { jsdocEsbuildPlugin } from "../jsdoc/index.js";

interface PackageJson {
  exports?: Record<string, string | Record<string, string>>;
}

/** Options of {@link defineHighstateConfig}. */
export interface HighstateBuildOptions {
  /** Extra entries (source path relative to the package → output name without extension). */
  extraEntries?: Record<string, string>;
  /** Modules kept external besides dependencies and peers (tsup already keeps those external). */
  external?: string[];
  /** Whether to emit declarations (on by default). */
  dts?: boolean;
}

/** The tsup options {@link defineHighstateConfig} returns (a subset of tsup's `Options`). */
export interface HighstateTsupOptions {
  entry: Record<string, string>;
  format: ["esm"];
  target: string;
  platform: "node";
  dts: boolean;
  sourcemap: boolean;
  clean: boolean;
  splitting: boolean;
  treeshake: boolean;
  external: string[] | undefined;
  esbuildPlugins: ReturnType<typeof jsdocEsbuildPlugin>[];
}

/**
 * The build entries of a package: every `exports` subpath whose target has a `@highstate/source`
 * condition, named after the source file under `src/` (`./src/components/vm/program.ts` →
 * `components/vm/program`, built to `dist/components/vm/program.js`).
 */
export function collectEntries(packageDir: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as PackageJson;
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== "object" || subpath === "./package.json") continue;
    const source = target["@highstate/source"];
    if (!source) continue;
    entries[relative("./src", source).replace(/\.tsx?$/, "")] = source;
  }
  return entries;
}

/**
 * The tsup configuration of a component package in `packageDir`: ESM for Node 22, declarations,
 * source maps, code splitting (so definitions shared by programs are one module) and the JSDoc plugin.
 * Dependencies and peer dependencies stay external: `@pulumi/pulumi` must be a peer, or tsup bundles
 * it into every program and the unit runs with a second copy of Pulumi.
 */
export function defineHighstateConfig(packageDir: string, options: HighstateBuildOptions = {}): HighstateTsupOptions {
  const entry = { ...collectEntries(packageDir) };
  for (const [source, outName] of Object.entries(options.extraEntries ?? {})) entry[outName] = source;
  return {
    entry,
    format: ["esm"],
    target: "node22",
    platform: "node",
    dts: options.dts ?? true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    external: options.external,
    esbuildPlugins: [jsdocEsbuildPlugin()],
  };
}
