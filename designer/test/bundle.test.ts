/**
 * The production build's first load (entry chunk + its static imports, from Vite's manifest): under
 * 1.5 MB of JavaScript, without the benchmark's hooks, and with the Material Design Icons split into
 * on-demand buckets that hold the icons where the runtime looks for them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { type FirstLoad, readFirstLoad } from "../bench/first-load.ts";
import { iconBucket, iconBucketCount } from "../src/icons/icon-buckets.ts";
import { ensureDesignerBuilt } from "./support/designer-process.ts";

let dist: string;
let firstLoad: FirstLoad;

beforeAll(async () => {
  dist = await ensureDesignerBuilt();
  firstLoad = readFirstLoad(dist);
}, 300_000);

describe("the production bundle", () => {
  test("loads less than 1.5 MB of JavaScript first", () => {
    expect(firstLoad.files.length).toBeGreaterThan(0);
    console.log(`first load: ${(firstLoad.bytes / 1e6).toFixed(2)} MB in ${firstLoad.files.join(", ")}`);
    expect(firstLoad.bytes).toBeLessThan(1_500_000);
  });

  test("has no benchmark hooks in the first load", () => {
    expect(firstLoad.benchHooks).toBe(false);
    const entry = readFileSync(join(dist, firstLoad.files[0]!), "utf8");
    expect(entry).not.toContain("__bench");
    expect(entry).not.toContain("panProgrammatic");
  });

  test("loads component icons on demand, one small bucket at a time", async () => {
    const buckets = firstLoad.lazyFiles.filter((file) => /\/mdi-\d+-/.test(file));
    expect(buckets).toHaveLength(iconBucketCount);
    const set = JSON.parse(readFileSync(join(import.meta.dirname, "../../node_modules/@iconify-json/mdi/icons.json"), "utf8")) as {
      icons: Record<string, { body: string }>;
      aliases: Record<string, { parent: string }>;
    };
    // No icon body from the set is in the first load.
    const first = firstLoad.files.map((file) => readFileSync(join(dist, file), "utf8")).join("\n");
    expect(first).not.toContain(set.icons.kubernetes!.body);
    // The bucket the runtime computes for a name holds its body (aliases resolved to their parent's).
    for (const name of ["kubernetes", "server", "database", "dns", "create"]) {
      const bucket = buckets.find((file) => file.includes(`/mdi-${iconBucket(name)}-`))!;
      const icons = ((await import(pathToFileURL(join(dist, bucket)).href)) as { default: Record<string, string> }).default;
      const parent = set.aliases[name]?.parent ?? name;
      expect(icons[name]).toBe(set.icons[parent]!.body);
    }
    const largest = Math.max(...buckets.map((file) => readFileSync(join(dist, file)).length));
    expect(largest).toBeLessThan(64_000);
  });
});
