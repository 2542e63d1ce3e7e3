// Saves a project-like file in an endless loop until killed; used by the kill -9 test.
import { writeFileAtomic } from "../atomic-write.js";
import { versionContent } from "./versions.js";

const file = process.argv[2];
if (!file) throw new Error("usage: atomic-writer <file>");
let version = Number(process.argv[3] ?? "1");
for (;;) {
  await writeFileAtomic(file, versionContent(version));
  process.stdout.write(`${version}\n`);
  version += 1;
}
