import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { pulumiModulesLoadedOnImport } from "./test/index.js";

const packageDir = join(import.meta.dirname, "..");
const fromSource = { cwd: packageDir, conditions: ["@highstate/source"], loader: "tsx" };

describe("importing definitions does not load Pulumi", () => {
  test("@highstate/contract", async () => {
    expect(await pulumiModulesLoadedOnImport(["@highstate/contract"], fromSource)).toEqual([]);
  });

  test("a definitions-only module", async () => {
    const definitions = pathToFileURL(join(import.meta.dirname, "__fixtures__/definitions.ts")).href;
    expect(await pulumiModulesLoadedOnImport([definitions], fromSource)).toEqual([]);
  });

  test("while a program module does (so the check can see Pulumi when it is loaded)", async () => {
    const program = pathToFileURL(join(import.meta.dirname, "__fixtures__/bucket.ts")).href;
    const loaded = await pulumiModulesLoadedOnImport([program], fromSource);
    expect(loaded.some((path) => /[\\/]@pulumi[\\/]pulumi[\\/]index\.js$/.test(path))).toBe(true);
  });
});
