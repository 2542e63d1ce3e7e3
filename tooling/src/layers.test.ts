/**
 * Enforces the layer direction of CONVENTIONS.md: contract ← pulumi ← common ← k8s ← domain packages
 * ← runner ← designer. A package may depend only on packages to its left (the designer also reads
 * the runner's API types, and the runner ships the designer's built assets).
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
  const domain = all.filter((other) => other.folder.startsWith("packages/") && !core.includes(other.json.name)).map((other) => other.json.name);
  if (pkg.folder.startsWith("packages/")) return new Set([...core, ...domain.filter((other) => other !== name)]);
  if (name === "@highstate/runner") return new Set(["@highstate/contract", "@highstate/designer"]);
  if (name === "@highstate/designer") return new Set(["@highstate/contract"]);
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

function packageOfSpecifier(specifier: string): string | undefined {
  const match = /^(@highstate\/[^/]+)/.exec(specifier);
  return match?.[1];
}

describe("layer direction", () => {
  const all = workspacePackages();

  it("finds the imports it checks", () => {
    expect(importedSpecifiers('import { a } from "@highstate/k8s";\nexport * from "./x.js";\nconst m = await import("@highstate/runner/api");')).toEqual([
      "@highstate/k8s",
      "./x.js",
      "@highstate/runner/api",
    ]);
    const contract = all.find((pkg) => pkg.json.name === "@highstate/contract")!;
    expect(allowedImports(contract, all).size).toBe(0);
  });

  for (const pkg of all) {
    it(`${pkg.json.name} depends and imports only in the layer direction`, () => {
      const allowed = allowedImports(pkg, all);
      const violations: string[] = [];
      for (const field of ["dependencies", "peerDependencies", "devDependencies"] as const) {
        for (const dependency of Object.keys(pkg.json[field] ?? {})) {
          if (dependency.startsWith("@highstate/") && dependency !== pkg.json.name && !allowed.has(dependency)) {
            violations.push(`package.json ${field} lists "${dependency}"`);
          }
        }
      }
      for (const file of sourceFiles(pkg.dir)) {
        const code = readFileSync(file, "utf8");
        for (const specifier of importedSpecifiers(code)) {
          const target = packageOfSpecifier(specifier);
          if (target && target !== pkg.json.name && !allowed.has(target)) violations.push(`${relative(repositoryRoot, file)} imports "${specifier}"`);
          if (specifier.includes("/runner/src/") && pkg.json.name === "@highstate/designer" && !specifier.endsWith("server/api-types.js") && !specifier.endsWith("server/api-types.ts") && !specifier.endsWith("server/api-types")) {
            violations.push(`${relative(repositoryRoot, file)} imports runner source "${specifier}" (only the API types are shared)`);
          }
        }
      }
      expect(violations, `"${pkg.json.name}" may use only: ${[...allowed].join(", ") || "no @highstate package"}`).toEqual([]);
    });
  }
});
