import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { acquireWorkspaceLock, BrokenWorkspaceLockError, readWorkspaceLock, staleLockTempFiles, WorkspaceLockedError } from "./lock.js";

const holderScript = join(import.meta.dirname, "__fixtures__", "lock-holder.ts");

interface Holder {
  child: ChildProcess;
  /** Everything the holder printed, once it has exited. */
  output: Promise<string>;
  /** The first line it printed. */
  line: Promise<string>;
  /** Resolves with the next line it prints after the lines already taken. */
  nextLine: () => Promise<string>;
}

function startHolder(dir: string, mode: "hold" | "exit" | "race"): Holder {
  const child = spawn(process.execPath, ["--import", "tsx", holderScript, dir, mode], { stdio: ["pipe", "pipe", "pipe"] });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  let taken = 0;
  const waiters: (() => void)[] = [];
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  child.on("exit", () => {
    for (const wake of waiters.splice(0)) wake();
  });
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const lines = stdout.split("\n");
      if (lines.length - 1 > taken) return lines[taken++]!;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`holder exited with ${child.exitCode}: ${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const output = new Promise<string>((resolve) => child.on("exit", () => resolve(stdout)));
  return { child, output, line: nextLine(), nextLine };
}

/** Starts `count` racers, lets them all try at once when every one is ready, and returns their answers. */
async function race(dir: string, count: number): Promise<string[]> {
  const racers = Array.from({ length: count }, () => startHolder(dir, "race"));
  expect(await Promise.all(racers.map((racer) => racer.line))).toEqual(racers.map(() => "ready"));
  for (const racer of racers) racer.child.stdin!.write("go\n");
  const results = await Promise.all(racers.map((racer) => racer.nextLine()));
  for (const racer of racers) racer.child.stdin!.end();
  await Promise.all(racers.map((racer) => racer.output));
  return results;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("acquireWorkspaceLock", () => {
  it("refuses a second process, naming the holder, and recovers the lock after the holder is killed", async () => {
    const dir = await testdir();
    const { child, line } = startHolder(dir, "hold");
    expect(await line).toBe("locked");
    const error = await acquireWorkspaceLock(dir, { command: "highstate up" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkspaceLockedError);
    const locked = error as WorkspaceLockedError;
    expect(locked.holder).toMatchObject({ pid: child.pid, command: "highstate designer", hostname: hostname() });
    expect(Date.now() - Date.parse(locked.holder.since)).toBeLessThan(60_000);
    expect(locked.message).toContain(`process ${child.pid} ("highstate designer") on host "${hostname()}" since ${locked.holder.since}`);

    await kill(child);
    const lock = await acquireWorkspaceLock(dir, { command: "highstate up" });
    expect((await readWorkspaceLock(dir))?.pid).toBe(process.pid);
    await lock.release();
    expect(await readWorkspaceLock(dir)).toBeUndefined();
  });

  it("is released when the holder exits without releasing it", async () => {
    const dir = await testdir();
    const { line, output } = startHolder(dir, "exit");
    expect(await line).toBe("locked");
    await output;
    expect(await readdir(join(dir, ".highstate"))).toEqual([]);
  });

  it("lets exactly one of several racing processes take it", async () => {
    const dir = await testdir();
    const results = await race(dir, 5);
    expect(results.filter((result) => result === "acquired")).toHaveLength(1);
    expect(results.filter((result) => result === "refused")).toHaveLength(4);
  }, 120_000);

  it("lets exactly one of several racing processes recover a stale lock", async () => {
    const dir = await testdir();
    const dead = startHolder(dir, "hold");
    await dead.line;
    await kill(dead.child);
    const stale = await readWorkspaceLock(dir);
    expect(stale?.pid).toBe(dead.child.pid);
    const results = await race(dir, 5);
    expect(results.filter((result) => result === "acquired")).toHaveLength(1);
    expect(results.filter((result) => result === "refused")).toHaveLength(4);
  }, 120_000);

  it("refuses a second acquisition in the same process until released", async () => {
    const dir = await testdir();
    const lock = await acquireWorkspaceLock(dir, { command: "first" });
    await expect(acquireWorkspaceLock(dir, { command: "second" })).rejects.toBeInstanceOf(WorkspaceLockedError);
    await lock.release();
    await lock.release();
    const again = await acquireWorkspaceLock(dir, { command: "second" });
    expect(again.holder.command).toBe("second");
    await again.release();
  });

  it("does not recover a lock held on another host", async () => {
    const dir = await testdir({
      ".highstate/workspace.lock": JSON.stringify({
        pid: 1,
        command: "highstate designer",
        hostname: "elsewhere",
        since: "2030-01-01T00:00:00.000Z",
        token: "t",
      }),
    });
    await expect(acquireWorkspaceLock(dir, { command: "x" })).rejects.toThrow(
      /process 1 \("highstate designer"\) on host "elsewhere" since 2030-01-01T00:00:00.000Z/,
    );
  });

  it("recovers a lock that names this process but was not taken by it, and a corrupt old lock", async () => {
    const leftover = await testdir({
      ".highstate/workspace.lock": JSON.stringify({
        pid: process.pid,
        command: "old",
        hostname: hostname(),
        since: "2030-01-01T00:00:00.000Z",
        token: "old",
      }),
    });
    await (await acquireWorkspaceLock(leftover, { command: "new" })).release();

    const corrupt = await testdir();
    const lockFile = join(corrupt, ".highstate", "workspace.lock");
    await (await acquireWorkspaceLock(corrupt, { command: "x" })).release();
    await writeFile(lockFile, "{ truncated");
    const { utimes } = await import("node:fs/promises");
    await utimes(lockFile, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const lock = await acquireWorkspaceLock(corrupt, { command: "y" });
    expect(JSON.parse(await readFile(lockFile, "utf8")).command).toBe("y");
    await lock.release();
  });

  it("refuses a lock that is a folder or a symbolic link with what to do, instead of saying it keeps changing", async () => {
    for (const make of [
      (lock: string) => mkdir(lock),
      (lock: string) => symlink("/nonexistent/target", lock),
      (lock: string) => symlink("/", lock),
    ]) {
      const dir = await testdir({ ".highstate/.keep": "" });
      const lock = join(dir, ".highstate", "workspace.lock");
      await make(lock);
      const error = await acquireWorkspaceLock(dir, { command: "test" }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BrokenWorkspaceLockError);
      expect((error as Error).message).toMatch(/is a (folder|symbolic link), not a lock file.*Remove it/);
    }
  });

  it("removes temp files that processes killed while taking the lock left behind", async () => {
    const dir = await testdir({
      ".highstate/workspace.lock.999999991.a1b2c3d4e5f6.tmp": "{}",
      ".highstate/workspace.lock.999999992.0a0b0c0d0e0f.tmp": "{}",
      [`.highstate/workspace.lock.${process.pid}.abcdefabcdef.tmp`]: "{}",
    });
    const lockFile = join(dir, ".highstate", "workspace.lock");
    expect((await staleLockTempFiles(lockFile)).length).toBe(2);
    const lock = await acquireWorkspaceLock(dir, { command: "test" });
    await lock.release();
    expect(await staleLockTempFiles(lockFile)).toEqual([]);
    // A temp file of a live process (this one) is left alone.
    expect(await readdir(join(dir, ".highstate"))).toContain(`workspace.lock.${process.pid}.abcdefabcdef.tmp`);
  });

  it("escapes control characters (ANSI escapes) another process wrote into the lock", async () => {
    const holder = {
      pid: 1,
      command: "\u001b[2J\u001b]0;pwned\u0007highstate up",
      hostname: "other-host",
      since: "2026-01-01T00:00:00Z",
      token: "t",
    };
    const dir = await testdir({ ".highstate/workspace.lock": JSON.stringify(holder) });
    const error = await acquireWorkspaceLock(dir, { command: "test" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkspaceLockedError);
    expect((error as Error).message).not.toContain("\u001b");
    expect((error as Error).message).not.toContain("\u0007");
    expect((error as Error).message).toContain("\\u001b[2J\\u001b]0;pwned\\u0007highstate up");
  });
});
