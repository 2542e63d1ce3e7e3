import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The shell scripts this package ships in its `scripts/` folder. */
export type DatabaseScriptName =
  | "postgresql-backup.sh"
  | "postgresql-restore.sh"
  | "postgresql-create-database.sh"
  | "postgresql-physical-backup.sh"
  | "postgresql-physical-restore.sh"
  | "mariadb-backup.sh"
  | "mariadb-restore.sh"
  | "mariadb-create-database.sh"
  | "mariadb-physical-backup.sh"
  | "mariadb-physical-restore.sh";

/** The absolute path of a script shipped in the package's `scripts/` folder (found through the package's own `package.json`). */
export function databaseScriptPath(name: DatabaseScriptName): string {
  const packageJson = createRequire(import.meta.url).resolve("@highstate/databases/package.json");
  return join(dirname(packageJson), "scripts", name);
}

/** The text of a shipped script, for a ConfigMap. */
export function databaseScript(name: DatabaseScriptName): string {
  return readFileSync(databaseScriptPath(name), "utf8");
}
