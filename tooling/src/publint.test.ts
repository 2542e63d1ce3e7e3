/** Runs publint on every built published package: what users install must resolve for every consumer. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { describe, expect, it } from "vitest";
import { workspacePackages } from "./workspace-packages.js";

describe("publint", () => {
  const published = workspacePackages().filter((pkg) => pkg.folder.startsWith("library/") || pkg.folder.startsWith("packages/"));
  for (const pkg of published) {
    it(`${pkg.json.name} passes publint`, async (context) => {
      if (!existsSync(join(pkg.dir, "dist"))) {
        console.warn(`skipped publint for ${pkg.json.name}: not built (run \`npm run build\`; \`npm test\` builds first)`);
        context.skip();
      }
      const { messages, pkg: manifest } = await publint({ pkgDir: pkg.dir, level: "warning", strict: true, pack: "npm" });
      const texts = messages.map((message) => formatMessage(message, manifest) ?? message.code);
      expect(texts).toEqual([]);
    });
  }
});
