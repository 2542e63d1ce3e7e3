/**
 * Commands that write the workspace hold its lock while they do, so a running designer or another
 * CLI process never sees a half-made change. A second writer fails at once naming the holder, or with
 * `--wait <duration>` waits for the lock, showing how long it will still wait.
 */
import { acquireWorkspaceLock, WorkspaceLockedError } from "../workspace/lock.js";
import type { CommandContext, OptionSpec } from "./command.js";
import { CliError, UsageError } from "./errors.js";

/** The `--wait` option of every command that writes the workspace. */
export const waitOption: Record<"wait", OptionSpec> = {
  wait: {
    type: "string",
    valueName: "<duration>",
    description:
      "When another process (e.g. the designer) is using the workspace, wait up to this long for it (e.g. 90s, 5m, 1h) instead of failing",
  },
};

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration like `90`, `90s`, `5m`, `1h` or `500ms` (a bare number is seconds) into
 * milliseconds.
 *
 * @throws UsageError naming the option when the text is not a duration.
 */
export function parseDuration(text: string, option = "--wait"): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${option} takes a duration like 90s, 5m or 1h, not "${text}"`);
  const ms = Number(match[1]) * units[match[2] ?? "s"]!;
  if (!Number.isFinite(ms) || ms > 7 * 24 * 3_600_000) throw new UsageError(`${option} takes at most a week, not "${text}"`);
  return Math.round(ms);
}

/** Formats the time left as `4m 05s` or `12s`. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1_000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** Options of {@link withWorkspaceLock}. */
export interface WorkspaceLockOptions {
  /** How often to try again while waiting (default 250 ms). */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `task` while holding the workspace lock, and releases it however the task ends. When another
 * process holds it, fails (the running command's `--wait` decides; its stderr shows the countdown) with the holder named and the `--wait` hint, or waits as long as `--wait`
 * allows, showing a countdown (rewritten in place on a terminal, a line every 15 s otherwise).
 */
export async function withWorkspaceLock<T>(
  context: CommandContext | undefined,
  root: string,
  command: string,
  task: () => Promise<T>,
  options: WorkspaceLockOptions = {},
): Promise<T> {
  const waitValue = context?.values.wait;
  const waitMs = typeof waitValue === "string" ? parseDuration(waitValue) : undefined;
  const started = Date.now();
  const stderr = context?.io.stderr;
  const tty = stderr?.isTTY === true;
  let lastLine = 0;
  let shown = false;
  let lock: Awaited<ReturnType<typeof acquireWorkspaceLock>>;
  for (;;) {
    try {
      lock = await acquireWorkspaceLock(root, { command });
      break;
    } catch (error) {
      if (!(error instanceof WorkspaceLockedError)) throw error;
      const holder = `process ${error.holder.pid} ("${error.holder.command}")`;
      if (waitMs === undefined) {
        throw new CliError(`${error.message} To wait for it instead, run the command again with --wait <duration> (e.g. --wait 5m).`, 1, {
          cause: error,
        });
      }
      const left = waitMs - (Date.now() - started);
      if (left <= 0) {
        if (tty && shown) stderr?.write("\n");
        throw new CliError(
          `Gave up after waiting ${formatRemaining(waitMs)} for the workspace: it is still in use by ${holder} on host "${error.holder.hostname}" since ${error.holder.since}. Stop that process, or wait longer with a larger --wait.`,
          1,
          { cause: error },
        );
      }
      const line = `Waiting for the workspace, in use by ${holder}: giving up in ${formatRemaining(left)}`;
      if (tty) {
        stderr?.write(`\r\x1b[2K${line}`);
        shown = true;
      } else if (!shown || Date.now() - lastLine >= 15_000) {
        context?.note(line);
        shown = true;
        lastLine = Date.now();
      }
      await sleep(Math.min(options.pollMs ?? 250, left));
    }
  }
  if (tty && shown) stderr?.write(`\r\x1b[2KThe workspace is free; going on.\n`);
  else if (shown) context?.note("The workspace is free; going on.");
  try {
    return await task();
  } finally {
    await lock.release();
  }
}
