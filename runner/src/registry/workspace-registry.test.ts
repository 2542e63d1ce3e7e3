import { mkdir, readFile, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import {
  definitionsSource,
  ensureContractBuilt,
  installPackage,
  installPlainPackage,
  linkContract,
  writePackage,
} from "./__fixtures__/plugin-workspace.js";
import { definitionsFileRoots, packageFilesDigest } from "./cache.js";
import { discoverPluginPackages } from "./discover.js";
import { DuplicateDefinitionError, NoSuchComponentError } from "./errors.js";
import { loadWorkspaceRegistry } from "./workspace-registry.js";

beforeAll(() => ensureContractBuilt(), 120_000);

/** A workspace with a package.json, an empty `.highstate/` and the contract linked in. */
async function workspace(extra: Record<string, unknown> = {}): Promise<string> {
  const dir = await testdir({
    "package.json": JSON.stringify({ name: "infra", private: true, ...extra }),
    ".highstate/.keep": "",
  });
  await linkContract(join(dir, "node_modules"));
  return dir;
}

describe("discoverPluginPackages", () => {
  it("finds hoisted, nested, scoped, unscoped, symlinked and workspace packages the way Node resolves them", async () => {
    const dir = await workspace({ workspaces: ["components/*"] });
    const nm = join(dir, "node_modules");
    await installPackage(nm, {
      name: "@acme/base",
      version: "2.0.0",
      components: [{ type: "base.thing.v1", outputEntity: "base.item.v1" }],
    });
    await installPackage(nm, {
      name: "widgets",
      version: "0.3.1",
      components: [{ type: "widgets.widget.v1" }],
      dependencies: { "@acme/base": "^2.0.0" },
    });
    // A nested copy of @acme/base (another version, only used by `widgets`) is shadowed by the hoisted one.
    await installPackage(join(nm, "widgets", "node_modules"), {
      name: "@acme/base",
      version: "1.0.0",
      components: [{ type: "base.old.v1" }],
    });
    // A plugin installed only nested (version conflict elsewhere) is still installed, so it is found.
    await installPackage(join(nm, "widgets", "node_modules"), {
      name: "gadgets",
      version: "5.0.0",
      components: [{ type: "gadgets.gadget.v1" }],
    });
    await installPlainPackage(nm, "left-pad");
    await installPlainPackage(nm, "@types/node");
    await writeFile(join(nm, ".yarn-state.yml"), "# yarn node-modules linker state\n");
    await mkdir(join(nm, ".bin"));
    // A workspace package linked into node_modules (npm and yarn link them) and one that is not linked.
    await writePackage(join(dir, "components", "linked"), { name: "linked-components", components: [{ type: "linked.one.v1" }] });
    await symlink(join(dir, "components", "linked"), join(nm, "linked-components"), "dir");
    await writePackage(join(dir, "components", "local"), { name: "local-components", components: [{ type: "local.one.v1" }] });

    const result = await discoverPluginPackages(dir);

    expect(result.problems).toEqual([]);
    const summary = result.packages.map((pkg) => [pkg.name, pkg.version, pkg.linked]);
    expect(summary).toEqual([
      ["@acme/base", "2.0.0", false],
      ["gadgets", "5.0.0", false],
      ["linked-components", "1.0.0", true],
      ["local-components", "1.0.0", true],
      ["widgets", "0.3.1", false],
    ]);
    expect(result.packages.find((pkg) => pkg.name === "gadgets")!.definitionsFile).toBe(
      join(nm, "widgets", "node_modules", "gadgets", "dist", "index.js"),
    );

    const loaded = await loadWorkspaceRegistry(dir, { cache: false });
    expect(loaded.problems).toEqual([]);
    expect(Object.keys(loaded.registry.components)).toEqual([
      "base.thing.v1",
      "gadgets.gadget.v1",
      "linked.one.v1",
      "local.one.v1",
      "widgets.widget.v1",
    ]);
    expect(loaded.registry.components["widgets.widget.v1"]!.package).toEqual({ name: "widgets", version: "0.3.1" });
    expect(loaded.registry.components["base.thing.v1"]!.outputs).toEqual({
      out: { entity: "base.item.v1", required: true, multiple: false },
    });
    expect(loaded.registry.entities["base.item.v1"]!.package).toEqual({ name: "@acme/base", version: "2.0.0" });
  });

  it("orders packages after the plugins they depend on", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    await installPackage(nm, { name: "aaa-apps", components: [{ type: "apps.app.v1" }], dependencies: { "zzz-core": "1" } });
    await installPackage(nm, { name: "zzz-core", components: [{ type: "core.core.v1" }] });
    const result = await discoverPluginPackages(dir);
    expect(result.packages.map((pkg) => pkg.name)).toEqual(["zzz-core", "aaa-apps"]);
  });

  it("finds packages hoisted to an ancestor's node_modules (a workspace inside a monorepo)", async () => {
    const root = await testdir({ "package.json": JSON.stringify({ name: "mono", private: true, workspaces: ["infra"] }) });
    await linkContract(join(root, "node_modules"));
    await installPackage(join(root, "node_modules"), { name: "hoisted-plugin", components: [{ type: "hoisted.one.v1" }] });
    await mkdir(join(root, "infra"));
    await writeFile(join(root, "infra", "package.json"), JSON.stringify({ name: "infra", private: true }));
    const result = await discoverPluginPackages(join(root, "infra"));
    expect(result.packages.map((pkg) => pkg.name)).toEqual(["hoisted-plugin"]);
  });

  it("reports a marker without a definitions path and a definitions module that does not exist", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    await installPackage(nm, { name: "bad-marker", marker: true });
    await installPackage(nm, { name: "unbuilt", marker: { definitions: "./lib/missing.js" } });
    await installPackage(nm, { name: "good", components: [{ type: "good.one.v1" }] });
    const result = await discoverPluginPackages(dir);
    expect(result.packages.map((pkg) => pkg.name)).toEqual(["good"]);
    expect(result.problems.map((problem) => [problem.code, problem.packages])).toEqual([
      ["invalid-marker", ["bad-marker"]],
      ["missing-definitions", ["unbuilt"]],
    ]);
    expect(result.problems[0]!.message).toContain('Package "bad-marker@1.0.0" has a "highstate" field');
    expect(result.problems[1]!.message).toContain('Package "unbuilt@1.0.0" declares its definitions at "./lib/missing.js"');
  });
});

describe("loadWorkspaceRegistry", () => {
  it("reports a package whose definitions fail to import, naming it and the cause, and loads the rest", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    await installPackage(nm, { name: "broken-plugin", version: "0.0.7", source: 'throw new Error("boom at load");\n' });
    await installPackage(nm, { name: "syntax-plugin", source: "export const = ;\n" });
    await installPackage(nm, { name: "fine-plugin", components: [{ type: "fine.one.v1" }] });

    const loaded = await loadWorkspaceRegistry(dir);

    expect(Object.keys(loaded.registry.components)).toEqual(["fine.one.v1"]);
    const problems = loaded.problems.filter((problem) => problem.code === "import-failed");
    expect(problems.map((problem) => problem.packages)).toEqual([["broken-plugin"], ["syntax-plugin"]]);
    expect(problems[0]!.message).toMatch(
      /^Could not load the definitions of package "broken-plugin@0\.0\.7" from ".*broken-plugin\/dist\/index\.js": boom at load; reinstall or update the package$/,
    );
    expect(problems[0]!.cause).toBe("boom at load");
    expect(problems[1]!.message).toContain('"syntax-plugin@1.0.0"');
    // An import failure may be fixed by installing a dependency, which changes no key: nothing is cached.
    await expect(readFile(join(dir, ".highstate", "cache", "registry.json"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("reports a component type defined by two packages, naming both, and leaves it out", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    await installPackage(nm, {
      name: "first-plugin",
      version: "1.2.0",
      components: [{ type: "shared.thing.v1" }, { type: "first.own.v1" }],
    });
    await installPackage(nm, {
      name: "@other/plugin",
      version: "3.0.0",
      components: [{ type: "shared.thing.v1" }, { type: "other.own.v1" }],
    });

    const loaded = await loadWorkspaceRegistry(dir);

    expect(Object.keys(loaded.registry.components)).toEqual(["first.own.v1", "other.own.v1"]);
    expect(loaded.problems).toEqual([
      {
        code: "duplicate-type",
        severity: "error",
        packages: ["@other/plugin", "first-plugin"],
        type: "shared.thing.v1",
        message:
          'Component "shared.thing.v1" is defined by both "@other/plugin@3.0.0" and "first-plugin@1.2.0"; it is left out of the registry until you uninstall one of them or its author renames the type',
      },
    ]);
    const error = await loaded.getComponent("shared.thing.v1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DuplicateDefinitionError);
    expect((error as Error).message).toBe(
      'Component "shared.thing.v1" is defined by more than one package ("@other/plugin" and "first-plugin"); uninstall one of them or ask its author to rename the type',
    );
  });

  it("reports an entity exported by two packages and keeps the first", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    await installPackage(nm, { name: "ent-a", entities: ["shared.entity.v1"] });
    await installPackage(nm, { name: "ent-b", entities: ["shared.entity.v1"] });
    const loaded = await loadWorkspaceRegistry(dir, { cache: false });
    expect(loaded.registry.entities["shared.entity.v1"]!.package.name).toBe("ent-a");
    expect(loaded.problems.map((problem) => [problem.code, problem.severity, problem.packages])).toEqual([
      ["duplicate-type", "warning", ["ent-a", "ent-b"]],
    ]);
  });

  it("starts from the cache when nothing changed and rebuilds after a version bump", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    const counter = `highstate-test-counter-${Math.random()}`;
    const globals = globalThis as unknown as Record<string, number | undefined>;
    await installPackage(nm, { name: "cached-plugin", version: "1.0.0", components: [{ type: "cached.one.v1" }], counter });

    const cold = await loadWorkspaceRegistry(dir);
    expect(cold.fromCache).toBe(false);
    expect(globals[counter]).toBe(1);
    const cacheFile = JSON.parse(await readFile(join(dir, ".highstate", "cache", "registry.json"), "utf8")) as { key: string };
    expect(cacheFile.key).toBe(cold.cacheKey);

    const warm = await loadWorkspaceRegistry(dir);
    expect(warm.fromCache).toBe(true);
    expect(warm.registry).toEqual(cold.registry);
    expect(globals[counter]).toBe(1);

    // Live definitions are imported lazily, from the one package that is needed.
    const live = await warm.getComponent("cached.one.v1");
    expect(live.package).toEqual({ name: "cached-plugin", version: "1.0.0" });
    expect(live.component.argsSchema.parse({})).toEqual({ size: 1 });
    await expect(warm.getComponent("missing.thing.v1")).rejects.toBeInstanceOf(NoSuchComponentError);

    // `npm update`: a new version with another component.
    await installPackage(nm, {
      name: "cached-plugin",
      version: "1.1.0",
      components: [{ type: "cached.one.v1" }, { type: "cached.two.v1" }],
      counter,
    });
    const updated = await loadWorkspaceRegistry(dir);
    expect(updated.fromCache).toBe(false);
    expect(updated.cacheKey).not.toBe(cold.cacheKey);
    expect(Object.keys(updated.registry.components)).toEqual(["cached.one.v1", "cached.two.v1"]);
    expect(updated.registry.components["cached.one.v1"]!.package.version).toBe("1.1.0");
    expect((await loadWorkspaceRegistry(dir)).fromCache).toBe(true);
  });

  it("rebuilds when only the version changes, and when a linked package's definitions are rebuilt", async () => {
    const dir = await workspace({ workspaces: ["components/*"] });
    const nm = join(dir, "node_modules");
    await installPackage(nm, { name: "versioned", version: "1.0.0", components: [{ type: "versioned.one.v1" }] });
    const linked = await writePackage(join(dir, "components", "mine"), { name: "mine", components: [{ type: "mine.one.v1" }] });
    const first = await loadWorkspaceRegistry(dir);
    expect((await loadWorkspaceRegistry(dir)).fromCache).toBe(true);

    const pkgFile = join(nm, "versioned", "package.json");
    await writeFile(pkgFile, (await readFile(pkgFile, "utf8")).replace('"1.0.0"', '"1.0.1"'));
    const bumped = await loadWorkspaceRegistry(dir);
    expect(bumped.fromCache).toBe(false);
    expect(bumped.registry.components["versioned.one.v1"]!.package.version).toBe("1.0.1");

    // A workspace package keeps its version while its author rebuilds it.
    await writePackage(linked, { name: "mine", components: [{ type: "mine.one.v1" }, { type: "mine.two.v1", title: "Second" }] });
    const rebuilt = await loadWorkspaceRegistry(dir);
    expect(rebuilt.fromCache).toBe(false);
    expect(rebuilt.registry.components["mine.two.v1"]!.meta.title).toBe("Second");
    expect(first.registry.components["mine.two.v1"]).toBeUndefined();
  });

  it("rebuilds when a chunk the definitions module imports changes while the entry file is untouched", async () => {
    const dir = await workspace();
    const pkgDir = await installPackage(join(dir, "node_modules"), {
      name: "chunked",
      source: 'export * from "./chunk-a.js";\n',
    });
    await writeFile(join(pkgDir, "dist", "chunk-a.js"), definitionsSource({ name: "chunked", components: [{ type: "chunked.one.v1" }] }));
    const manifest = JSON.parse(await readFile(join(pkgDir, "package.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(pkgDir, "package.json"), JSON.stringify({ ...manifest, files: ["dist"] }));
    await writeFile(join(pkgDir, "README.md"), "# chunked\n");

    const cold = await loadWorkspaceRegistry(dir);
    expect(Object.keys(cold.registry.components)).toEqual(["chunked.one.v1"]);
    expect((await loadWorkspaceRegistry(dir)).fromCache).toBe(true);

    // A file outside the package's `files` is never loaded by its definitions: the cache stays valid.
    await writeFile(join(pkgDir, "README.md"), "# chunked, documented at length\n");
    expect((await loadWorkspaceRegistry(dir)).fromCache).toBe(true);

    // The chunk is rewritten with content of the same size; only its modification time tells.
    const chunk = join(pkgDir, "dist", "chunk-a.js");
    const text = await readFile(chunk, "utf8");
    await writeFile(chunk, text.replace("chunked.one.v1", "chunked.two.v1"));
    await utimes(chunk, new Date(2030, 0, 1), new Date(2030, 0, 1));
    const changed = await loadWorkspaceRegistry(dir);
    expect(changed.fromCache).toBe(false);
    expect(changed.cacheKey).not.toBe(cold.cacheKey);

    // A new chunk next to it (a rebuild with content-hashed names) changes the key too.
    await writeFile(join(pkgDir, "dist", "chunk-b.js"), "export {};\n");
    const added = await loadWorkspaceRegistry(dir);
    expect(added.fromCache).toBe(false);
    expect(added.cacheKey).not.toBe(changed.cacheKey);
    expect((await loadWorkspaceRegistry(dir)).fromCache).toBe(true);
  });

  it("fingerprints the folders a package's files field names, or the whole package without one", async () => {
    expect(definitionsFileRoots(["dist", "README.md"], "./dist/index.js")).toEqual(["README.md", "dist"]);
    expect(definitionsFileRoots(["dist/**/*.js", "!dist/**/*.test.js", "./assets/"], "./lib/definitions.js")).toEqual([
      "assets",
      "dist",
      "lib",
    ]);
    expect(definitionsFileRoots(["*.js"], "./index.js")).toEqual([""]);
    expect(definitionsFileRoots(undefined, "./dist/index.js")).toEqual([""]);
    expect(definitionsFileRoots(["dist", 3], "./dist/index.js")).toEqual([""]);
    expect(definitionsFileRoots(["dist/sub", "dist"], "dist/index.js")).toEqual(["dist"]);

    // Without `files`, every file of the package except node_modules and dot-folders counts.
    const pkgDir = await testdir({
      "package.json": JSON.stringify({ name: "loose" }),
      "dist/index.js": "export {};\n",
      "src/helper.js": "export const a = 1;\n",
      "node_modules/dep/index.js": "",
      ".turbo/log": "",
    });
    const pkg = { realDir: pkgDir, definitions: "./dist/index.js" };
    const before = await packageFilesDigest(pkg);
    await writeFile(join(pkgDir, "node_modules", "dep", "index.js"), "changed\n");
    await writeFile(join(pkgDir, ".turbo", "log"), "changed\n");
    expect(await packageFilesDigest(pkg)).toBe(before);
    await writeFile(join(pkgDir, "src", "helper.js"), "export const a = 22;\n");
    expect(await packageFilesDigest(pkg)).not.toBe(before);
  });

  it("does not create .highstate/ in a folder that has none", async () => {
    const dir = await testdir({ "package.json": JSON.stringify({ name: "bare" }) });
    await linkContract(join(dir, "node_modules"));
    await installPackage(join(dir, "node_modules"), { name: "bare-plugin", components: [{ type: "bare.one.v1" }] });
    const loaded = await loadWorkspaceRegistry(dir);
    expect(Object.keys(loaded.registry.components)).toEqual(["bare.one.v1"]);
    await expect(readFile(join(dir, ".highstate", "cache", "registry.json"))).rejects.toThrow(/ENOENT/);
  });

  it("builds args validators from the live definitions", async () => {
    const dir = await workspace();
    await installPackage(join(dir, "node_modules"), { name: "args-plugin", components: [{ type: "args.one.v1" }] });
    await loadWorkspaceRegistry(dir);
    const warm = await loadWorkspaceRegistry(dir);
    const validate = await warm.argsValidator();
    expect(validate("args.one.v1", { size: 2 })).toEqual([]);
    expect(validate("args.one.v1", { size: "big" })).toEqual([
      { path: "size", message: "Invalid input: expected number, received string" },
    ]);
  });
});
