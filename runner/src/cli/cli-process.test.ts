/**
 * The CLI as a real child process: exit codes, stdout/stderr, piped stdin, and a workspace built the
 * way users build one: packed tarballs of @highstate/contract and a third-party component package
 * installed with npm into a fresh folder outside the repository.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractDir, ensureContractBuilt } from "../registry/__fixtures__/plugin-workspace.js";
import { cliWorkspace, runCliProcess } from "./__fixtures__/cli-harness.js";

const exec = promisify(execFile);
const fixturePackage = resolve(import.meta.dirname, "../../test/fixtures/acme-widgets");

beforeAll(() => ensureContractBuilt(), 120_000);

describe("highstate as a child process", () => {
  it("runs commands, reads secret values from piped stdin and exits with the right codes", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    const added = await runCliProcess(["instances", "add", "acme.machine.v1", "web", "--arg", "size=2"], { cwd: dir });
    expect(added).toEqual({ code: 0, stdout: 'Added "acme.machine.v1:web".\n', stderr: "" });
    const set = await runCliProcess(["secrets", "set", "web", "token"], {
      cwd: dir,
      env: { HIGHSTATE_PASSWORD: "pw" },
      stdin: "piped-value\n",
    });
    expect(set.code).toBe(0);
    expect(await readFile(join(dir, "Pulumi.prod.yaml"), "utf8")).not.toContain("piped-value");
    expect(await runCliProcess(["secrets", "get", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "pw" } })).toEqual({
      code: 0,
      stdout: "piped-value\n",
      stderr: "",
    });

    const error = await runCliProcess(["secrets", "get", "web", "token"], { cwd: dir });
    expect(error).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'Error: The password of project "prod" is needed but there is no terminal to ask for it; set HIGHSTATE_PASSWORD in the environment\n',
    });
    const usage = await runCliProcess(["instances", "add", "acme.machine.v1"], { cwd: dir });
    expect([usage.code, usage.stderr]).toEqual([
      2,
      "Error: Missing argument: usage is `highstate instances add <component type> <name>`\n",
    ]);
  }, 60_000);
});

describe("a workspace installed from packed tarballs", () => {
  let root: string;
  let workspace: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "highstate-packed-"));
    const tarballs = join(root, "tarballs");
    await mkdir(tarballs);
    await exec("npm", ["pack", contractDir, "--pack-destination", tarballs, "--silent"], { cwd: root });
    await exec("npm", ["pack", fixturePackage, "--pack-destination", tarballs, "--silent"], { cwd: root });
    const files = (await readdir(tarballs)).sort();
    expect(files).toEqual(["acme-widgets-1.0.0.tgz", expect.stringMatching(/^highstate-contract-\d+\.\d+\.\d+\.tgz$/)]);
    workspace = join(root, "infra");
    await mkdir(workspace);
    await writeFile(join(workspace, "package.json"), JSON.stringify({ name: "infra", private: true, type: "module" }));
    await exec(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--loglevel=error",
        ...files.map((file) => join(tarballs, file)),
        "zod@^4.1.0",
      ],
      { cwd: workspace, timeout: 240_000 },
    );
  }, 300_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("finds the third-party component with `highstate registry --json`", async () => {
    const installed = JSON.parse(await readFile(join(workspace, "node_modules", "acme-widgets", "package.json"), "utf8")) as {
      highstate: unknown;
    };
    expect(installed.highstate).toEqual({ definitions: "./lib/index.js" });
    const run = await runCliProcess(["registry", "--json"], { cwd: workspace, resolution: "published" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as {
      components: Record<
        string,
        { meta: { title: string }; package: unknown; args: { properties: Record<string, unknown> }; outputs: unknown }
      >;
      entities: Record<string, { package: unknown }>;
      packages: Array<{ name: string; version: string }>;
      problems: unknown[];
    };
    expect(output.problems).toEqual([]);
    expect(output.packages.map((pkg) => [pkg.name, pkg.version])).toEqual([["acme-widgets", "1.0.0"]]);
    const maker = output.components["widgets.maker.v1"]!;
    expect(maker.meta.title).toBe("Widget Maker");
    expect(maker.package).toEqual({ name: "acme-widgets", version: "1.0.0" });
    expect(maker.outputs).toEqual({ widget: { entity: "widgets.widget.v1", required: true, multiple: false } });
    expect(maker.args.properties.size).toMatchObject({ type: "integer", minimum: 1, default: 1, description: "How big the widget is." });
    expect(output.entities["widgets.widget.v1"]!.package).toEqual({ name: "acme-widgets", version: "1.0.0" });
  }, 60_000);
});
