/**
 * The `highstate` command line: `main(argv)` runs one command and resolves to the exit code (0 on
 * success, 1 on an error, 2 on a usage error). Errors are printed as one message; HIGHSTATE_DEBUG=1
 * prints stacks and causes too. With `--json`, an error is also printed on stdout as
 * `{ "error": { "code", "message", "exitCode" } }`.
 */

import { runnerVersion } from "../registry/runner-version.js";
import { formatHelp, runCommand } from "./command.js";
import { type CommandEntry, commandTable } from "./command-table.js";
import { errorJson, exitCodeOf, formatError, UsageError, wantsJson } from "./errors.js";
import { type CliIo, processIo } from "./io.js";
import { installProcessHandlers } from "./process-signals.js";

export { commandTable } from "./command-table.js";
export type { CliIo } from "./io.js";

function overview(table: Record<string, CommandEntry>): string {
  const names = Object.keys(table);
  const width = Math.max(...names.map((name) => name.length));
  return [
    "Usage: highstate <command> [options]",
    "",
    "Highstate: a visual infrastructure orchestrator on Pulumi.",
    "",
    "Commands:",
    ...names.map((name) => `  ${name.padEnd(width)}  ${table[name]!.summary}`),
    "",
    "Global options:",
    "  -C, --cwd <dir>  Run in this workspace (default: the nearest workspace above the current directory)",
    "  -h, --help       Show help (`highstate <command> --help` for one command)",
    "  -v, --version    Show the version",
    "",
    "Environment: HIGHSTATE_PASSWORD (project password), HIGHSTATE_PROJECT (default project), HIGHSTATE_DEBUG=1 (stack traces).",
    "",
  ].join("\n");
}

function closest(name: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i += 1) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j += 1) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  const scored = candidates.map((candidate) => [candidate, distance(name, candidate)] as const).sort((a, b) => a[1] - b[1]);
  return scored[0] && scored[0][1] <= 2 ? scored[0][0] : undefined;
}

/** Runs the CLI with the given arguments (without `node` and the script) and resolves to the exit code. */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  if (io === undefined) {
    installProcessHandlers();
    io = processIo();
  }
  const debug = Boolean(io.env.HIGHSTATE_DEBUG && io.env.HIGHSTATE_DEBUG !== "0");
  try {
    // Global options may come before the command; they are handed on to it.
    const leading: string[] = [];
    let index = 0;
    while (index < argv.length && argv[index]!.startsWith("-")) {
      const arg = argv[index]!;
      if (arg === "-v" || arg === "--version") {
        io.stdout.write(`${runnerVersion()}\n`);
        return 0;
      }
      if (arg === "-h" || arg === "--help") {
        io.stdout.write(overview(commandTable));
        return 0;
      }
      if (arg === "-C" || arg === "--cwd") {
        if (argv[index + 1] === undefined) throw new UsageError(`Option "${arg}" needs a directory`);
        leading.push(arg, argv[index + 1]!);
        index += 2;
        continue;
      }
      if (arg.startsWith("--cwd=")) {
        leading.push(arg);
        index += 1;
        continue;
      }
      throw new UsageError(`Unknown option "${arg}" before the command (see \`highstate --help\`)`);
    }
    const name = argv[index];
    if (name === undefined) {
      io.stdout.write(overview(commandTable));
      return leading.length > 0 ? 2 : 0;
    }
    const entry = Object.hasOwn(commandTable, name) ? commandTable[name] : undefined;
    if (!entry) {
      const suggestion = closest(name, Object.keys(commandTable));
      throw new UsageError(`Unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ""} (see \`highstate --help\`)`);
    }
    const spec = (await entry.load()).default;
    return await runCommand(spec, [...argv.slice(index + 1), ...leading], io);
  } catch (error) {
    io.stderr.write(formatError(error, debug));
    // With --json the reason is on stdout too, where a CI job saving the output looks for the result.
    if (wantsJson(argv)) io.stdout.write(errorJson(error));
    return exitCodeOf(error);
  }
}

export { formatHelp };
