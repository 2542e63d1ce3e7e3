// Takes the workspace lock in a child process for the lock tests.
// Usage: lock-holder <workspace> <hold|exit|race>
//   hold: take the lock, print "locked", and wait to be killed.
//   exit: take the lock, print "locked" and exit without releasing it.
//   race: print "ready", wait for a line on stdin, try once, print "acquired" or "refused", and hold
//         until stdin closes. The test starts every racer before any tries and lets the winner go only
//         after all have answered, so however slowly a busy machine starts them, they really race.
import { once } from "node:events";
import { acquireWorkspaceLock, WorkspaceLockedError } from "../lock.js";

const [dir, mode] = process.argv.slice(2) as [string, string];
if (mode === "race") {
  process.stdout.write("ready\n");
  await once(process.stdin, "data");
  try {
    await acquireWorkspaceLock(dir, { command: `race ${process.pid}` });
    process.stdout.write("acquired\n");
  } catch (error) {
    process.stdout.write(error instanceof WorkspaceLockedError ? "refused\n" : `error ${String(error)}\n`);
  }
  process.stdin.resume();
  await once(process.stdin, "end");
} else {
  await acquireWorkspaceLock(dir, { command: "highstate designer" });
  process.stdout.write("locked\n");
  if (mode === "hold") setInterval(() => undefined, 1000);
  else process.exit(0);
}
