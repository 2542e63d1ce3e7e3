import { describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { acquireWorkspaceLock } from "../workspace/lock.js";
import type { CommandContext } from "./command.js";
import { CliError, UsageError } from "./errors.js";
import { formatRemaining, parseDuration, withWorkspaceLock } from "./lock.js";

describe("--wait durations", () => {
  it("parses seconds, minutes, hours and milliseconds; a bare number is seconds", () => {
    expect(parseDuration("90")).toBe(90_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("250ms")).toBe(250);
  });

  it("rejects what is not a duration, naming the option", () => {
    for (const text of ["", "soon", "5 minutes", "-1s", "1d"]) expect(() => parseDuration(text)).toThrow(UsageError);
    expect(() => parseDuration("8000h")).toThrow("--wait takes at most a week");
  });

  it("formats the time left", () => {
    expect(formatRemaining(12_300)).toBe("13s");
    expect(formatRemaining(65_000)).toBe("1m 05s");
    expect(formatRemaining(3_720_000)).toBe("1h 02m");
    expect(formatRemaining(-5)).toBe("0s");
  });
});

describe("withWorkspaceLock on a terminal", () => {
  it("rewrites one countdown line in place and gives up naming the holder", async () => {
    const dir = await testdir();
    const held = await acquireWorkspaceLock(dir, { command: "highstate designer" });
    let stderr = "";
    const context = {
      io: { stderr: { isTTY: true, write: (chunk: string) => (stderr += chunk) } },
      values: { wait: "300ms" },
      note: (text: string) => (stderr += `${text}\n`),
    } as unknown as CommandContext;
    let ran = false;
    const error = await withWorkspaceLock(
      context,
      dir,
      "highstate up",
      async () => {
        ran = true;
      },
      { pollMs: 50 },
    ).catch((caught: unknown) => caught);
    await held.release();
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toContain(`still in use by process ${process.pid} ("highstate designer")`);
    // Each countdown update clears the line and rewrites it; no line feed until it gives up.
    const updates = stderr.split("\r\x1b[2K").filter((part) => part !== "");
    expect(updates.length).toBeGreaterThan(0);
    for (const update of updates.slice(0, -1))
      expect(update).toMatch(/^Waiting for the workspace, in use by process \d+ \("highstate designer"\): giving up in \ds$/);
    expect(stderr.endsWith("\n")).toBe(true);
  });
});
