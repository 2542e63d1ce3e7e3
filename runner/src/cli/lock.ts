/**
 * Commands that write the workspace hold its lock while they do, so a running designer or another
 * CLI process never sees a half-made change; a second writer gets `WorkspaceLockedError` naming the
 * holder.
 */
import { acquireWorkspaceLock } from "../workspace/lock.js";

/** Runs `task` while holding the workspace lock, and releases it however the task ends. */
export async function withWorkspaceLock<T>(root: string, command: string, task: () => Promise<T>): Promise<T> {
  const lock = await acquireWorkspaceLock(root, { command });
  try {
    return await task();
  } finally {
    await lock.release();
  }
}
