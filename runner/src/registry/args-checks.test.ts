import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Project } from "@highstate/contract";
import { beforeAll, describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { ensureContractBuilt, installPackage, linkContract } from "./__fixtures__/plugin-workspace.js";
import { argsChecksFile, projectArgsValidator } from "./args-checks.js";
import { loadWorkspaceRegistry } from "./workspace-registry.js";

const definitions = `import { defineComponent, z } from "@highstate/contract";
export const box = defineComponent({ type: "acme.box.v1", args: { size: z.number().int().min(1) }, meta: { title: "Box" }, source: { package: "acme-units", path: "box" } });
export const bag = defineComponent({ type: "acme.bag.v1", args: { color: z.string() }, meta: { title: "Bag" }, source: { package: "acme-units", path: "bag" } });
`;

const instance = (type: string, name: string, args: Record<string, unknown>) => ({
  id: `${type}:${name}`,
  type,
  name,
  uid: `${name}uid00001`,
  args,
  inputs: {},
  injectionInputs: [],
  position: { x: 0, y: 0 },
});

beforeAll(() => ensureContractBuilt());

async function workspace() {
  const root = await testdir();
  await linkContract(join(root, "node_modules"));
  await installPackage(join(root, "node_modules"), { name: "acme-units", source: definitions });
  await writeFile(join(root, "package.json"), JSON.stringify({ name: "ws", private: true, dependencies: { "acme-units": "1.0.0" } }));
  return root;
}

describe("projectArgsValidator", () => {
  it("validates with the live definitions once, then from the cache without importing anything, until args change", async () => {
    const root = await workspace();
    const project: Project = {
      version: 1,
      instances: [instance("acme.box.v1", "ok", { size: 2 }), instance("acme.box.v1", "bad", { size: 0 })],
      hubs: [],
    };

    const first = await projectArgsValidator(await loadWorkspaceRegistry(root, { checkPulumiImports: false }), project);
    expect(first.imported).toEqual(["acme.box.v1"]);
    expect(first.validate("acme.box.v1", { size: 2 })).toEqual([]);
    const issues = first.validate("acme.box.v1", { size: 0 });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("size");

    // A second load, as the next process does: the results come from the cache; no definitions module is imported.
    const registry = await loadWorkspaceRegistry(root, { checkPulumiImports: false });
    const second = await projectArgsValidator(registry, project);
    expect(second.imported).toEqual([]);
    expect(second.validate("acme.box.v1", { size: 0 })).toEqual(issues);
    expect(second.validate("acme.box.v1", { size: 2 })).toEqual([]);

    // Changed args are validated (only their component's package is needed), and kept for next time.
    const changed: Project = { ...project, instances: [...project.instances, instance("acme.bag.v1", "b", { color: 3 })] };
    const third = await projectArgsValidator(registry, changed);
    expect(third.imported).toEqual(["acme.bag.v1"]);
    expect(third.validate("acme.bag.v1", { color: 3 })[0]!.path).toBe("color");
    expect((await projectArgsValidator(registry, changed)).imported).toEqual([]);
  });

  it("ignores a damaged or foreign cache file and rewrites it", async () => {
    const root = await workspace();
    const project: Project = { version: 1, instances: [instance("acme.box.v1", "bad", { size: 0 })], hubs: [] };
    const registry = await loadWorkspaceRegistry(root, { checkPulumiImports: false });
    await projectArgsValidator(registry, project);
    const file = argsChecksFile(root);
    const content = JSON.parse(await readFile(file, "utf8")) as { registryKey: string; results: Record<string, unknown[]> };
    // Results recorded under another registry key (other packages installed) do not count.
    await writeFile(
      file,
      JSON.stringify({
        ...content,
        registryKey: "other",
        results: Object.fromEntries(Object.keys(content.results).map((key) => [key, []])),
      }),
    );
    const again = await projectArgsValidator(registry, project);
    expect(again.imported).toEqual(["acme.box.v1"]);
    expect(again.validate("acme.box.v1", { size: 0 })).toHaveLength(1);
    await writeFile(file, "{ not json");
    expect((await projectArgsValidator(registry, project)).validate("acme.box.v1", { size: 0 })).toHaveLength(1);
    expect(JSON.parse(await readFile(file, "utf8")).registryKey).toBe(registry.cacheKey);
  });
});
