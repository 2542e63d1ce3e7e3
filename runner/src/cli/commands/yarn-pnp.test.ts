import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdir } from "../../test-utils/testdir.js";
import { runCli } from "../__fixtures__/cli-harness.js";

const berryLock = "__metadata:\n  version: 8\n  cacheKey: 10c0\n";

describe("Yarn Plug'n'Play workspaces", () => {
  it("every workspace command stops with one clear error naming the setting and the fix, before doing anything", async () => {
    const dir = await testdir({ "package.json": "{}", "yarn.lock": berryLock, ".pnp.cjs": "", "projects/prod.json": "{}" });
    for (const argv of [["registry"], ["plan"], ["instances", "list"], ["secrets", "list"], ["up", "x"]]) {
      const run = await runCli(argv, { cwd: dir });
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`"${join(dir, ".pnp.cjs")}" shows this workspace uses Yarn Plug'n'Play`);
      expect(run.stderr).toContain(
        "Set `nodeLinker: node-modules` in .yarnrc.yml (`yarn highstate init` does it for you) and run `yarn install`.",
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("init switches the linker to node-modules and says what to run next", async () => {
    const dir = await testdir({ "package.json": "{}", "yarn.lock": berryLock, ".pnp.cjs": "", ".yarnrc.yml": "enableTelemetry: false\n" });
    const run = await runCli(["init"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`set \`nodeLinker: node-modules\` in "${join(dir, ".yarnrc.yml")}".`);
    expect(run.stdout).toContain(
      "Next: run `yarn install` to lay packages out in node_modules, then `yarn highstate init` again to finish.",
    );
    expect(await readFile(join(dir, ".yarnrc.yml"), "utf8")).toBe("enableTelemetry: false\nnodeLinker: node-modules\n");
  });

  it("init in a Yarn 2+ project that uses node_modules sets the linker too, and ignores node_modules in git", async () => {
    const dir = await testdir({
      "package.json": JSON.stringify({ name: "infra", packageManager: "yarn@4.18.1" }),
      "yarn.lock": berryLock,
      node_modules: "",
    });
    const run = await runCli(["init"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  created .yarnrc.yml\n");
    expect(run.stdout).toContain("Set `nodeLinker: node-modules` in .yarnrc.yml: Pulumi's Node.js runtime needs a node_modules folder");
    expect(await readFile(join(dir, ".yarnrc.yml"), "utf8")).toBe("nodeLinker: node-modules\n");
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe(".highstate/\nnode_modules/\n");
  });

  it("doctor reports the package manager and its linker", async () => {
    const pnp = await testdir({ "package.json": "{}", "yarn.lock": berryLock, ".pnp.cjs": "", "projects/.keep": "" });
    const bad = await runCli(["doctor", "--json"], { cwd: pnp });
    const badChecks = (JSON.parse(bad.stdout) as { checks: { name: string; status: string; message: string; hint?: string }[] }).checks;
    expect(badChecks.find((check) => check.name === "package manager")).toEqual({
      name: "package manager",
      status: "error",
      message: `yarn with Plug'n'Play ("${join(pnp, ".pnp.cjs")}"): Pulumi's Node.js runtime needs a node_modules folder`,
      hint: "set `nodeLinker: node-modules` in .yarnrc.yml (`yarn highstate init` does it) and run `yarn install`",
    });
    expect(bad.code).toBe(1);
    const npm = await testdir({ "package.json": "{}", "package-lock.json": "{}", "projects/.keep": "" });
    const good = await runCli(["doctor", "--json"], { cwd: npm, env: { npm_config_user_agent: "npm/11.19.1 node/v24.22.3" } });
    const goodChecks = (JSON.parse(good.stdout) as { checks: { name: string; status: string; message: string }[] }).checks;
    expect(goodChecks.find((check) => check.name === "package manager")).toEqual({
      name: "package manager",
      status: "ok",
      message: "npm 11.19.1 (node_modules; from package-lock.json)",
    });
  });
});
