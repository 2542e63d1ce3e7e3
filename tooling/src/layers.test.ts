/**
 * Enforces the layer direction of CONVENTIONS.md: contract ← pulumi ← common ← k8s ← domain packages
 * ← runner ← designer, with `@highstate/project` (the project operations and the designer API types)
 * on the contract, under both the runner and the designer. A package may depend only on packages to
 * its left; the runner also ships the designer's built assets. The designer imports nothing of the runner.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repositoryRoot, sourceFiles, type WorkspacePackage, workspacePackages } from "./workspace-packages.js";

const core = ["@highstate/contract", "@highstate/pulumi", "@highstate/common", "@highstate/k8s"];

/** Which @highstate packages a package may import. */
export function allowedImports(pkg: WorkspacePackage, all: WorkspacePackage[]): Set<string> {
  const name = pkg.json.name;
  const coreIndex = core.indexOf(name);
  if (coreIndex >= 0) return new Set(core.slice(0, coreIndex));
  const domain = all
    .filter((other) => other.folder.startsWith("packages/") && !core.includes(other.json.name))
    .map((other) => other.json.name);
  if (pkg.folder.startsWith("packages/")) return new Set([...core, ...domain.filter((other) => other !== name)]);
  if (name === "@highstate/project") return new Set(["@highstate/contract"]);
  if (name === "@highstate/runner") return new Set(["@highstate/contract", "@highstate/project", "@highstate/designer"]);
  if (name === "@highstate/designer") return new Set(["@highstate/contract", "@highstate/project"]);
  // Examples and repository tooling may use anything.
  return new Set(all.map((other) => other.json.name));
}

const importPattern = /(?:import|export)\s+(?:type\s+)?(?:[^"'`;]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every module specifier a source file imports (static, re-exports and literal dynamic imports). */
export function importedSpecifiers(code: string): string[] {
  const specifiers: string[] = [];
  for (const match of code.matchAll(importPattern)) specifiers.push((match[1] ?? match[2])!);
  return specifiers;
}

/** Source files that end up in the package (not tests, fixtures, test utilities or benchmarks). */
export function isShippedSource(file: string): boolean {
  const path = relative(repositoryRoot, file).split("\\").join("/");
  if (!/^[^/]+(\/[^/]+)?\/src\//.test(path)) return false;
  return !/(\.test(-d)?\.tsx?$)|\/(__fixtures__|__snapshots__|test-utils)\//.test(path);
}

function packageOfSpecifier(specifier: string): string | undefined {
  const match = /^(@highstate\/[^/]+)/.exec(specifier);
  return match?.[1];
}

describe("layer direction", () => {
  const all = workspacePackages();

  it("finds the imports it checks", () => {
    expect(isShippedSource(`${repositoryRoot}/library/pulumi/src/test/index.ts`)).toBe(true);
    expect(
      importedSpecifiers('import { a } from "@highstate/k8s";\nexport * from "./x.js";\nconst m = await import("@highstate/runner/api");'),
    ).toEqual(["@highstate/k8s", "./x.js", "@highstate/runner/api"]);
    expect(isShippedSource(`${repositoryRoot}/runner/src/engine/orchestrator.ts`)).toBe(true);
    expect(isShippedSource(`${repositoryRoot}/runner/src/engine/orchestrator.test.ts`)).toBe(false);
    expect(isShippedSource(`${repositoryRoot}/designer/test/e2e.test.ts`)).toBe(false);
    expect(isShippedSource(`${repositoryRoot}/packages/k8s/src/components/x/__fixtures__/a.ts`)).toBe(false);
    const contract = all.find((pkg) => pkg.json.name === "@highstate/contract")!;
    expect(allowedImports(contract, all).size).toBe(0);
    const named = (name: string) => all.find((pkg) => pkg.json.name === name)!;
    expect([...allowedImports(named("@highstate/project"), all)]).toEqual(["@highstate/contract"]);
    // The designer shares the API types and project operations through @highstate/project, never the runner.
    expect([...allowedImports(named("@highstate/designer"), all)].sort()).toEqual(["@highstate/contract", "@highstate/project"]);
  });

  for (const pkg of all) {
    it(`${pkg.json.name} depends and imports only in the layer direction`, () => {
      const allowed = allowedImports(pkg, all);
      const violations: string[] = [];
      // What ships is checked; tests, fixtures and benchmarks may use any package to exercise this one.
      for (const field of ["dependencies", "peerDependencies"] as const) {
        for (const dependency of Object.keys(pkg.json[field] ?? {})) {
          if (dependency.startsWith("@highstate/") && dependency !== pkg.json.name && !allowed.has(dependency)) {
            violations.push(`package.json ${field} lists "${dependency}"`);
          }
        }
      }
      for (const file of sourceFiles(pkg.dir).filter(isShippedSource)) {
        const code = readFileSync(file, "utf8");
        for (const specifier of importedSpecifiers(code)) {
          const target = packageOfSpecifier(specifier);
          if (target && target !== pkg.json.name && !allowed.has(target))
            violations.push(`${relative(repositoryRoot, file)} imports "${specifier}"`);
          if (/(^|\/)runner\/src\//.test(specifier) && pkg.json.name !== "@highstate/runner")
            violations.push(`${relative(repositoryRoot, file)} imports runner source "${specifier}"`);
        }
      }
      expect(violations, `"${pkg.json.name}" may use only: ${[...allowed].join(", ") || "no @highstate package"}`).toEqual([]);
    });
  }

  it("the runner's engine imports nothing of its server (the types both use are in @highstate/project/api)", () => {
    const engineFiles = sourceFiles(`${repositoryRoot}/runner`).filter(
      (file) => isShippedSource(file) && file.startsWith(`${repositoryRoot}/runner/src/engine/`),
    );
    const violations: string[] = [];
    for (const file of engineFiles) {
      for (const specifier of importedSpecifiers(readFileSync(file, "utf8")))
        if (/^\.\.?\/(\.\.\/)*server\//.test(specifier) || specifier.startsWith("../server"))
          violations.push(`${relative(repositoryRoot, file)} imports "${specifier}"`);
    }
    expect(engineFiles.length).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });
});
