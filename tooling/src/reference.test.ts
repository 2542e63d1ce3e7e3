/**
 * The generated reference (docs/reference, written by `npm run reference`): the committed pages match
 * what the registry of the built first-party packages renders, and the renderer shows each part of a
 * definition (args with types and defaults, secrets, inputs, outputs linked to entity pages, JSON Schema).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ESM script without declarations
import { referenceDifferences, renderReference, schemaType, writeReference } from "../bin/reference.mjs";
import { repositoryRoot } from "./workspace-packages.js";

const exec = promisify(execFile);
const script = join(repositoryRoot, "tooling/bin/reference.mjs");

const registry = {
  entities: {
    "demo.thing.v1": {
      type: "demo.thing.v1",
      meta: { title: "Thing", description: "A thing." },
      schema: { type: "object", properties: { name: { type: "string" }, token: { type: "string", secret: true } }, required: ["name"] },
      package: { name: "@highstate/demo", version: "1.0.0" },
    },
  },
  components: {
    "demo.maker.v1": {
      type: "demo.maker.v1",
      kind: "unit",
      meta: { title: "Maker", description: "Makes | things.", category: "Demo" },
      args: {
        type: "object",
        properties: {
          size: { type: "integer", minimum: 1, maximum: 9, default: 3, description: "How big." },
          mode: { enum: ["a", "b"] },
          hosts: {
            type: "array",
            items: {
              anyOf: [
                { type: "string", format: "ipv4" },
                { type: "string", format: "hostname" },
              ],
            },
          },
        },
        required: ["mode"],
      },
      secrets: { type: "object", properties: { password: { type: "string", description: "The password." } } },
      inputs: { peer: { entity: "demo.thing.v1", required: false, multiple: true, description: "Peers." } },
      outputs: { thing: { entity: "demo.thing.v1", required: true, multiple: false } },
      source: { package: "@highstate/demo", path: "maker" },
      package: { name: "@highstate/demo", version: "1.0.0" },
    },
  },
};

describe("the generated reference", () => {
  it("is up to date with the registry of the first-party packages (else: npm run reference)", async () => {
    const result = await exec(process.execPath, [script, "--check"], { cwd: repositoryRoot }).then(
      (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(
      result.code,
      `${result.stderr}\nRegenerate it with \`npm run reference\` (after building the packages) and commit docs/reference.`,
    ).toBe(0);
    expect(result.stdout).toMatch(/up to date \(\d+ pages\)/);
  }, 60_000);

  it("renders a page per component and entity and an index", () => {
    const files = renderReference(registry, [{ name: "@highstate/demo", description: "Demo package." }]) as Map<string, string>;
    expect([...files.keys()].sort()).toEqual(["README.md", "demo/demo.maker.v1.md", "demo/demo.thing.v1.entity.md"]);
    const page = files.get("demo/demo.maker.v1.md")!;
    expect(page).toContain("# Maker");
    expect(page).toContain("- Type id: `demo.maker.v1`");
    expect(page).toContain("- Program: `@highstate/demo/maker`");
    expect(page).toContain("Makes | things.");
    expect(page).toContain("| `size` | `integer 1–9` | no | `3` | How big. |");
    expect(page).toContain('| `mode` | `"a" \\| "b"` | yes |  |  |');
    expect(page).toContain("| `password` | `string` | no |  | The password. |");
    expect(page).toContain("| `peer` | [`demo.thing.v1`](demo.thing.v1.entity.md) | no | yes | Peers. |");
    expect(page).toContain("| `thing` | [`demo.thing.v1`](demo.thing.v1.entity.md) | yes | no |  |");
    expect(page).toContain('"maximum": 9');
    const entity = files.get("demo/demo.thing.v1.entity.md")!;
    expect(entity).toContain("| `token` | `string` | no |  | yes |  |");
    expect(entity).toContain("## Produced by\n\n- [Maker](demo.maker.v1.md) (`demo.maker.v1`)");
    const index = files.get("README.md")!;
    expect(index).toContain("## @highstate/demo\n\nDemo package.");
    expect(index).toContain("| [Maker](demo/demo.maker.v1.md) | `demo.maker.v1` | Makes \\| things. |");
  });

  it("names JSON Schema types readably", () => {
    expect(schemaType({ type: "string", format: "uri" })).toBe("string (uri)");
    expect(schemaType({ type: "array", items: { type: "string" } })).toBe("string[]");
    expect(schemaType({ type: "object", additionalProperties: { type: "number" } })).toBe("Record<string, number>");
    expect(schemaType({ anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] })).toBe("string | string[]");
    expect(schemaType({ const: "x" })).toBe('"x"');
    expect(schemaType({ type: "number", minimum: 0 })).toBe("number ≥ 0");
  });

  it("finds missing, changed and leftover pages, and writing removes the leftovers", async () => {
    const folder = await mkdtemp(join(tmpdir(), "highstate-reference-"));
    try {
      const files = renderReference(registry, [{ name: "@highstate/demo" }]) as Map<string, string>;
      expect(referenceDifferences(folder, files).missing).toHaveLength(3);
      writeReference(folder, files);
      expect(referenceDifferences(folder, files)).toEqual({ missing: [], changed: [], extra: [] });
      await writeFile(join(folder, "demo/demo.maker.v1.md"), "edited by hand\n");
      await writeFile(join(folder, "demo/demo.gone.v1.md"), "a component that was removed\n");
      expect(referenceDifferences(folder, files)).toEqual({
        missing: [],
        changed: ["demo/demo.maker.v1.md"],
        extra: ["demo/demo.gone.v1.md"],
      });
      writeReference(folder, files);
      expect(referenceDifferences(folder, files)).toEqual({ missing: [], changed: [], extra: [] });
      expect(await readFile(join(folder, "demo/demo.maker.v1.md"), "utf8")).toContain("# Maker");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
