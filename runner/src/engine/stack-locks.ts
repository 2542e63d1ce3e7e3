/**
 * Recovery of stale stack locks on the file (DIY) backend. A `pulumi` process killed hard leaves
 * `.pulumi/locks/organization/<project>/<stack>/<uuid>.json` behind and every later update fails with
 * "the stack is currently locked by". A lock written on this host by a process that no longer exists
 * is stale and removed; a lock of a live process (or of another host) is left alone.
 */
import { readdir, readFile, unlink } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { isProcessAlive } from "../fs/index.js";

/** The contents of a DIY backend lock file. */
export interface StackLockInfo {
  /** Absolute path of the lock file. */
  file: string;
  pid?: number;
  username?: string;
  hostname?: string;
  timestamp?: string;
}

/** The state directory of a `file://` backend URL, or `undefined` for any other backend. */
export function fileBackendDir(backendUrl: string, cwd: string = process.cwd()): string | undefined {
  if (!backendUrl.startsWith("file://")) return undefined;
  let path = decodeURIComponent(backendUrl.slice("file://".length).split("?")[0]!);
  if (path === "~" || path.startsWith("~/")) path = join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

async function listLocks(dir: string): Promise<StackLockInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const locks: StackLockInfo[] = [];
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    const file = join(dir, name);
    try {
      const data = JSON.parse(await readFile(file, "utf8")) as Omit<StackLockInfo, "file">;
      locks.push({ ...data, file });
    } catch {
      // A half-written lock belongs to a process that is writing it right now; treat it as live.
      locks.push({ file });
    }
  }
  return locks;
}

/** The lock files of a stack (project-scoped and legacy layouts). */
export async function readStackLocks(stateDir: string, project: string, stack: string): Promise<StackLockInfo[]> {
  const base = join(stateDir, ".pulumi", "locks");
  return [...(await listLocks(join(base, "organization", project, stack))), ...(await listLocks(join(base, stack)))];
}

/** Whether a lock was left by a process of this host that no longer runs. */
export function isStaleLock(lock: StackLockInfo, thisHost: string = hostname()): boolean {
  return lock.hostname === thisHost && typeof lock.pid === "number" && !isProcessAlive(lock.pid);
}

/**
 * Removes the stale locks of a stack on a file backend. Returns what was removed and the locks that
 * remain (held by live processes or other hosts). Other backends are left alone (`{ removed: [], live: [] }`).
 */
export async function recoverStaleLocks(
  backendUrl: string,
  project: string,
  stack: string,
  cwd?: string,
): Promise<{ removed: StackLockInfo[]; live: StackLockInfo[] }> {
  const stateDir = fileBackendDir(backendUrl, cwd);
  if (!stateDir) return { removed: [], live: [] };
  const removed: StackLockInfo[] = [];
  const live: StackLockInfo[] = [];
  for (const lock of await readStackLocks(stateDir, project, stack)) {
    if (isStaleLock(lock)) {
      await unlink(lock.file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      removed.push(lock);
    } else {
      live.push(lock);
    }
  }
  return { removed, live };
}

/** A one-line description of a lock for messages. */
export function describeLock(lock: StackLockInfo): string {
  return `created by ${lock.username ?? "?"}@${lock.hostname ?? "?"} (pid ${lock.pid ?? "?"}) at ${lock.timestamp ?? "?"}, file "${lock.file}"`;
}
