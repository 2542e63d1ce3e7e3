/**
 * One Vitest project per workspace package. Tests resolve workspace packages through the
 * `@highstate/source` condition, so they run against live source without a build, and the JSDoc
 * transform runs exactly as in the build, so descriptions in tests match what ships.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";
import { jsdocVitePlugin } from "./library/contract/src/jsdoc/index.ts";
import { workspaceFolders } from "./tooling/src/workspace-packages.ts";

const root = import.meta.dirname;
// Vite's "module" condition picks bundler-only ESM builds (e.g. @opentelemetry/api, loaded by
// @pulumi/pulumi) whose extensionless imports Node cannot load; externalised packages use Node's conditions.
const conditions = ["@highstate/source", ...defaultServerConditions.filter((condition) => condition !== "module")];

/** Workspace packages that have tests (a `test` script). */
function packageDirs(): string[] {
  return workspaceFolders(root).filter((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return pkg.scripts?.test !== undefined;
  });
}

const projects = packageDirs().map((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string;
    highstateTest?: { environment?: string; timeout?: number; fileParallelism?: boolean };
  };
  return {
    plugins: [jsdocVitePlugin()],
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["@highstate/source"] } },
    test: {
      name: pkg.name,
      root: dir,
      include: ["src/**/*.test.ts", "test/**/*.test.ts", "src/**/*.test.tsx"],
      environment: pkg.highstateTest?.environment ?? "node",
      testTimeout: pkg.highstateTest?.timeout ?? 30_000,
      // Browser and process tests poll for what a busy 2-core CI machine may take seconds to show.
      expect: { poll: { timeout: 15_000, interval: 50 } },
      // Packages whose test files each start Chromium run them one at a time instead of competing for the CPU.
      fileParallelism: pkg.highstateTest?.fileParallelism ?? true,
      hookTimeout: 60_000,
      typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: join(dir, "tsconfig.json") },
    },
  };
});

export default defineConfig({
  test: {
    projects,
    pool: "forks",
  },
});
