/**
 * Every library and domain package has the same skeleton (CONVENTIONS.md "Package skeleton"), so a
 * reader who knows one knows them all, and the build, tests and discovery treat them alike. Domain
 * packages are held to the component package template (`highstate create-package`, in
 * runner/src/scaffold/template.ts), which third-party packages come from too, and to the package
 * checks: definitions load no Pulumi, registry snapshot, `source` = `{ package: <name>, path: <folder> }`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type AnyComponent, buildRegistry, type Entity, isComponent, isEntity } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import type { PluginPackage } from "../../runner/src/registry/discover.js";
import { definitionsPulumiChains } from "../../runner/src/registry/pulumi-imports.js";
import {
  componentExport,
  nodeEngine,
  packageFiles,
  peerRanges,
  pluginMarker,
  templateFiles,
  tsupConfigSource,
} from "../../runner/src/scaffold/template.js";
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
    if (keys.join(",") !== conditionOrder.join(","))
      problems.push(`exports["${subpath}"] conditions are ${keys.join(", ")}; expected ${conditionOrder.join(", ")}`);
    const source = (target as Record<string, string>)["@highstate/source"];
    if (source && !existsSync(join(dir, source))) problems.push(`exports["${subpath}"] source "${source}" does not exist`);
  }
  for (const file of ["README.md", "tsconfig.json", "tsup.config.ts", "src/index.ts"]) {
    if (!existsSync(join(dir, file))) problems.push(`missing ${file}`);
  }
  if (existsSync(join(dir, "tsup.config.ts")) && !readFileSync(join(dir, "tsup.config.ts"), "utf8").includes("defineHighstateConfig")) {
    problems.push("tsup.config.ts must call the shared defineHighstateConfig factory");
  }
  if (folder.startsWith("packages/")) problems.push(...templateProblems(pkg));
  if (existsSync(join(dir, "tsconfig.json")) && !readFileSync(join(dir, "tsconfig.json"), "utf8").includes("tsconfig.base.json")) {
    problems.push("tsconfig.json must extend ../../tsconfig.base.json");
  }
  const peers = json.peerDependencies ?? {};
  if (!peers.zod) problems.push("zod must be a peer dependency");
  if (folder.startsWith("packages/")) {
    if (!peers["@pulumi/pulumi"]) problems.push("@pulumi/pulumi must be a peer dependency");
    if (json.highstate?.definitions !== "./dist/index.js")
      problems.push('package.json needs the plugin marker "highstate": { "definitions": "./dist/index.js" }');
    const index = existsSync(join(dir, "src/index.ts")) ? readFileSync(join(dir, "src/index.ts"), "utf8") : "";
    if (/@pulumi\//.test(index)) problems.push("src/index.ts exports definitions only and must not import Pulumi");
    const componentsDir = join(dir, "src/components");
    const components = existsSync(componentsDir)
      ? readdirSync(componentsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory())
      : [];
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

/**
 * How a domain package differs from the component package template, each problem saying what to
 * change. The template is what `highstate create-package` writes for third parties.
 */
export function templateProblems(pkg: WorkspacePackage): string[] {
  const problems: string[] = [];
  const { json, dir } = pkg;
  const manifest = json as WorkspacePackage["json"] & { engines?: Record<string, string>; files?: string[] };
  if (JSON.stringify(json.highstate) !== JSON.stringify(pluginMarker)) {
    problems.push(`package.json "highstate" must be ${JSON.stringify(pluginMarker)} (the plugin marker the runner discovers packages by)`);
  }
  if (manifest.engines?.node !== nodeEngine) problems.push(`package.json must say "engines": { "node": "${nodeEngine}" }`);
  const hasTypeTests =
    existsSync(join(dir, "src")) && readdirSync(join(dir, "src"), { recursive: true }).some((file) => String(file).endsWith(".test-d.ts"));
  for (const pattern of packageFiles) {
    // Type tests only need leaving out where there are some.
    if (pattern === "!src/**/*.test-d.ts" && !hasTypeTests) continue;
    if (!manifest.files?.includes(pattern))
      problems.push(
        `package.json "files" must include ${JSON.stringify(pattern)} (it is ${JSON.stringify(manifest.files ?? [])}; the template's is ${JSON.stringify(packageFiles)})`,
      );
  }
  for (const [peer, range] of Object.entries(peerRanges)) {
    if (json.dependencies?.[peer])
      problems.push(
        `${peer} is in "dependencies": move it to "peerDependencies" ("${range}") and "devDependencies", so the workspace has one copy and tsup does not bundle it`,
      );
  }
  if (!json.dependencies?.["@highstate/contract"]) problems.push('"@highstate/contract" must be in "dependencies" (a caret range)');
  const tsup = existsSync(join(dir, "tsup.config.ts")) ? readFileSync(join(dir, "tsup.config.ts"), "utf8") : undefined;
  // The monorepo's tooling/tsup.ts re-exports the same factory, so packages written before the template may keep it.
  const monorepoTsup = tsupConfigSource.replace("@highstate/contract/build", "../../tooling/tsup.ts");
  if (tsup !== undefined && tsup !== tsupConfigSource && tsup !== monorepoTsup) {
    problems.push(
      `tsup.config.ts must be exactly the template's, which needs nothing outside the package:\n${tsupConfigSource}(it imports ${/from\s+"([^"]+)"/.exec(tsup)?.[1] ?? "something else"})`,
    );
  }
  const exports = (json.exports ?? {}) as Record<string, unknown>;
  const componentsDir = join(dir, "src/components");
  const folders = existsSync(componentsDir)
    ? readdirSync(componentsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : [];
  for (const folder of folders) {
    const expected = componentExport(folder);
    if (JSON.stringify(exports[`./${folder}`]) !== JSON.stringify(expected)) {
      problems.push(`exports["./${folder}"] must be ${JSON.stringify(expected)}`);
    }
  }
  return problems;
}

/** What a component's `source` must be: its package, and the folder of its program. */
export function sourceProblems(name: string, folders: readonly string[], components: readonly AnyComponent[]): string[] {
  const problems: string[] = [];
  for (const component of components) {
    const source = component.source;
    if (!source) continue;
    if (source.package !== name || !folders.includes(source.path)) {
      problems.push(
        `component "${component.type}" has source ${JSON.stringify(source)}; it must be { package: "${name}", path: "<folder>" } with <folder> one of src/components/{${folders.join(",")}}`,
      );
    }
  }
  return problems;
}

describe("the component package template", () => {
  it("generates, for the monorepo, a package that passes these checks (as every first-party package must)", () => {
    const dir = mkdtempSync(join(tmpdir(), "highstate-template-"));
    try {
      const files = templateFiles({
        name: "@highstate/example",
        domain: "example",
        contractRange: "^0.1.0",
        pulumiRange: "^0.1.0",
        layout: "monorepo",
      });
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      const generated: WorkspacePackage = { folder: "packages/example", dir, json: JSON.parse(files["package.json"]!) };
      expect(skeletonProblems(generated)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("domain packages (the package checks, once for every package)", () => {
  const domain = workspacePackages().filter((pkg) => pkg.folder.startsWith("packages/"));

  it("import their built definitions without loading Pulumi (the chain names the module that pulled it in)", async () => {
    const packages = domain.map(
      (pkg) => ({ name: pkg.json.name, realDir: pkg.dir, definitionsFile: join(pkg.dir, "dist/index.js") }) as PluginPackage,
    );
    const unbuilt = packages.filter((pkg) => !existsSync(pkg.definitionsFile)).map((pkg) => pkg.name);
    expect(unbuilt, "build them first: npx turbo run build --filter=@highstate/tooling...").toEqual([]);
    const chains = await definitionsPulumiChains(packages);
    const loading = [...chains].map(
      ([name, chain]) =>
        `${name}: ${chain.join(" → ")} (export only entities and components from src/index.ts; Pulumi code goes in program subpaths)`,
    );
    expect(loading).toEqual([]);
  }, 120_000);

  for (const pkg of domain) {
    it(`${pkg.json.name}: registry snapshot, and every source names the package and a component folder`, async () => {
      const values: unknown[] = Object.values((await import(/* @vite-ignore */ pkg.json.name)) as Record<string, unknown>);
      const entities = values.filter(isEntity) as Entity[];
      const components = values.filter(isComponent);
      const componentsDir = join(pkg.dir, "src/components");
      const folders = existsSync(componentsDir)
        ? readdirSync(componentsDir, { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => entry.name)
        : [];
      expect(sourceProblems(pkg.json.name, folders, components)).toEqual([]);
      const registry = buildRegistry([{ package: { name: pkg.json.name, version: "0.0.0-snapshot" }, entities, components }]);
      await expect(
        `${JSON.stringify(registry, null, 2)}\n`,
        `${pkg.folder}/src/__snapshots__/registry.json (run the test with -u to accept a change)`,
      ).toMatchFileSnapshot(join(pkg.dir, "src/__snapshots__/registry.json"));
    });
  }
});

describe("package skeleton", () => {
  const all = workspacePackages();
  const published = all.filter((pkg) => pkg.folder.startsWith("library/") || pkg.folder.startsWith("packages/"));

  it("checks what it should", () => {
    expect(published.map((pkg) => pkg.json.name)).toContain("@highstate/contract");
    const broken = {
      folder: "packages/broken",
      dir: "/nonexistent",
      json: { name: "broken", version: "x", exports: {} },
    } as WorkspacePackage;
    expect(skeletonProblems(broken)).toEqual(
      expect.arrayContaining([
        'package.json name is "broken", expected "@highstate/broken"',
        "missing README.md",
        "no components under src/components/",
      ]),
    );
    const copiedOld = {
      ...broken,
      json: { ...broken.json, highstate: { definitions: "./dist/index.js" }, dependencies: { "@pulumi/pulumi": "^3.0.0" } },
    } as WorkspacePackage;
    expect(templateProblems(copiedOld)).toEqual(
      expect.arrayContaining([
        '@pulumi/pulumi is in "dependencies": move it to "peerDependencies" ("^3.200.0") and "devDependencies", so the workspace has one copy and tsup does not bundle it',
        '"@highstate/contract" must be in "dependencies" (a caret range)',
      ]),
    );
    const fake = { type: "x.y.v1", source: { package: "@highstate/other", path: "y" } } as unknown as AnyComponent;
    expect(sourceProblems("@highstate/x", ["y"], [fake])).toEqual([
      'component "x.y.v1" has source {"package":"@highstate/other","path":"y"}; it must be { package: "@highstate/x", path: "<folder>" } with <folder> one of src/components/{y}',
    ]);
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
