// Runs every runner benchmark (bench/*.bench.ts) in turn with tsx on live source and prints their figures.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dirname;
const benches = readdirSync(dir)
  .filter((name) => name.endsWith(".bench.ts"))
  .sort();
for (const name of benches) {
  console.log(`\n# ${name}`);
  execFileSync("npx", ["tsx", "--conditions=@highstate/source", join(dir, name)], { stdio: "inherit", cwd: join(dir, "..") });
}
