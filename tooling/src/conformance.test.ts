/**
 * Every library and domain package has the same skeleton (CONVENTIONS.md "Package skeleton"), so a
 * reader who knows one knows them all, and the build, tests and discovery treat them alike.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repositoryRoot, type WorkspacePackage, workspacePackages } from "./workspace-packages.js";

const conditionOrder = ["@highstate/source", "types", "import", "default"];

export function skeletonProblems(pkg: WorkspacePackage): string[] {
  const problems: string[] = [];
  const { json, dir, folder } = pkg;
  const expectedName = `@highstate/${folder.split("/")[1]}`;
  if (json.name !== expectedName) problems.push(`package.json name is "${json.name}", expected "${expectedName}"`);
  if (!/^\d+\.\d+\.\d+/.test(json.version ?? "")) problems.push("package.json has no semver version");
  if (json.type !== "module") problems.push('package.json must say "type": "module"');
  if (json.sideEffects !== false) problems.push('package.json must say "sideEffects": false');
  if (json.private) problems.push("published packages must not be private");
  const exports = (json.exports ?? {}) as Record<string, unknown>;
  if (exports["./package.json"] !== "./package.json") problems.push('exports must include "./package.json"');
  if (!exports["."]) problems.push('exports must include "."');
  for (const [subpath, target] of Object.entries(exports)) {
    if (subpath === "./package.json") continue;
    if (typeof target !== "object" || target === null) {
      problems.push(`exports["${subpath}"] must be a conditions object`);
      continue;
    }
    const keys = Object.keys(target);
    if (keys.join(",") !== conditionOrder.join(",")) problems.push(`exports["${subpath}"] conditions are ${keys.join(", ")}; expected ${conditionOrder.join(", ")}`);
    const source = (target as Record<string, string>)["@highstate/source"];
    if (source && !existsSync(join(dir, source))) problems.push(`exports["${subpath}"] source "${source}" does not exist`);
  }
  for (const file of ["README.md", "tsconfig.json", "tsup.config.ts", "src/index.ts"]) {
    if (!existsSync(join(dir, file))) problems.push(`missing ${file}`);
  }
  if (existsSync(join(dir, "tsup.config.ts")) && !readFileSync(join(dir, "tsup.config.ts"), "utf8").includes("defineHighstateConfig")) {
    problems.push("tsup.config.ts must call the shared defineHighstateConfig factory");
  }
  if (existsSync(join(dir, "tsconfig.json")) && !readFileSync(join(dir, "tsconfig.json"), "utf8").includes("tsconfig.base.json")) {
    problems.push("tsconfig.json must extend ../../tsconfig.base.json");
  }
  const peers = json.peerDependencies ?? {};
  if (!peers.zod) problems.push("zod must be a peer dependency");
  if (folder.startsWith("packages/")) {
    if (!peers["@pulumi/pulumi"]) problems.push("@pulumi/pulumi must be a peer dependency");
    if (json.highstate?.definitions !== "./dist/index.js") problems.push('package.json needs the plugin marker "highstate": { "definitions": "./dist/index.js" }');
    const index = existsSync(join(dir, "src/index.ts")) ? readFileSync(join(dir, "src/index.ts"), "utf8") : "";
    if (/@pulumi\//.test(index)) problems.push("src/index.ts exports definitions only and must not import Pulumi");
    const componentsDir = join(dir, "src/components");
    const components = existsSync(componentsDir) ? readdirSync(componentsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()) : [];
    if (components.length === 0) problems.push("no components under src/components/");
    for (const component of components) {
      for (const file of ["definition.ts", "program.ts", "program.test.ts"]) {
        if (!existsSync(join(componentsDir, component.name, file))) problems.push(`src/components/${component.name}/${file} is missing`);
      }
      const subpath = exports[`./${component.name}`] as Record<string, string> | undefined;
      if (subpath?.["@highstate/source"] !== `./src/components/${component.name}/program.ts`) {
        problems.push(`exports["./${component.name}"] must point at ./src/components/${component.name}/program.ts`);
      }
    }
  }
  return problems;
}

describe("package skeleton", () => {
  const all = workspacePackages();
  const published = all.filter((pkg) => pkg.folder.startsWith("library/") || pkg.folder.startsWith("packages/"));

  it("checks what it should", () => {
    expect(published.map((pkg) => pkg.json.name)).toContain("@highstate/contract");
    const broken = { folder: "packages/broken", dir: "/nonexistent", json: { name: "broken", version: "x", exports: {} } } as WorkspacePackage;
    expect(skeletonProblems(broken)).toEqual(
      expect.arrayContaining(['package.json name is "broken", expected "@highstate/broken"', "missing README.md", "no components under src/components/"]),
    );
  });

  for (const pkg of published) {
    it(`${pkg.json.name} has the package skeleton`, () => {
      expect(skeletonProblems(pkg)).toEqual([]);
    });
  }

  for (const pkg of all) {
    const script = (pkg.json as { scripts?: Record<string, string> }).scripts?.test;
    if (!script) continue;
    it(`${pkg.json.name}'s test script runs its own Vitest project of the root config`, () => {
      const config = /--config\s+(\S+)/.exec(script)?.[1];
      expect(config, `"${script}" must name the root vitest.config.ts`).toBeDefined();
      expect(join(pkg.dir, config!)).toBe(join(repositoryRoot, "vitest.config.ts"));
      expect(script).toContain(`--project ${pkg.json.name}`);
    });
  }

  it("the repository checks depend on every published package, so they are built before publint runs", () => {
    const tooling = all.find((pkg) => pkg.json.name === "@highstate/tooling")!;
    const missing = published.map((pkg) => pkg.json.name).filter((name) => !tooling.json.devDependencies?.[name]);
    expect(missing, "add them to tooling/package.json devDependencies").toEqual([]);
  });
});
