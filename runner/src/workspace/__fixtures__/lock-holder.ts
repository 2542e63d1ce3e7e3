// Takes the workspace lock in a child process for the lock tests.
// Usage: lock-holder <workspace> <hold|exit|race>
//   hold: take the lock, print "locked", and wait to be killed.
//   exit: take the lock, print "locked" and exit without releasing it.
//   race: try once, print "acquired" or "refused", hold for a moment, then exit.
import { acquireWorkspaceLock, WorkspaceLockedError } from "../lock.js";

const [dir, mode] = process.argv.slice(2) as [string, string];
if (mode === "race") {
  try {
    await acquireWorkspaceLock(dir, { command: `race ${process.pid}` });
    process.stdout.write("acquired\n");
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } catch (error) {
    process.stdout.write(error instanceof WorkspaceLockedError ? "refused\n" : `error ${String(error)}\n`);
  }
} else {
  await acquireWorkspaceLock(dir, { command: "highstate designer" });
  process.stdout.write("locked\n");
  if (mode === "hold") setInterval(() => undefined, 1000);
  else process.exit(0);
}
