import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureContractBuilt } from "../registry/__fixtures__/plugin-workspace.js";
import { cliWorkspace } from "./__fixtures__/cli-harness.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const runnerDir = resolve(import.meta.dirname, "../..");
const tsxLoader = pathToFileURL(createRequire(join(runnerDir, "package.json")).resolve("tsx")).href;
const mainModule = pathToFileURL(join(runnerDir, "src", "cli", "main.ts")).href;

/** Runs the CLI as `highstate <argv> | head -c 100` would: the reader closes the pipe after the first chunk. */
function runIntoClosedPipe(
  argv: string[],
  cwd: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; firstChunk: string }> {
  const script = `const { main } = await import(${JSON.stringify(mainModule)}); process.exitCode = await main(process.argv.slice(1));`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", tsxLoader, "--conditions=@highstate/source", "--input-type=module", "-e", script, "--", ...argv],
      {
        cwd,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    let firstChunk = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once("data", (chunk: Buffer) => {
      firstChunk = chunk.toString();
      child.stdout.destroy();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stderr, firstChunk }));
  });
}

describe("the highstate process", () => {
  it("ends quietly when the reader of its output goes away (EPIPE), without a stack trace", async () => {
    const dir = await cliWorkspace();
    // Far more output than a pipe buffers, so writes after the reader left fail with EPIPE.
    const instances = Array.from({ length: 3000 }, (_, index) => ({
      id: `acme.machine.v1:machine-${index}`,
      type: "acme.machine.v1",
      name: `machine-${index}`,
      uid: `m${String(index).padStart(11, "0")}`,
    }));
    await writeFile(join(dir, "projects", "big.json"), `${JSON.stringify({ version: 1, instances }, null, 2)}\n`);
    for (let round = 0; round < 3; round++) {
      const run = await runIntoClosedPipe(["instances", "list", "--project", "big"], dir);
      expect(run.firstChunk.length).toBeGreaterThan(0);
      expect(run.stderr).toBe("");
      expect(run.signal).toBeNull();
      expect(run.code).toBe(0);
    }
  }, 120_000);
});
