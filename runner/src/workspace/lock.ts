import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { link, lstat, mkdir, open, readdir, readFile, rmdir, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { HighstateError } from "@highstate/contract";
import { ensurePrivateDir, isProcessAlive } from "../fs/atomic-write.js";
import { workspacePaths } from "./paths.js";

/** Who holds a workspace lock, as written in `.highstate/workspace.lock`. */
export interface WorkspaceLockHolder {
  /** Process id of the holder. */
  pid: number;
  /** What the holder is doing, e.g. `highstate designer` or `highstate up web`. */
  command: string;
  /** Host name of the machine the holder runs on. */
  hostname: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The holder's process start time (Linux clock ticks since boot), to tell a reused pid from the holder. */
  startTime?: string;
  /** A random token identifying this acquisition. */
  token: string;
}

/** A held workspace lock. */
export interface WorkspaceLock {
  /** Who holds it (this process). */
  readonly holder: WorkspaceLockHolder;
  /** Releases the lock; calling it again does nothing. */
  release(): Promise<void>;
}

/** Shows a value written by another process without letting it drive the terminal: control characters (ANSI escapes) are escaped. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Thrown when the lock path is something other than a lock file (a folder, a symbolic link). */
export class BrokenWorkspaceLockError extends HighstateError {
  static override readonly code = "broken-workspace-lock";
  override name = "BrokenWorkspaceLockError";

  constructor(
    /** The lock path. */
    readonly file: string,
    /** What is there instead. */
    readonly found: string,
  ) {
    super(
      `The workspace lock "${file}" is ${found}, not a lock file; no Highstate process makes one. Remove it (e.g. \`rm -r "${file}"\`) and try again.`,
    );
  }
}

/** Thrown when another process holds the workspace lock; names the holder. */
export class WorkspaceLockedError extends HighstateError {
  static override readonly code = "workspace-locked";
  override name = "WorkspaceLockedError";

  constructor(
    /** The workspace directory. */
    readonly workspace: string,
    /** The lock file. */
    readonly file: string,
    /** Who holds the lock. */
    readonly holder: WorkspaceLockHolder,
  ) {
    super(
      `The workspace "${workspace}" is in use by process ${holder.pid} ("${printable(holder.command)}") on host "${printable(holder.hostname)}" since ${printable(String(holder.since))}. ` +
        `Wait for it to finish or stop it; if that process no longer runs, delete "${file}".`,
    );
  }
}

/** Tokens of the locks this process holds, by lock file. */
const held = new Map<string, string>();
let exitHandlerInstalled = false;

function releaseAllOnExit(): void {
  for (const [file, token] of held) {
    try {
      if ((JSON.parse(readFileSync(file, "utf8")) as WorkspaceLockHolder).token === token) unlinkSync(file);
    } catch {
      // Already gone or replaced: nothing to release.
    }
  }
  held.clear();
}

/** The start time of a process from `/proc/<pid>/stat` (Linux), or `undefined` elsewhere. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name start at field 3; the start time is field 22.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): WorkspaceLockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<WorkspaceLockHolder>;
    if (typeof holder.pid !== "number" || typeof holder.hostname !== "string" || typeof holder.token !== "string") return undefined;
    return { command: "unknown", since: "an unknown time", ...holder } as WorkspaceLockHolder;
  } catch {
    return undefined;
  }
}

/** Whether a lock holder is certainly gone: on this host, and its process is dead (or is another process now). */
function isStale(holder: WorkspaceLockHolder, file: string): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return held.get(file) !== holder.token;
  if (!isProcessAlive(holder.pid)) return true;
  const startTime = processStartTime(holder.pid);
  return holder.startTime !== undefined && startTime !== undefined && startTime !== holder.startTime;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the lock file with its content in one step: a complete temp file hard-linked to the lock name. */
async function createLockFile(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
    // File systems without hard links: exclusive create (readers treat a briefly empty file as being written).
    try {
      const exclusive = await open(file, "wx", 0o600);
      try {
        await exclusive.writeFile(content);
        await exclusive.sync();
      } finally {
        await exclusive.close();
      }
      return true;
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw fallbackError;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Removes a stale lock file, guarded by a short-lived recovery directory so two processes recovering
 * at once cannot remove a lock the other one has just taken.
 */
async function removeStaleLock(file: string, staleToken: string | undefined): Promise<void> {
  const guard = `${file}.recover`;
  try {
    await mkdir(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const age = Date.now() - ((await stat(guard).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > 10_000) await rmdir(guard).catch(() => undefined);
    return;
  }
  try {
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text !== undefined && parseHolder(text)?.token === staleToken) await unlink(file).catch(() => undefined);
  } finally {
    await rmdir(guard).catch(() => undefined);
  }
}

const lockTempPattern = /^\.?workspace\.lock\.(\d+)\.[0-9a-f]+\.tmp$/;

/** Temp files of lock attempts whose process is gone (killed while taking the lock): they are never used again. */
export async function staleLockTempFiles(lockFile: string): Promise<string[]> {
  const names = await readdir(dirname(lockFile)).catch(() => [] as string[]);
  const stale: string[] = [];
  for (const name of names) {
    const match = lockTempPattern.exec(name);
    if (match && Number(match[1]) !== process.pid && !isProcessAlive(Number(match[1]))) stale.push(join(dirname(lockFile), name));
  }
  return stale.sort();
}

async function removeStaleLockTempFiles(lockFile: string): Promise<void> {
  for (const path of await staleLockTempFiles(lockFile)) await unlink(path).catch(() => undefined);
}

/**
 * Takes the workspace lock, so only one process writes the workspace at a time. Throws
 * `WorkspaceLockedError` naming the holder (pid, command, host, since when) when another live process
 * holds it. A lock left by a dead process on this host is recovered automatically. The lock is
 * released by `release()` or, at the latest, when the process exits.
 */
export async function acquireWorkspaceLock(dir: string, options: { command: string }): Promise<WorkspaceLock> {
  const paths = workspacePaths(dir);
  const file = paths.lockFile;
  await ensurePrivateDir(paths.highstateDir);
  await removeStaleLockTempFiles(file);
  const startTime = processStartTime(process.pid);
  const holder: WorkspaceLockHolder = {
    pid: process.pid,
    command: options.command,
    hostname: hostname(),
    since: new Date().toISOString(),
    ...(startTime !== undefined ? { startTime } : {}),
    token: randomBytes(16).toString("hex"),
  };
  for (let attempt = 0; ; attempt++) {
    if (attempt > 200) throw new Error(`Could not take the workspace lock "${file}": it keeps changing; try again.`);
    if (await createLockFile(file, `${JSON.stringify(holder, null, 2)}\n`)) break;
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) {
      // Released meanwhile, unless the path is something no lock holder makes.
      const found = await lstat(file).catch(() => undefined);
      if (found?.isDirectory()) throw new BrokenWorkspaceLockError(file, "a folder");
      if (found?.isSymbolicLink()) throw new BrokenWorkspaceLockError(file, "a symbolic link");
      if (found && !found.isFile()) throw new BrokenWorkspaceLockError(file, "a special file");
      continue;
    }
    const current = parseHolder(text);
    if (!current) {
      const age = Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? 0);
      if (age < 2_000) {
        await sleep(20);
        continue;
      }
      await removeStaleLock(file, undefined);
      continue;
    }
    if (!isStale(current, file)) throw new WorkspaceLockedError(paths.root, file, current);
    await removeStaleLock(file, current.token);
    await sleep(attempt < 5 ? 0 : 20);
  }
  held.set(file, holder.token);
  if (!exitHandlerInstalled) {
    process.on("exit", releaseAllOnExit);
    exitHandlerInstalled = true;
  }
  let released = false;
  return {
    holder,
    async release() {
      if (released) return;
      released = true;
      held.delete(file);
      const text = await readFile(file, "utf8").catch(() => undefined);
      if (text !== undefined && parseHolder(text)?.token === holder.token) await unlink(file).catch(() => undefined);
    },
  };
}

/** Reads who holds the workspace lock, or `undefined` when nobody does (a stale holder is still returned). */
export async function readWorkspaceLock(dir: string): Promise<WorkspaceLockHolder | undefined> {
  const text = await readFile(workspacePaths(dir).lockFile, "utf8").catch(() => undefined);
  return text === undefined ? undefined : parseHolder(text);
}
