import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";

/**
 * Creates a throw-away directory for one test, optionally filled with files (relative path → content),
 * and removes it when the test ends (pass or fail). Returns the absolute path of the directory.
 */
export async function testdir(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "highstate-test-"));
  onTestFinished(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return dir;
}
