import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { emptyProject } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { UnreadableFileError } from "../fs/errors.js";
import { testdir } from "../test-utils/testdir.js";
import { projectVersion } from "./__fixtures__/project-versions.js";
import { sampleProject } from "./__fixtures__/projects.js";
import { InvalidProjectNameError, ProjectAlreadyExistsError, ProjectHasResourcesError, ProjectNotFoundError } from "./errors.js";
import { InstanceStateStore } from "./instance-state.js";
import { parseProjectFile, serializeProject } from "./project-file.js";

const canonicalSample = () => parseProjectFile(serializeProject(sampleProject()), "sample.json");

import { ProjectStore } from "./project-store.js";

describe("ProjectStore", () => {
  it("creates, lists, loads and saves projects", async () => {
    const dir = await testdir();
    const store = new ProjectStore(dir);
    expect(await store.list()).toEqual([]);
    await store.create("prod", sampleProject());
    await store.create("dev");
    await writeFile(join(dir, "projects", "Not A Project.json"), "{}");
    expect(await store.list()).toEqual(["dev", "prod"]);
    expect(await store.load("dev")).toEqual(emptyProject());
    expect(await store.load("prod")).toEqual(canonicalSample());
    expect(await readFile(join(dir, "projects", "dev.json"), "utf8")).toBe('{\n  "version": 1\n}\n');
    await expect(store.create("dev")).rejects.toBeInstanceOf(ProjectAlreadyExistsError);
    await expect(store.create("Bad Name")).rejects.toBeInstanceOf(InvalidProjectNameError);
    await expect(store.load("../etc")).rejects.toBeInstanceOf(InvalidProjectNameError);
    await expect(store.load("missing")).rejects.toBeInstanceOf(ProjectNotFoundError);
  });

  it("loads and saves an unchanged project to a byte-identical file", async () => {
    const text = serializeProject(sampleProject());
    const dir = await testdir({ "projects/prod.json": text });
    const store = new ProjectStore(dir);
    await store.save("prod", await store.load("prod"));
    expect(await readFile(join(dir, "projects", "prod.json"), "utf8")).toBe(text);
  });

  const unreadable: Array<[string, string, RegExp]> = [
    ["truncated JSON", serializeProject(sampleProject()).slice(0, 300), /truncated/],
    ["invalid JSON", '{"version": 1,, "instances": []}', /invalid JSON/],
    ["a newer version", '{\n  "version": 2\n}\n', /newer Highstate/],
    ["a wrong version", '{\n  "version": "one"\n}\n', /whole number/],
    ["unknown fields", '{\n  "version": 1,\n  "layout": "grid"\n}\n', /unknown field "layout"/],
    ["bad types", '{\n  "version": 1,\n  "instances": {}\n}\n', /expected array, found an object/],
  ];
  for (const [what, text, problem] of unreadable) {
    it(`never overwrites a file with ${what}`, async () => {
      const dir = await testdir({ "projects/prod.json": text });
      const file = join(dir, "projects", "prod.json");
      const store = new ProjectStore(dir);
      const before = await readFile(file);
      const loadError = await store.load("prod").catch((error: unknown) => error);
      expect(loadError).toBeInstanceOf(UnreadableFileError);
      expect((loadError as UnreadableFileError).file).toBe(file);
      expect((loadError as UnreadableFileError).problem).toMatch(problem);
      await expect(store.save("prod", sampleProject())).rejects.toBeInstanceOf(UnreadableFileError);
      await expect(store.create("prod")).rejects.toBeInstanceOf(ProjectAlreadyExistsError);
      expect(await readFile(file)).toEqual(before);
      expect(await readdir(join(dir, "projects"))).toEqual(["prod.json"]);
    });
  }

  it("renames a project with its secrets and local data", async () => {
    const dir = await testdir({
      "Pulumi.prod.yaml": "encryptionsalt: x\n",
      ".highstate/instances/prod/webserver0001.json": "{}",
      ".highstate/units/prod/webserver0001/Pulumi.yaml": "name: x\n",
      ".highstate/logs/prod/webserver0001/1.log": "log",
    });
    const store = new ProjectStore(dir);
    await store.create("prod", sampleProject());
    await store.rename("prod", "production");
    expect(await store.list()).toEqual(["production"]);
    expect(await store.load("production")).toEqual(canonicalSample());
    expect(await readFile(join(dir, "Pulumi.production.yaml"), "utf8")).toBe("encryptionsalt: x\n");
    expect(await readdir(join(dir, ".highstate", "instances"))).toEqual(["production"]);
    expect(await readdir(join(dir, ".highstate", "units", "production"))).toEqual(["webserver0001"]);
    expect(await readdir(join(dir, ".highstate", "logs"))).toEqual(["production"]);
    await expect(store.rename("prod", "x")).rejects.toBeInstanceOf(ProjectNotFoundError);
  });

  it("refuses to rename onto an existing project or its leftovers, and moves nothing", async () => {
    const dir = await testdir({ "Pulumi.b.yaml": "" });
    const store = new ProjectStore(dir);
    await store.create("a");
    await store.create("c");
    await expect(store.rename("a", "c")).rejects.toBeInstanceOf(ProjectAlreadyExistsError);
    await expect(store.rename("a", "b")).rejects.toThrow(/Pulumi\.b\.yaml/);
    expect(await store.list()).toEqual(["a", "c"]);
  });

  it("deletes a project and its data, but not while instances are created unless forced", async () => {
    const dir = await testdir({ "Pulumi.prod.yaml": "", ".highstate/units/prod/webserver0001/x": "" });
    const store = new ProjectStore(dir);
    await store.create("prod", sampleProject());
    const states = new InstanceStateStore(dir, "prod");
    const now = new Date();
    await states.record("webserver0001", {
      instanceId: "common.existing-server.v1:web",
      operation: "up",
      result: "succeeded",
      startedAt: now,
      finishedAt: now,
    });
    await expect(store.delete("prod")).rejects.toThrow(ProjectHasResourcesError);
    await expect(store.delete("prod")).rejects.toThrow(/"common.existing-server.v1:web"/);
    expect(await store.list()).toEqual(["prod"]);
    await store.delete("prod", { force: true });
    expect(await store.list()).toEqual([]);
    expect(await readdir(dir)).toEqual([".highstate", "projects"]);
    expect(await readdir(join(dir, ".highstate", "units"))).toEqual([]);
    await expect(store.delete("prod")).rejects.toBeInstanceOf(ProjectNotFoundError);
  });

  it("deletes a project whose instances were all destroyed", async () => {
    const dir = await testdir();
    await mkdir(join(dir, "projects"));
    const store = new ProjectStore(dir);
    await store.create("dev");
    const now = new Date();
    const states = new InstanceStateStore(dir, "dev");
    await states.record("webserver0001", { instanceId: "a:b", operation: "up", result: "succeeded", startedAt: now, finishedAt: now });
    await states.record("webserver0001", { instanceId: "a:b", operation: "destroy", result: "succeeded", startedAt: now, finishedAt: now });
    await store.delete("dev");
    expect(await store.exists("dev")).toBe(false);
  });

  it("survives kill -9 while saving: the file is always a complete project version", async () => {
    const dir = await testdir();
    const store = new ProjectStore(dir);
    await store.create("prod", projectVersion(0));
    const saver = join(import.meta.dirname, "__fixtures__", "project-saver.ts");
    let last = 0;
    for (let round = 1; round <= 10; round++) {
      const child = spawn(process.execPath, ["--conditions=@highstate/source", "--import", "tsx", saver, dir, String(round * 1000)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      await new Promise<void>((resolve, reject) => {
        let saves = 0;
        child.stdout.on("data", (chunk: Buffer) => {
          saves += chunk.toString().split("\n").length - 1;
          if (saves >= 1 + (round % 3)) resolve();
        });
        child.on("exit", (code) => reject(new Error(`saver exited with ${code}: ${stderr}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      const text = await readFile(join(dir, "projects", "prod.json"), "utf8");
      const loaded = await store.load("prod");
      const version = loaded.instances[0]!.args.saved as number;
      expect(text).toBe(serializeProject(projectVersion(version)));
      expect(version).toBeGreaterThan(last);
      last = version;
      expect((await readdir(join(dir, "projects"))).filter((name) => name.endsWith(".tmp")).length).toBeLessThanOrEqual(1);
    }
    await store.save("prod", projectVersion(1));
    expect(await readdir(join(dir, "projects"))).toEqual(["prod.json"]);
  }, 120_000);
});
