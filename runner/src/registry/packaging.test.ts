import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliWorkspace, runCli } from "../cli/__fixtures__/cli-harness.js";
import { testdir } from "../test-utils/testdir.js";
import { definitionsSource, ensureContractBuilt, installPackage, linkContract } from "./__fixtures__/plugin-workspace.js";
import { exportsSubpath } from "./packaging.js";
import { loadWorkspaceRegistry } from "./workspace-registry.js";

beforeAll(() => ensureContractBuilt(), 120_000);

async function workspace(): Promise<string> {
  const dir = await testdir({ "package.json": JSON.stringify({ name: "infra", private: true }), ".highstate/.keep": "" });
  await linkContract(join(dir, "node_modules"));
  return dir;
}

describe("exportsSubpath", () => {
  it("follows Node's exports: exact keys, * patterns, null targets, no subpaths without an exports map", () => {
    const exports = {
      ".": "./dist/index.js",
      "./cluster": { import: "./dist/cluster.js" },
      "./hidden": null,
      "./units/*": "./dist/units/*.js",
    };
    expect(exportsSubpath(exports, "./cluster")).toBe(true);
    expect(exportsSubpath(exports, "./units/vm")).toBe(true);
    expect(exportsSubpath(exports, "./hidden")).toBe(false);
    expect(exportsSubpath(exports, "./node")).toBe(false);
    expect(exportsSubpath("./dist/index.js", "./cluster")).toBe(false);
    expect(exportsSubpath({ import: "./dist/index.js" }, "./cluster")).toBe(false);
    expect(exportsSubpath(undefined, "./cluster")).toBe(false);
  });
});

describe("packaging problems of the registry", () => {
  it("name the package, the component and the fix, and mark the component", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    await installPackage(nm, { name: "good-units", components: [{ type: "good.thing.v1" }] });
    // source.package names another package (e.g. copied from a template and not renamed).
    await installPackage(nm, {
      name: "renamed-units",
      source: definitionsSource({ name: "template-units", components: [{ type: "renamed.thing.v1" }] }),
    });
    // source.path "unit" is not exported: only "." is.
    await installPackage(nm, {
      name: "unexported-units",
      components: [{ type: "unexported.thing.v1" }],
      exports: { ".": "./dist/index.js", "./package.json": "./package.json" },
    });

    const loaded = await loadWorkspaceRegistry(dir, { cache: false });
    expect(loaded.problems.map((problem) => [problem.code, problem.packages, problem.type])).toEqual([
      ["source-package-mismatch", ["renamed-units"], "renamed.thing.v1"],
      ["source-path-not-exported", ["unexported-units"], "unexported.thing.v1"],
    ]);
    expect(loaded.problems.every((problem) => problem.severity === "error")).toBe(true);
    expect(loaded.problems[0]!.message).toBe(
      'Component "renamed.thing.v1" is exported by package "renamed-units@1.0.0", but its source.package is "template-units", so the runner would look for its program in another package: set source: { package: "renamed-units", path: "unit" } in its definition',
    );
    expect(loaded.problems[1]!.message).toBe(
      'Component "unexported.thing.v1" of package "unexported-units@1.0.0" has source.path "unit", but the package\'s package.json "exports" has no "./unit" subpath, so the runner cannot import "unexported-units/unit": add "./unit": { "types": "./dist/components/unit/program.d.ts", "import": "./dist/components/unit/program.js" } to "exports" (or fix source.path)',
    );
    expect(loaded.registry.components["good.thing.v1"]!.problems).toBeUndefined();
    expect(loaded.registry.components["renamed.thing.v1"]!.problems).toEqual([
      { code: "source-package-mismatch", message: loaded.problems[0]!.message },
    ]);
    expect(loaded.registry.components["unexported.thing.v1"]!.problems?.map((problem) => problem.code)).toEqual([
      "source-path-not-exported",
    ]);

    // The problems are cached with the registry: a second start reports them without importing anything.
    await loadWorkspaceRegistry(dir);
    const cached = await loadWorkspaceRegistry(dir);
    expect(cached.fromCache).toBe(true);
    expect(cached.problems.map((problem) => problem.code)).toEqual(["source-package-mismatch", "source-path-not-exported"]);
    expect(cached.registry.components["renamed.thing.v1"]!.problems).toHaveLength(1);
  });

  it("report a definitions module that loads Pulumi with the module that pulled it in", async () => {
    const dir = await workspace();
    const nm = join(dir, "node_modules");
    // A stand-in for @pulumi/pulumi: what matters is that the module is loaded at all.
    await mkdir(join(nm, "@pulumi", "pulumi"), { recursive: true });
    await writeFile(
      join(nm, "@pulumi", "pulumi", "package.json"),
      JSON.stringify({ name: "@pulumi/pulumi", version: "3.0.0", main: "index.js" }),
    );
    await writeFile(join(nm, "@pulumi", "pulumi", "index.js"), "exports.Config = class Config {};\n");
    const pkgDir = await installPackage(nm, {
      name: "leaky-units",
      source: `${definitionsSource({ name: "leaky-units", components: [{ type: "leaky.thing.v1" }] })}export { helper } from "./helpers.js";\n`,
    });
    await writeFile(
      join(pkgDir, "dist", "helpers.js"),
      'import * as pulumi from "@pulumi/pulumi";\nexport const helper = () => new pulumi.Config();\n',
    );
    await installPackage(nm, { name: "clean-units", components: [{ type: "clean.thing.v1" }] });

    const loaded = await loadWorkspaceRegistry(dir, { cache: false });
    expect(loaded.problems).toHaveLength(1);
    const [problem] = loaded.problems;
    expect(problem).toMatchObject({ code: "definitions-load-pulumi", severity: "error", packages: ["leaky-units"] });
    expect(problem!.message).toContain(
      'The definitions module "./dist/index.js" of package "leaky-units@1.0.0" loads Pulumi ("@pulumi/pulumi/index.js", imported by "leaky-units/dist/helpers.js"',
    );
    expect(problem!.message).toContain("chain: leaky-units/dist/index.js → leaky-units/dist/helpers.js → @pulumi/pulumi/index.js");
    expect(problem!.message).toContain("make @pulumi/pulumi a peer dependency");
    expect(loaded.registry.components["leaky.thing.v1"]!.problems?.map((item) => item.code)).toEqual(["definitions-load-pulumi"]);
    expect(loaded.registry.components["clean.thing.v1"]!.problems).toBeUndefined();
  });
});

describe("the CLI with a broken package", () => {
  /** The fixture workspace with "./app" dropped from acme-components' exports; project "prod" has machine "web" and app "shop". */
  async function broken(): Promise<string> {
    const dir = await cliWorkspace({ project: "prod" });
    const file = join(dir, "node_modules/acme-components/package.json");
    const pkg = JSON.parse(await readFile(file, "utf8")) as { exports: Record<string, string> };
    delete pkg.exports["./app"];
    await writeFile(file, JSON.stringify(pkg));
    expect(await runCli(["instances", "add", "acme.machine.v1", "web"], { cwd: dir })).toMatchObject({ code: 0, stderr: "" });
    const shop = await runCli(["instances", "add", "acme.app.v1", "shop", "--input", "server=web.server"], { cwd: dir });
    expect(shop.code).toBe(0);
    expect(shop.stderr).toContain(
      'Warning: "acme.app.v1:shop" cannot run until its package is fixed: Component "acme.app.v1" of package "acme-components@1.0.0" has source.path "app"',
    );
    return dir;
  }
  const fix = 'add "./app": { "types": "./dist/components/app/program.d.ts", "import": "./dist/components/app/program.js" } to "exports"';

  it("registry and doctor report it and fail; plan shows the instance blocked; up refuses it before anything runs", async () => {
    const dir = await broken();
    const registry = await runCli(["registry", "--no-cache"], { cwd: dir });
    expect(registry.code).toBe(1);
    expect(registry.stdout).toContain('error: Component "acme.app.v1" of package "acme-components@1.0.0" has source.path "app"');
    expect(registry.stdout).toContain(fix);
    const json = JSON.parse((await runCli(["registry", "--json"], { cwd: dir })).stdout) as {
      components: Record<string, { problems?: unknown[] }>;
      problems: Array<{ code: string }>;
    };
    expect(json.problems.map((problem) => problem.code)).toEqual(["source-path-not-exported"]);
    expect(json.components["acme.app.v1"]!.problems).toHaveLength(1);

    const doctor = await runCli(["doctor"], { cwd: dir, env: { PATH: process.env.PATH ?? "" } });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/\[FAIL\] package acme-components: Component "acme\.app\.v1" .*has source\.path "app"/);

    const plan = JSON.parse((await runCli(["plan", "--project", "prod", "--json"], { cwd: dir })).stdout) as {
      blocked: Record<string, string>;
    };
    expect(plan.blocked["acme.app.v1:shop"]).toContain(fix);
    expect(plan.blocked["acme.machine.v1:web"]).toBeUndefined();

    const env = { HIGHSTATE_PASSWORD: "pw", HIGHSTATE_ENGINE: "fake" };
    const up = await runCli(["up", "shop", "--project", "prod", "--include-dependencies"], { cwd: dir, env });
    // A configuration problem found before anything runs: exit code 2.
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(
      'Instance "acme.app.v1:shop" cannot run: Component "acme.app.v1" of package "acme-components@1.0.0" has source.path "app"',
    );
    expect(up.stdout).not.toContain("▶");
    // The intact component of the same package still runs.
    expect((await runCli(["up", "web", "--project", "prod"], { cwd: dir, env })).code).toBe(0);
  });
});
