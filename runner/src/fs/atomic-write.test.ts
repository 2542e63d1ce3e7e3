import { spawn } from "node:child_process";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { parseVersion, versionContent } from "./__fixtures__/versions.js";
import { ensurePrivateDir, readFileIfExists, readSmallFiles, writeFileAtomic } from "./atomic-write.js";

const writer = join(import.meta.dirname, "__fixtures__", "atomic-writer.ts");

function tempFiles(names: string[]): string[] {
  return names.filter((name) => name.endsWith(".tmp"));
}

/** Starts the looping writer, waits until it has saved `minWrites` versions, then SIGKILLs it at a random moment. */
async function runAndKill(file: string, startVersion: number, minWrites: number): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", writer, file, String(startVersion)], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      lines += chunk.toString().split("\n").length - 1;
      if (lines >= minWrites) resolve();
    });
    child.on("exit", (code) => reject(new Error(`writer exited early with ${code}: ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("writeFileAtomic", () => {
  it("writes new files and replaces existing ones", async () => {
    const dir = await testdir({ "a.json": "old\n" });
    await writeFileAtomic(join(dir, "a.json"), "new\n");
    await writeFileAtomic(join(dir, "b.json"), new Uint8Array([104, 105]));
    expect(await readFile(join(dir, "a.json"), "utf8")).toBe("new\n");
    expect(await readFile(join(dir, "b.json"), "utf8")).toBe("hi");
    expect(await readdir(dir)).toEqual(["a.json", "b.json"]);
  });

  it("applies the mode to new files", async () => {
    const dir = await testdir();
    await writeFileAtomic(join(dir, "secret"), "x", { mode: 0o600 });
    expect((await stat(join(dir, "secret"))).mode & 0o777).toBe(0o600);
  });

  it("keeps the mode of an existing file, whatever the umask and the mode asked for", async () => {
    const dir = await testdir({ "secret.yaml": "a", "shared.json": "b" });
    await chmod(join(dir, "secret.yaml"), 0o600);
    await chmod(join(dir, "shared.json"), 0o664);
    await writeFileAtomic(join(dir, "secret.yaml"), "new", { mode: 0o644 });
    await writeFileAtomic(join(dir, "shared.json"), "new");
    expect((await stat(join(dir, "secret.yaml"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "shared.json"))).mode & 0o777).toBe(0o664);
    await writeFileAtomic(join(dir, "fresh.json"), "x");
    expect((await stat(join(dir, "fresh.json"))).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it("makes local data folders private and tightens ones an older version left open", async () => {
    const dir = await testdir();
    await mkdir(join(dir, ".highstate", "instances"), { recursive: true, mode: 0o755 });
    await chmod(join(dir, ".highstate"), 0o755);
    await chmod(join(dir, ".highstate", "instances"), 0o755);
    await ensurePrivateDir(join(dir, ".highstate", "instances", "prod"));
    for (const path of [".highstate", ".highstate/instances", ".highstate/instances/prod"]) {
      expect((await stat(join(dir, path))).mode & 0o777, path).toBe(0o700);
    }
  });

  it("removes its temp file and keeps the old content when the rename fails", async () => {
    const dir = await testdir({ "target/keep": "" });
    // Renaming a file over a non-empty directory fails after the temp file was written.
    await expect(writeFileAtomic(join(dir, "target"), "data")).rejects.toThrow();
    expect(tempFiles(await readdir(dir))).toEqual([]);
    expect(await readdir(join(dir, "target"))).toEqual(["keep"]);
  });

  it("fails without leaving anything when the directory is not writable", async () => {
    if (process.getuid?.() === 0) return; // root ignores permissions
    const dir = await testdir({ "a.json": "old" });
    await chmod(dir, 0o500);
    try {
      await expect(writeFileAtomic(join(dir, "a.json"), "new")).rejects.toMatchObject({ code: "EACCES" });
    } finally {
      await chmod(dir, 0o700);
    }
    expect(await readFile(join(dir, "a.json"), "utf8")).toBe("old");
  });

  it("removes temp files left by dead writers and keeps those of live ones", async () => {
    const dir = await testdir({
      ".a.json.999999999.abcdef.tmp": "partial",
      [`.a.json.${process.pid}.123456.tmp`]: "in flight",
      ".b.json.999999999.abcdef.tmp": "another file's",
    });
    await writeFileAtomic(join(dir, "a.json"), "complete");
    expect((await readdir(dir)).sort()).toEqual([`.a.json.${process.pid}.123456.tmp`, ".b.json.999999999.abcdef.tmp", "a.json"]);
  });

  it("reads missing files as undefined", async () => {
    const dir = await testdir({ "a.txt": "x" });
    expect(await readFileIfExists(join(dir, "a.txt"))).toBe("x");
    expect(await readFileIfExists(join(dir, "missing.txt"))).toBeUndefined();
  });

  it("survives kill -9: the file is always one complete version and temp files do not pile up", async () => {
    const dir = await testdir();
    const file = join(dir, "project.json");
    await writeFile(file, versionContent(0));
    let expectedAtLeast = 0;
    for (let round = 0; round < 20; round++) {
      const start = (round + 1) * 1000;
      await runAndKill(file, start, 1 + (round % 3));
      const version = parseVersion(await readFile(file, "utf8"));
      expect(version).toBeGreaterThanOrEqual(start);
      expect(version).toBeGreaterThan(expectedAtLeast);
      expectedAtLeast = version;
      // Each writer cleans up after the killed ones before it writes, so at most one temp file is left.
      expect(tempFiles(await readdir(dir)).length).toBeLessThanOrEqual(1);
    }
    await writeFileAtomic(file, versionContent(99));
    expect(await readdir(dir)).toEqual(["project.json"]);
    expect(parseVersion(await readFile(file, "utf8"))).toBe(99);
  }, 120_000);
});

describe("readSmallFiles", () => {
  it("reads files in the order given, across batches, with undefined for a missing one and the error for an unreadable one", async () => {
    const dir = await testdir({ "a.json": "A", "b.json": "B", "c.json": "C", "sub/d.json": "D" });
    const files = ["c.json", "missing.json", "a.json", "sub", "b.json", "sub/d.json"].map((name) => join(dir, name));
    let yielded = false;
    setImmediate(() => {
      yielded = true;
    });
    const texts = await readSmallFiles(files, 2);
    expect(texts.slice(0, 3)).toEqual(["C", undefined, "A"]);
    expect(texts[3]).toBeInstanceOf(Error);
    expect((texts[3] as NodeJS.ErrnoException).code).toBe("EISDIR");
    expect(texts.slice(4)).toEqual(["B", "D"]);
    expect(await readSmallFiles([])).toEqual([]);
    // Between batches the event loop ran (a server keeps answering while thousands of files are read).
    expect(yielded).toBe(true);
  });
});
