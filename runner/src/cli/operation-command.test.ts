import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Project } from "@highstate/contract";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureContractBuilt, installPackage, linkContract } from "../registry/__fixtures__/plugin-workspace.js";
import { ProjectSecrets } from "../secrets/index.js";
import { testdir } from "../test-utils/testdir.js";
import { InstanceStateStore, initWorkspace, ProjectStore } from "../workspace/index.js";
import { runCommand } from "./command.js";
import destroyCommand from "./commands/destroy.js";
import planCommand from "./commands/plan.js";
import previewCommand from "./commands/preview.js";
import refreshCommand from "./commands/refresh.js";
import upCommand from "./commands/up.js";
import { CliError, UsageError } from "./errors.js";
import type { CliIo } from "./io.js";
import { main } from "./main.js";

const definitions = `import { defineComponent, defineEntity, z } from "@highstate/contract";
export const thing = defineEntity({ type: "acme.thing.v1", schema: z.object({ name: z.string() }), meta: { title: "Thing" } });
export const box = defineComponent({ type: "acme.box.v1", outputs: { thing }, meta: { title: "Box" }, source: { package: "acme-units", path: "box" } });
export const shelf = defineComponent({ type: "acme.shelf.v1", inputs: { thing }, meta: { title: "Shelf" }, source: { package: "acme-units", path: "shelf" } });
`;

const project: Project = {
  version: 1,
  instances: [
    {
      id: "acme.box.v1:b1",
      type: "acme.box.v1",
      name: "b1",
      uid: "boxuid0001",
      args: {},
      inputs: {},
      injectionInputs: [],
      position: { x: 0, y: 0 },
    },
    {
      id: "acme.shelf.v1:s1",
      type: "acme.shelf.v1",
      name: "s1",
      uid: "shelfuid0001",
      args: {},
      inputs: { thing: [{ instanceId: "acme.box.v1:b1", output: "thing" }] },
      injectionInputs: [],
      position: { x: 0, y: 0 },
    },
  ],
  hubs: [],
};

beforeAll(() => ensureContractBuilt());

async function workspace() {
  const root = await testdir();
  await initWorkspace(root);
  await linkContract(join(root, "node_modules"));
  await installPackage(join(root, "node_modules"), { name: "acme-units", source: definitions });
  await new ProjectStore(root).create("demo", project);
  return root;
}

function io(root: string, env: Record<string, string>): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    stdin: process.stdin,
    env: { HIGHSTATE_PROJECT: "demo", HIGHSTATE_PASSWORD: "cli test password", ...env },
    cwd: root,
    out: () => out,
    err: () => err,
  };
}

describe("highstate up|destroy", () => {
  it("runs instances with dependencies, prints progress, and refuses a destroy with dependents unless --cascade", async () => {
    const root = await workspace();
    const fake = { HIGHSTATE_ENGINE: "fake", HIGHSTATE_FAKE_ENGINE_DELAY_MS: "0" };
    const up = io(root, fake);
    expect(await runCommand(upCommand, ["s1", "--include-dependencies", "--parallel", "2"], up)).toBe(0);
    const lines = up.out().split("\n");
    expect(lines[0]).toBe('Up of 2 instances in project "demo": acme.box.v1:b1, acme.shelf.v1:s1');
    expect(lines).toContain("▶ acme.box.v1:b1");
    expect(lines).toContain("  + acme.shelf.v1:s1  fake:index:Resource s1-1 (create)");
    expect(lines).toContain("✔ acme.shelf.v1:s1 created");
    expect(lines.at(-2)).toBe("Done: 2 succeeded.");
    expect(up.err()).toContain('Project "demo" had no password yet');
    const stored = await new InstanceStateStore(root, "demo").get("shelfuid0001");
    expect(stored).toMatchObject({ status: "created", resourceCount: 3 });

    await expect(runCommand(destroyCommand, ["acme.box.v1:b1"], io(root, fake))).rejects.toThrow(/acme\.shelf\.v1:s1/);
    const destroy = io(root, fake);
    expect(await runCommand(destroyCommand, ["b1", "--cascade", "--json"], destroy)).toBe(0);
    const result = JSON.parse(destroy.out()) as { state: string; instanceIds: string[]; statuses: Record<string, { state: string }> };
    expect(result.state).toBe("completed");
    expect(result.instanceIds).toEqual(["acme.shelf.v1:s1", "acme.box.v1:b1"]);
    expect(result.statuses["acme.box.v1:b1"]!.state).toBe("not-created");
  });

  it("fails at once with exit code 2, saying how to install pulumi, when the CLI is missing, before anything runs", async () => {
    const root = await workspace();
    const run = io(root, { PATH: join(root, "no-bin"), HOME: join(root, "home") });
    const error = await runCommand(upCommand, ["--outdated"], run).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/highstate install-pulumi/);
    expect(run.out()).toBe("");
    expect(await new InstanceStateStore(root, "demo").getAll()).toEqual({});
    // Neither the password (the secrets file stays as it was) nor the lock was taken.
    expect(await ProjectSecrets.open(join(root, "Pulumi.demo.yaml")).then((secrets) => secrets.encryptionSalt)).toBeUndefined();
    expect(existsSync(join(root, ".highstate", "workspace.lock"))).toBe(false);
  });

  it("with --json, a refusal before anything runs is also a JSON document on stdout (for a CI job saving the output)", async () => {
    const root = await workspace();
    const run = io(root, { PATH: join(root, "no-bin"), HOME: join(root, "home") });
    expect(await main(["-C", root, "up", "--outdated", "--json"], run)).toBe(2);
    const document = JSON.parse(run.out()) as { error: { code: string; message: string; exitCode: number } };
    expect(document.error).toMatchObject({ code: "pulumi-cli-not-found", exitCode: 2 });
    expect(document.error.message).toMatch(/highstate install-pulumi/);
    expect(run.err()).toBe(`Error: ${document.error.message}\n`);

    const usage = io(root, {});
    expect(await main(["-C", root, "up", "--outdated", "--all", "--json"], usage)).toBe(2);
    expect(JSON.parse(usage.out())).toMatchObject({ error: { code: "usage", exitCode: 2 } });
    // Without --json, stdout stays empty.
    const plain = io(root, { PATH: join(root, "no-bin"), HOME: join(root, "home") });
    expect(await main(["-C", root, "up", "--outdated"], plain)).toBe(2);
    expect(plain.out()).toBe("");
  });

  it("rejects a bad --parallel and unknown instances", async () => {
    const root = await workspace();
    await expect(runCommand(upCommand, ["b1", "--parallel", "0"], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toThrow(/--parallel/);
    await expect(runCommand(upCommand, ["nope"], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toThrow(/no instance "nope"/);
    await expect(runCommand(upCommand, [], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toThrow(/or use --outdated or --all/);
    await expect(runCommand(upCommand, ["b1", "--all"], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toThrow(
      "Name instances or use --all, not both",
    );
    await expect(runCommand(upCommand, ["--all", "--outdated"], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toThrow(
      "either --outdated or --all",
    );
    await expect(runCommand(destroyCommand, ["--outdated"], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toBeInstanceOf(UsageError);
  });

  it("names --include-dependencies when a named instance's upstream is not created", async () => {
    const root = await workspace();
    const error = await runCommand(upCommand, ["s1"], io(root, fake)).catch((caught: unknown) => caught);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as Error).message).toContain("highstate up --include-dependencies");
    expect(await new InstanceStateStore(root, "demo").getAll()).toEqual({});
  });
});

const fake = { HIGHSTATE_ENGINE: "fake", HIGHSTATE_FAKE_ENGINE_DELAY_MS: "0" };

describe("highstate up|preview|refresh|destroy --outdated / --all (headless runs for CI)", () => {
  it("runs what is outdated in dependency order, then finds nothing to do, then only what was added", async () => {
    const root = await workspace();
    const first = io(root, fake);
    expect(await runCommand(upCommand, ["--outdated"], first)).toBe(0);
    expect(first.out().split("\n")[0]).toBe('Up of 2 instances in project "demo": acme.box.v1:b1, acme.shelf.v1:s1');

    const again = io(root, fake);
    expect(await runCommand(upCommand, ["--outdated"], again)).toBe(0);
    expect(again.out()).toBe('Nothing to up in project "demo": every instance is up to date.\n');
    const previewNothing = io(root, fake);
    expect(await runCommand(previewCommand, ["--outdated", "--json"], previewNothing)).toBe(0);
    expect(JSON.parse(previewNothing.out())).toMatchObject({ instanceIds: [], state: "completed" });

    const store = new ProjectStore(root);
    const current = await store.load("demo");
    await store.save("demo", {
      ...current,
      instances: [
        ...current.instances,
        {
          id: "acme.box.v1:b2",
          type: "acme.box.v1",
          name: "b2",
          uid: "boxuid0002",
          args: {},
          inputs: {},
          injectionInputs: [],
          position: { x: 0, y: 0 },
        },
      ],
    });
    const added = io(root, fake);
    expect(await runCommand(upCommand, ["--outdated", "--json"], added)).toBe(0);
    const result = JSON.parse(added.out()) as { instanceIds: string[]; results: Record<string, string> };
    expect(result.instanceIds).toEqual(["acme.box.v1:b2"]);
    expect(result.results).toEqual({ "acme.box.v1:b2": "succeeded" });

    const refresh = io(root, fake);
    expect(await runCommand(refreshCommand, ["--all", "--json"], refresh)).toBe(0);
    expect((JSON.parse(refresh.out()) as { instanceIds: string[] }).instanceIds.sort()).toEqual([
      "acme.box.v1:b1",
      "acme.box.v1:b2",
      "acme.shelf.v1:s1",
    ]);
    // --outdated selects exactly the created instances `plan` calls outdated (the fake refresh changes
    // a box's outputs, so the shelf that takes them is outdated now).
    const plan = io(root, fake);
    await runCommand(planCommand, ["--json"], plan);
    const outdated = Object.keys((JSON.parse(plan.out()) as { outdated: Record<string, string[]> }).outdated);
    const refreshOutdated = io(root, fake);
    expect(await runCommand(refreshCommand, ["--outdated", "--json"], refreshOutdated)).toBe(0);
    expect((JSON.parse(refreshOutdated.out()) as { instanceIds: string[] }).instanceIds.sort()).toEqual(outdated.sort());

    const destroyAll = io(root, fake);
    expect(await runCommand(destroyCommand, ["--all", "--json"], destroyAll)).toBe(0);
    const destroyed = JSON.parse(destroyAll.out()) as { instanceIds: string[]; statuses: Record<string, { state: string }> };
    // Dependents first: the shelf goes before the box it takes its input from.
    expect(destroyed.instanceIds.indexOf("acme.shelf.v1:s1")).toBeLessThan(destroyed.instanceIds.indexOf("acme.box.v1:b1"));
    expect(Object.values(destroyed.statuses).map((status) => status.state)).toEqual(["not-created", "not-created", "not-created"]);
    const nothingLeft = io(root, fake);
    expect(await runCommand(destroyCommand, ["--all"], nothingLeft)).toBe(0);
    expect(nothingLeft.out()).toBe('Nothing to destroy in project "demo": no instance is created.\n');
  });

  it("reports the dependents of a failure as skipped, naming the instance that failed, and exits with 1", async () => {
    const root = await workspace();
    const run = io(root, { ...fake, HIGHSTATE_FAKE_ENGINE_FAIL: "acme.box.v1:b1" });
    expect(await runCommand(upCommand, ["--all"], run)).toBe(1);
    const lines = run.out().split("\n");
    expect(lines).toContain("✖ acme.box.v1:b1 failed");
    expect(lines).toContain('- acme.shelf.v1:s1 skipped: "acme.box.v1:b1", which it depends on, did not succeed');
    expect(lines.filter((line) => line.includes("Skipped because"))).toEqual([]);
    expect(lines).toContain("Failed: 1 failed, 1 skipped.");

    const json = io(root, { ...fake, HIGHSTATE_FAKE_ENGINE_FAIL: "acme.box.v1:b1" });
    expect(await runCommand(upCommand, ["--outdated", "--json"], json)).toBe(1);
    expect(JSON.parse(json.out())).toMatchObject({
      state: "failed",
      results: { "acme.box.v1:b1": "failed", "acme.shelf.v1:s1": "skipped" },
      skippedBecause: { "acme.shelf.v1:s1": "acme.box.v1:b1" },
    });
  });

  it("refuses, with exit code 2 and nothing run, when a selected instance cannot run", async () => {
    const root = await workspace();
    const store = new ProjectStore(root);
    const current = await store.load("demo");
    await store.save("demo", {
      ...current,
      instances: [
        ...current.instances,
        {
          id: "acme.gone.v1:g1",
          type: "acme.gone.v1",
          name: "g1",
          uid: "goneuid001",
          args: {},
          inputs: {},
          injectionInputs: [],
          position: { x: 0, y: 0 },
        },
      ],
    });
    const run = io(root, fake);
    const error = await runCommand(upCommand, ["--outdated"], run).catch((caught: unknown) => caught);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as Error).message).toContain("acme.gone.v1:g1: no installed package defines its component type");
    expect(run.out()).toBe("");
    expect(await new InstanceStateStore(root, "demo").getAll()).toEqual({});
  });

  it("refuses a wrong password with exit code 2 before anything runs", async () => {
    const root = await workspace();
    expect(await runCommand(upCommand, ["b1"], io(root, fake))).toBe(0);
    const error = await runCommand(upCommand, ["--all"], io(root, { ...fake, HIGHSTATE_PASSWORD: "not the password" })).catch(
      (caught: unknown) => caught,
    );
    expect((error as CliError).exitCode).toBe(2);
    expect(await new InstanceStateStore(root, "demo").get("shelfuid0001")).toBeUndefined();
  });
});
