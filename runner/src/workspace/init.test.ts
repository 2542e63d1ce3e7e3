import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { findWorkspaceRoot, initWorkspace } from "./init.js";

describe("initWorkspace", () => {
  it("creates package.json, Pulumi.yaml, projects/ and .gitignore in an empty directory", async () => {
    const parent = await testdir();
    const dir = join(parent, "My Infra");
    const result = await initWorkspace(dir, { dependencies: { "@highstate/common": "^0.1.0" } });
    expect(result.created.map((path) => path.slice(dir.length + 1)).sort()).toEqual([
      ".gitignore",
      "Pulumi.yaml",
      "package.json",
      "projects",
    ]);
    expect(JSON.parse(await readFile(join(dir, "package.json"), "utf8"))).toEqual({
      name: "my-infra",
      private: true,
      type: "module",
      dependencies: { "@highstate/common": "^0.1.0" },
    });
    expect(await readFile(join(dir, "Pulumi.yaml"), "utf8")).toMatch(/^name: my-infra\nruntime: nodejs\ndescription: /);
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe(".highstate/\nnode_modules/\n");
  });

  it("never clobbers existing files and appends .highstate/ to an existing .gitignore once", async () => {
    const dir = await testdir({ "package.json": '{"name":"mine"}', "Pulumi.yaml": "name: mine\n", ".gitignore": "node_modules" });
    const result = await initWorkspace(dir);
    expect(result.created).toEqual([join(dir, "projects")]);
    expect(result.updated).toEqual([join(dir, ".gitignore")]);
    expect(await readFile(join(dir, "package.json"), "utf8")).toBe('{"name":"mine"}');
    expect(await readFile(join(dir, "Pulumi.yaml"), "utf8")).toBe("name: mine\n");
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe("node_modules\n.highstate/\n");
    const again = await initWorkspace(dir);
    expect(again).toEqual({ root: dir, created: [], updated: [] });
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe("node_modules\n.highstate/\n");
  });

  it("accepts other spellings of the ignore lines, and adds only the one missing", async () => {
    const dir = await testdir({ ".gitignore": "/.highstate\n/node_modules/\n" });
    expect((await initWorkspace(dir)).updated).toEqual([]);
    const partial = await testdir({ ".gitignore": ".highstate\n" });
    expect((await initWorkspace(partial)).updated).toEqual([join(partial, ".gitignore")]);
    expect(await readFile(join(partial, ".gitignore"), "utf8")).toBe(".highstate\nnode_modules/\n");
  });

  it("finds the workspace root from a nested directory", async () => {
    const dir = await testdir();
    await initWorkspace(dir);
    await mkdir(join(dir, "deep", "er"), { recursive: true });
    expect(await findWorkspaceRoot(join(dir, "deep", "er"))).toBe(dir);
    expect(await readdir(dir)).toContain("projects");
  });
});
