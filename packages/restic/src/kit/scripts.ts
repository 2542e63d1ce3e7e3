import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The names of the scripts the backup kit ships in its ConfigMap. */
export const kitScriptNames = ["common.sh", "backup.sh", "restore.sh"] as const;
/** A script the backup kit ships. */
export type KitScriptName = (typeof kitScriptNames)[number];

/** The marker file the restore job writes at the volume's root when the volume is ready for the app. */
export const restoreMarkerName = ".highstate-restore";

/**
 * The `scripts/` folder of this package. Found by walking up from this module to the package's own
 * `package.json`, so it works from the source (`src/kit/`), from the build (`dist/`, any chunk) and
 * when installed in `node_modules`.
 */
export function kitScriptsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "@highstate/restic") {
      return join(dir, "scripts");
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`Cannot find the scripts of @highstate/restic above "${fileURLToPath(import.meta.url)}": reinstall the package`);
    dir = parent;
  }
}

/** The kit's scripts, name → content, as they go into the ConfigMap. */
export function readKitScripts(): Record<KitScriptName, string> {
  const dir = kitScriptsDir();
  const scripts = {} as Record<KitScriptName, string>;
  for (const name of kitScriptNames) scripts[name] = readFileSync(join(dir, name), "utf8");
  return scripts;
}
