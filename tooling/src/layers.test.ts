/**
 * Enforces the layer direction of CONVENTIONS.md: contract ← pulumi ← common ← k8s ← domain packages
 * ← runner ← designer, with `@highstate/project` (the project operations and the designer API types)
 * on the contract, under both the runner and the designer. A package may depend only on packages to
 * its left; the runner also ships the designer's built assets. The designer imports nothing of the runner.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
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

/** One import between two modules of a package: the importing file (relative to `src/`) and the specifier. */
export interface ModuleImport {
  file: string;
  specifier: string;
}

/**
 * The import graph between the modules of a package's `src/`: each top-level folder is a module, and
 * the files directly in `src/` (the entry points) are the module `(entry)`. Only shipped sources count;
 * imports that leave `src/` (and imports of packages) are not edges.
 */
export function moduleGraph(srcDir: string, files: string[]): Map<string, Map<string, ModuleImport[]>> {
  const moduleOf = (path: string): string | undefined => {
    const rel = relative(srcDir, path).split("\\").join("/");
    if (rel.startsWith("../")) return undefined;
    return rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : "(entry)";
  };
  const graph = new Map<string, Map<string, ModuleImport[]>>();
  for (const file of files) {
    const from = moduleOf(file);
    if (from === undefined) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    for (const specifier of importedSpecifiers(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const to = moduleOf(resolve(dirname(file), specifier));
      if (to === undefined || to === from) continue;
      const edges = graph.get(from)!;
      if (!edges.has(to)) edges.set(to, []);
      edges.get(to)!.push({ file: relative(srcDir, file).split("\\").join("/"), specifier });
    }
  }
  return graph;
}

/**
 * The import cycles of a module graph, one per strongly connected group of modules, each as the
 * modules along it with the first repeated at the end (e.g. `["engine", "server", "engine"]`).
 */
export function moduleCycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  // Tarjan's strongly connected components; every component of more than one module holds a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  // A concrete cycle through each component: the shortest path from its first module back to it.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0 && !previous.has(start)) {
      const node = queue.shift()!;
      for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
        if (!members.has(next) || previous.has(next)) continue;
        previous.set(next, node);
        if (next === start) break;
        queue.push(next);
      }
    }
    const cycle = [start];
    for (let node = previous.get(start)!; node !== start; node = previous.get(node)!) cycle.unshift(node);
    return [start, ...cycle];
  });
}

/** Describes a cycle with the imports that make it, one line per step. */
export function describeCycle(cycle: string[], graph: ReadonlyMap<string, ReadonlyMap<string, ModuleImport[]>>): string {
  const steps = cycle.slice(0, -1).map((from, step) => {
    const to = cycle[step + 1]!;
    const imports = graph.get(from)?.get(to) ?? [];
    const shown = imports
      .slice(0, 3)
      .map((item) => `${item.file} imports "${item.specifier}"`)
      .join("; ");
    return `  ${from} → ${to}: ${shown}${imports.length > 3 ? ` (and ${imports.length - 3} more)` : ""}`;
  });
  return `${cycle.join(" → ")}\n${steps.join("\n")}`;
}

/**
 * Imports between the runner's modules that are allowed although they close a cycle, each with why.
 * Keep this empty: an entry is a debt with a plan.
 */
const knownRunnerModuleEdges: Record<string, string> = {};

describe("the runner's modules", () => {
  it("finds cycles and names the imports along them", () => {
    const imports = (file: string) => [{ file, specifier: "./x.js" }];
    const graph = new Map([
      ["a", new Map([["b", imports("a/one.ts")]])],
      ["b", new Map([["c", imports("b/two.ts")]])],
      ["c", new Map([["a", imports("c/three.ts")]])],
      ["d", new Map([["a", imports("d/four.ts")]])],
    ]);
    const cycles = moduleCycles(graph);
    expect(cycles).toEqual([["a", "b", "c", "a"]]);
    expect(describeCycle(cycles[0]!, graph)).toBe(
      'a → b → c → a\n  a → b: a/one.ts imports "./x.js"\n  b → c: b/two.ts imports "./x.js"\n  c → a: c/three.ts imports "./x.js"',
    );
    expect(moduleCycles(new Map([["a", new Map([["b", []]])]]))).toEqual([]);
  });

  it("import each other in one direction only: no module cycles", () => {
    const runner = workspacePackages().find((pkg) => pkg.json.name === "@highstate/runner")!;
    const srcDir = join(runner.dir, "src");
    const graph = moduleGraph(srcDir, sourceFiles(runner.dir).filter(isShippedSource));
    expect([...graph.keys()]).toEqual(expect.arrayContaining(["cli", "engine", "server", "terminals", "workspace", "(entry)"]));
    for (const edge of Object.keys(knownRunnerModuleEdges)) {
      const [from, to] = edge.split(" → ") as [string, string];
      graph.get(from)?.delete(to);
    }
    const cycles = moduleCycles(graph).map((cycle) => describeCycle(cycle, graph));
    expect(cycles, `import cycles between the runner's modules:\n${cycles.join("\n")}`).toEqual([]);
  });
});
