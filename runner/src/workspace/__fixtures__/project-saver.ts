// Saves a project through ProjectStore in an endless loop until killed; used by the kill -9 test.
// Usage: project-saver <workspace> <first version>
import { ProjectStore } from "../project-store.js";
import { projectVersion } from "./project-versions.js";

const [dir, first] = process.argv.slice(2) as [string, string];
const store = new ProjectStore(dir);
for (let version = Number(first); ; version++) {
  await store.save("prod", projectVersion(version));
  process.stdout.write(`${version}\n`);
}
