import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let memo: string | undefined;

/**
 * The version of `@highstate/runner` that is running, read from its `package.json` (found by walking up
 * from this module, which works from the source tree and from the bundled `dist`).
 */
export function runnerVersion(): string {
  if (memo !== undefined) return memo;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "@highstate/runner" && typeof pkg.version === "string") {
        memo = pkg.version;
        return memo;
      }
    } catch {
      // No package.json here; keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  memo = "0.0.0";
  return memo;
}
