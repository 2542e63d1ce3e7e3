/**
 * Every pending changeset is one `changeset version` can read: front matter of `"<package>": <bump>`
 * lines naming published workspace packages, then a summary. A formatter that rewrites the front
 * matter (as a Markdown formatter does when it takes `"@x/y": minor` for a heading) would otherwise go
 * unnoticed until the release.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import parse from "@changesets/parse";
import { describe, expect, it } from "vitest";
import { repositoryRoot, workspacePackages } from "./workspace-packages.js";

const folder = join(repositoryRoot, ".changeset");
const files = readdirSync(folder)
  .filter((name) => name.endsWith(".md") && name !== "README.md")
  .sort();
const published = new Set(
  workspacePackages()
    .filter((pkg) => !pkg.json.private)
    .map((pkg) => pkg.json.name),
);

describe("pending changesets", () => {
  it("exist", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s names published packages with a bump and has a summary", (name) => {
    const text = readFileSync(join(folder, name), "utf8");
    expect(text.startsWith("---\n"), `${name} must start with a front matter line ---`).toBe(true);
    const changeset = parse(text);
    expect(changeset.releases.length, `${name} names no package`).toBeGreaterThan(0);
    for (const release of changeset.releases) {
      expect(published, `${name} names ${release.name}, which is not a published workspace package`).toContain(release.name);
      expect(["major", "minor", "patch"]).toContain(release.type);
    }
    expect(changeset.summary.trim().length, `${name} has no summary`).toBeGreaterThan(0);
    expect(changeset.summary, `${name}: the summary starts with front matter left over`).not.toMatch(/^#+\s*"/);
  });
});
