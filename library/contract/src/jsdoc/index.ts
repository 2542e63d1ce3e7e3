/**
 * Build-time support for component packages: JSDoc comments on schema fields and definitions become
 * runtime descriptions, which the registry exports as JSON Schema `description`s for the designer.
 * Third-party packages use these plugins exactly as the first-party ones do.
 */
import { readFile } from "node:fs/promises";
import { transformJsDocDescriptions } from "./transform.js";

export { transformJsDocDescriptions } from "./transform.js";

const sourceFilter = /\.(ts|tsx|mts)$/;

function isTestFile(path: string): boolean {
  return /\.test(-d)?\.tsx?$/.test(path);
}

/** An esbuild (and so tsup) plugin that applies the JSDoc transform to TypeScript sources. */
export function jsdocEsbuildPlugin() {
  return {
    name: "highstate-jsdoc",
    setup(build: {
      onLoad(
        options: { filter: RegExp },
        callback: (args: { path: string }) => Promise<{ contents: string; loader: "ts" | "tsx" } | undefined>,
      ): void;
    }) {
      build.onLoad({ filter: sourceFilter }, async (args) => {
        if (args.path.includes("node_modules") || isTestFile(args.path)) return undefined;
        const code = await readFile(args.path, "utf8");
        const transformed = transformJsDocDescriptions(code, args.path);
        if (transformed === undefined) return undefined;
        return { contents: transformed, loader: args.path.endsWith(".tsx") ? "tsx" : "ts" };
      });
    },
  };
}

/** A Vite/Vitest plugin that applies the JSDoc transform, so tests of source see what builds ship. */
export function jsdocVitePlugin() {
  return {
    name: "highstate-jsdoc",
    enforce: "pre" as const,
    transform(code: string, id: string) {
      const path = id.split("?")[0]!;
      if (!sourceFilter.test(path) || path.includes("/node_modules/") || isTestFile(path)) return undefined;
      const transformed = transformJsDocDescriptions(code, path);
      return transformed === undefined ? undefined : { code: transformed, map: null };
    },
  };
}
