import { randomBytes } from "node:crypto";
import { constants, readFileSync } from "node:fs";
import { access, chmod, mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { decodeUtf8Strict } from "./strict-text.js";

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * File mode of a newly written file, e.g. `0o600` for files only the user may read. Default `0o644`
   * (before umask). A file that already exists keeps its own mode (a `chmod 600` survives every write).
   */
  mode?: number;
}

/** Temp files older than this are removed even when their writer's pid looks alive (pids get reused). */
const staleTempAgeMs = 60 * 60 * 1000;

function tempPrefix(file: string): string {
  return `.${basename(file)}.`;
}

/** Builds the temp file name `.<name>.<pid>.<random>.tmp` next to the target, so a reader can tell whose it is. */
function tempName(file: string): string {
  return join(dirname(file), `${tempPrefix(file)}${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Tells whether a process with this pid exists (on this host). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temp files a killed writer left behind for this target: those whose pid is dead, or that are
 * older than an hour. Temp files of live writers (including this process) are left alone.
 */
async function removeStaleTempFiles(file: string): Promise<void> {
  const dir = dirname(file);
  const prefix = tempPrefix(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const match = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    const path = join(dir, name);
    let stale = pid !== process.pid && !isProcessAlive(pid);
    if (!stale) {
      try {
        stale = Date.now() - (await stat(path)).mtimeMs > staleTempAgeMs;
      } catch {
        continue;
      }
    }
    if (stale) await unlink(path).catch(() => undefined);
  }
}

/** Flushes a directory entry to disk, so a rename inside it survives a crash. Not supported everywhere (Windows). */
async function fsyncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes a file so that readers (and a crash at any point) see either the old or the new complete
 * content: the data goes to a temp file in the same directory, which is flushed to disk, renamed over
 * the target, and the directory is flushed. The temp file is removed when anything fails; temp files
 * left by a killed writer are removed by the next write of the same file.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  await removeStaleTempFiles(file);
  const existingMode = await stat(file).then(
    (info) => info.mode & 0o7777,
    () => undefined,
  );
  const temp = tempName(file);
  // Only the owner can read the temp file while it is written; it gets its final mode before the rename.
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  let renamed = false;
  try {
    try {
      if (existingMode !== undefined) await handle.chmod(existingMode);
      else if ((options.mode ?? 0o644) !== 0o600) await handle.chmod((options.mode ?? 0o644) & ~currentUmask());
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    renamed = true;
    await fsyncDirectory(dirname(file));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

let umaskValue: number | undefined;

/** The process umask, read once (reading it means setting it, so it is set straight back). */
function currentUmask(): number {
  if (umaskValue === undefined) {
    const mask = process.umask(0o022);
    process.umask(mask);
    umaskValue = mask;
  }
  return umaskValue;
}

const fixedPrivateDirs = new Set<string>();

/**
 * Creates a folder of the workspace's local data (under `.highstate/`) readable only by the user
 * (0700), and tightens the folders from `.highstate` down to it when an older version created them
 * world-readable. Secrets never sit there in plaintext, but state, outputs and logs are nobody else's
 * business on a shared machine.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  if (fixedPrivateDirs.has(dir)) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const marker = `${sep}.highstate`;
  const at =
    dir.lastIndexOf(`${marker}${sep}`) >= 0 ? dir.lastIndexOf(`${marker}${sep}`) : dir.endsWith(marker) ? dir.length - marker.length : -1;
  if (at >= 0) {
    let current = dir.slice(0, at + marker.length);
    const rest = dir.slice(current.length).split(sep).filter(Boolean);
    for (let index = 0; ; index++) {
      const info = await stat(current);
      if ((info.mode & 0o077) !== 0) await chmod(current, info.mode & 0o700);
      if (index >= rest.length) break;
      current = join(current, rest[index]!);
    }
  }
  fixedPrivateDirs.add(dir);
}

/** Reads a file as UTF-8, or returns `undefined` when it does not exist. */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Reads many small text files (`undefined` for one that does not exist, the error for one that cannot
 * be read), in the order given. Asynchronous reads cost several thread-pool round trips per file, which
 * for thousands of small files is ten times slower than reading them synchronously; so they are read
 * synchronously, a batch at a time, yielding to the event loop between batches so a server stays
 * responsive.
 */
export async function readSmallFiles(files: readonly string[], batchSize = 200): Promise<Array<string | undefined | Error>> {
  const texts: Array<string | undefined | Error> = new Array(files.length);
  for (let start = 0; start < files.length; start += batchSize) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const end = Math.min(files.length, start + batchSize);
    for (let position = start; position < end; position += 1) {
      try {
        texts[position] = decodeUtf8Strict(readFileSync(files[position]!), files[position]!);
      } catch (error) {
        texts[position] = (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : (error as Error);
      }
    }
  }
  return texts;
}

/** Whether a file or folder exists (any error other than "not found", such as a permission problem, is thrown). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Whether a file exists and this process may execute it. */
export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
