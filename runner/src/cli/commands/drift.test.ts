import { join } from "node:path";
import type { Project } from "@highstate/contract";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureContractBuilt, installPackage, linkContract } from "../../registry/__fixtures__/plugin-workspace.js";
import { testdir } from "../../test-utils/testdir.js";
import { InstanceStateStore, initWorkspace, ProjectStore } from "../../workspace/index.js";
import { runCommand } from "../command.js";
import { UsageError } from "../errors.js";
import type { CliIo } from "../io.js";
import driftCommand from "./drift.js";
import planCommand from "./plan.js";
import refreshCommand from "./refresh.js";
import upCommand from "./up.js";

const definitions = `import { defineComponent, defineEntity, z } from "@highstate/contract";
export const thing = defineEntity({ type: "acme.thing.v1", schema: z.object({ name: z.string() }), meta: { title: "Thing" } });
export const box = defineComponent({ type: "acme.box.v1", outputs: { thing }, meta: { title: "Box" }, source: { package: "acme-units", path: "box" } });
export const shelf = defineComponent({ type: "acme.shelf.v1", inputs: { thing }, meta: { title: "Shelf" }, source: { package: "acme-units", path: "shelf" } });
`;

const instance = (type: string, name: string, uid: string, inputs: Project["instances"][number]["inputs"] = {}) => ({
  id: `${type}:${name}`,
  type,
  name,
  uid,
  args: {},
  inputs,
  injectionInputs: [],
  position: { x: 0, y: 0 },
});

const project: Project = {
  version: 1,
  instances: [
    instance("acme.box.v1", "b1", "boxuid0001"),
    instance("acme.shelf.v1", "s1", "shelfuid0001", { thing: [{ instanceId: "acme.box.v1:b1", output: "thing" }] }),
    instance("acme.box.v1", "b2", "boxuid0002"),
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

const fake = { HIGHSTATE_ENGINE: "fake", HIGHSTATE_FAKE_ENGINE_DELAY_MS: "0" };

function io(root: string, env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    stdin: process.stdin,
    env: { HIGHSTATE_PROJECT: "demo", HIGHSTATE_PASSWORD: "drift test password", ...fake, ...env },
    cwd: root,
    out: () => out,
    err: () => err,
  };
}

describe("highstate drift", () => {
  it("reports drifted resources per instance, exits 3, records the drift for plan, and changes no state", async () => {
    const root = await workspace();
    expect(await runCommand(upCommand, ["b1", "s1"], io(root))).toBe(0);
    const store = new InstanceStateStore(root, "demo");
    const before = await store.getAll();

    const run = io(root, { HIGHSTATE_FAKE_ENGINE_DRIFT: "acme.shelf.v1:s1" });
    expect(await runCommand(driftCommand, ["--all"], run)).toBe(3);
    const lines = run.out().split("\n");
    expect(lines[0]).toBe('Drift check of 2 instances in project "demo": acme.box.v1:b1, acme.shelf.v1:s1');
    expect(lines).toContain("✔ acme.shelf.v1:s1 checked");
    expect(lines).toContain("= acme.box.v1:b1: no drift");
    expect(lines).toContain("≠ acme.shelf.v1:s1: 1 resource drifted");
    expect(lines).toContain("    ~ fake:index:Resource s1-1 (changed: value)");
    expect(run.out()).toContain("Drift in 1 of 2 checked instances");
    expect(lines.at(-2)).toBe("Done: 2 succeeded.");

    // Only the drift record was added.
    const after = await store.getAll();
    for (const [uid, state] of Object.entries(after)) {
      const { drift, ...rest } = state;
      expect(rest).toEqual(before[uid]);
      expect(drift?.checkedAt).toMatch(/^\d{4}-/);
    }

    const plan = io(root);
    expect(await runCommand(planCommand, [], plan)).toBe(0);
    expect(plan.out()).toMatch(
      /Drifted \(real resources differ from the state, as the last `highstate drift` found\):\n {2}≠ acme\.shelf\.v1:s1 {2}1 resource \(checked /,
    );
    const planJson = io(root);
    await runCommand(planCommand, ["--json"], planJson);
    expect(Object.keys(JSON.parse(planJson.out()).drifted)).toEqual(["acme.shelf.v1:s1"]);

    // refresh takes the real values into the state: the drift no longer stands.
    expect(await runCommand(refreshCommand, ["s1"], io(root))).toBe(0);
    const cleared = io(root);
    await runCommand(planCommand, ["--json"], cleared);
    expect(JSON.parse(cleared.out()).drifted).toEqual({});
  });

  it("prints JSON with the drift per instance and exits 0 without drift", async () => {
    const root = await workspace();
    expect(await runCommand(upCommand, ["--all"], io(root))).toBe(0);
    const clean = io(root);
    expect(await runCommand(driftCommand, ["b1", "b2", "--json"], clean)).toBe(0);
    const result = JSON.parse(clean.out()) as {
      type: string;
      detectDrift: boolean;
      drifted: string[];
      drift: Record<string, { resources: unknown[] }>;
    };
    expect(result).toMatchObject({ type: "refresh", detectDrift: true, drifted: [] });
    expect(Object.keys(result.drift).sort()).toEqual(["acme.box.v1:b1", "acme.box.v1:b2"]);

    const drifted = io(root, { HIGHSTATE_FAKE_ENGINE_DRIFT: "acme.box.v1:b2" });
    expect(await runCommand(driftCommand, ["--all", "--json"], drifted)).toBe(3);
    const json = JSON.parse(drifted.out()) as {
      drifted: string[];
      drift: Record<string, { resources: Array<{ name: string; properties: string[] }> }>;
    };
    expect(json.drifted).toEqual(["acme.box.v1:b2"]);
    expect(json.drift["acme.box.v1:b2"]!.resources).toMatchObject([{ name: "b2-1", change: "changed", properties: ["value"] }]);
  });

  it("needs instances or --all, has no --outdated, and has nothing to check before anything is created", async () => {
    const root = await workspace();
    await expect(runCommand(driftCommand, [], io(root))).rejects.toThrow(/check for drift.*or use --all/);
    await expect(runCommand(driftCommand, ["--outdated"], io(root))).rejects.toBeInstanceOf(UsageError);
    const none = io(root);
    expect(await runCommand(driftCommand, ["--all"], none)).toBe(0);
    expect(none.out()).toBe('Nothing to check for drift in project "demo": no instance is created.\n');
  });
});

describe("headless operations on a terminal", () => {
  it("redraw per-instance lines in place on a TTY and print plain lines otherwise", async () => {
    const root = await workspace();
    const tty = io(root);
    (tty.stdout as { isTTY?: boolean }).isTTY = true;
    expect(await runCommand(upCommand, ["b1", "b2"], tty)).toBe(0);
    const ESC = String.fromCharCode(27);
    expect(tty.out()).toMatch(new RegExp(`${ESC}\\[\\d+F${ESC}\\[0J`));
    // The last frame: both instances with their results and steps.
    const lastFrame = tty.out().split(`${ESC}[0J`).at(-1)!;
    expect(lastFrame).toContain("  ✔ acme.box.v1:b1  created  3 resources (+3)\n");
    expect(lastFrame).toContain("  ✔ acme.box.v1:b2  created  3 resources (+3)\n");
    expect(tty.out()).toMatch(/Done: 2 succeeded\.\n$/);

    const dumb = io(root, { TERM: "dumb" });
    (dumb.stdout as { isTTY?: boolean }).isTTY = true;
    expect(await runCommand(refreshCommand, ["b1"], dumb)).toBe(0);
    expect(dumb.out()).not.toContain(ESC);
    expect(dumb.out().split("\n")).toContain("✔ acme.box.v1:b1 refreshed");
  });
});
