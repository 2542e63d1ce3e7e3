/**
 * The one tsup configuration every package uses. Entries are read from the package's own `exports`
 * map (the `@highstate/source` condition names the source file of each subpath), so adding a subpath
 * to `package.json` is all it takes to build it. JSDoc comments on schema fields become zod
 * descriptions at build time, which is how they reach the generated JSON Schema and the designer.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Options } from "tsup";
import { jsdocEsbuildPlugin } from "../library/contract/src/jsdoc/index.ts";

interface PackageJson {
  name: string;
  exports?: Record<string, string | Record<string, string>>;
  bin?: string | Record<string, string>;
}

export interface HighstateBuildOptions {
  /** Extra entries (source path relative to the package → output name without extension). */
  extraEntries?: Record<string, string>;
  /** Modules kept external besides dependencies (tsup already externalises dependencies). */
  external?: string[];
  /** Whether to emit declarations (on by default). */
  dts?: boolean;
}

export function collectEntries(packageDir: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as PackageJson;
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== "object" || subpath === "./package.json") continue;
    const source = target["@highstate/source"];
    if (!source) continue;
    const outName = relative("./src", source).replace(/\.tsx?$/, "");
    entries[outName] = source;
  }
  return entries;
}

export function defineHighstateConfig(packageDir: string, options: HighstateBuildOptions = {}): Options {
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
