import { join } from "node:path";
import type { Project } from "@highstate/contract";
import { beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../cli/command.js";
import type { CliIo } from "../cli/io.js";
import destroyCommand from "../cli/commands/destroy.js";
import upCommand from "../cli/commands/up.js";
import { ensureContractBuilt, installPackage, linkContract } from "../registry/__fixtures__/plugin-workspace.js";
import { testdir } from "../test-utils/testdir.js";
import { initWorkspace, InstanceStateStore, ProjectStore } from "../workspace/index.js";

const definitions = `import { defineComponent, defineEntity, z } from "@highstate/contract";
export const thing = defineEntity({ type: "acme.thing.v1", schema: z.object({ name: z.string() }), meta: { title: "Thing" } });
export const box = defineComponent({ type: "acme.box.v1", outputs: { thing }, meta: { title: "Box" }, source: { package: "acme-units", path: "box" } });
export const shelf = defineComponent({ type: "acme.shelf.v1", inputs: { thing }, meta: { title: "Shelf" }, source: { package: "acme-units", path: "shelf" } });
`;

const project: Project = {
  version: 1,
  instances: [
    { id: "acme.box.v1:b1", type: "acme.box.v1", name: "b1", uid: "boxuid0001", args: {}, inputs: {}, injectionInputs: [], position: { x: 0, y: 0 } },
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

  it("fails at once, saying how to install pulumi, when the CLI is missing", async () => {
    const root = await workspace();
    const run = io(root, { PATH: join(root, "no-bin"), HOME: join(root, "home") });
    await expect(runCommand(upCommand, ["b1"], run)).rejects.toThrow(/highstate install-pulumi/);
    expect(run.out()).toContain("✖ acme.box.v1:b1 failed");
    expect(await new InstanceStateStore(root, "demo").getAll()).toEqual({});
  });

  it("rejects a bad --parallel and unknown instances", async () => {
    const root = await workspace();
    await expect(runCommand(upCommand, ["b1", "--parallel", "0"], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toThrow(/--parallel/);
    await expect(runCommand(upCommand, ["nope"], io(root, { HIGHSTATE_ENGINE: "fake" }))).rejects.toThrow(/no instance "nope"/);
  });
});
