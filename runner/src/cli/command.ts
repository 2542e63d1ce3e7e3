/**
 * Commands: a small declarative spec (options for `node:util` `parseArgs`, positionals, subcommands),
 * generated `--help`, and the dispatcher that parses argv and runs a command.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { findPlugAndPlayFile, PlugAndPlayError } from "../workspace/package-manager.js";
import { CliError, UsageError } from "./errors.js";
import type { CliIo } from "./io.js";

/** One option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** One-letter alias, e.g. `p` for `-p`. */
  short?: string;
  /** Whether the option may be given several times (values collected in an array). */
  multiple?: boolean;
  /** Shown in `--help`. */
  description: string;
  /** Name of the value in `--help`, e.g. `<name>`. */
  valueName?: string;
}

/** A command or subcommand. */
export interface CommandSpec {
  /** The words after `highstate`, e.g. `projects create`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The argument part of the usage line, e.g. `<name> [--json]`. */
  usage?: string;
  /** Paragraphs shown in `--help` below the usage line. */
  description?: string;
  options?: Record<string, OptionSpec>;
  /** How many positionals the command takes (default: none). */
  positionals?: { min?: number; max?: number };
  /** Subcommands by name; a command with subcommands and no `run` needs one. */
  subcommands?: Record<string, CommandSpec>;
  /** Runs the command; returns the exit code (0 when nothing is returned). */
  run?(context: CommandContext): Promise<number | undefined>;
  /**
   * Whether the command can run in a Yarn Plug'n'Play workspace (`init`, which fixes the linker, and
   * `doctor`, which reports it). Every other command refuses with one clear error instead.
   */
  worksUnderPlugAndPlay?: boolean;
}

/** What a running command gets. */
export interface CommandContext {
  io: CliIo;
  /** The spec of the running command. */
  command: CommandSpec;
  /** Parsed option values (common options included: `cwd`, `help`). */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Whether HIGHSTATE_DEBUG is set (stack traces on errors, extra output). */
  debug: boolean;
  /** Writes a line (or nothing) to stdout. */
  print(text?: string): void;
  /** Writes a value as pretty JSON to stdout. */
  printJson(value: unknown): void;
  /** Writes a line to stderr (notes and warnings that must not mix with machine-readable stdout). */
  note(text: string): void;
}

/** Options every command accepts. */
export const commonOptions: Record<string, OptionSpec> = {
  cwd: {
    type: "string",
    short: "C",
    valueName: "<dir>",
    description: "Run in this workspace (default: the nearest workspace above the current directory)",
  },
  help: { type: "boolean", short: "h", description: "Show help for the command" },
};

function optionLabel(name: string, option: OptionSpec): string {
  const value = option.type === "string" ? ` ${option.valueName ?? "<value>"}` : "";
  return `${option.short ? `-${option.short}, ` : "    "}--${name}${value}`;
}

/** The `--help` text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const lines: string[] = [];
  const sub = spec.subcommands ? Object.values(spec.subcommands) : [];
  lines.push(
    `Usage: highstate ${spec.name}${sub.length > 0 && !spec.run ? " <command>" : ""}${spec.usage ? ` ${spec.usage}` : ""} [options]`,
    "",
  );
  lines.push(spec.description ?? spec.summary, "");
  if (sub.length > 0) {
    lines.push("Commands:");
    const width = Math.max(...sub.map((item) => item.name.length));
    for (const item of sub) lines.push(`  ${item.name.padEnd(width)}  ${item.summary}`);
    lines.push("", `Run \`highstate ${spec.name} <command> --help\` for the options of one command.`, "");
  }
  const options = { ...(spec.options ?? {}), ...commonOptions };
  const labels = Object.entries(options).map(([name, option]) => [optionLabel(name, option), option.description] as const);
  const width = Math.max(...labels.map(([label]) => label.length));
  lines.push("Options:");
  for (const [label, description] of labels) lines.push(`  ${label.padEnd(width)}  ${description}`);
  return `${lines.join("\n")}\n`;
}

function makeContext(io: CliIo, command: CommandSpec, values: CommandContext["values"], positionals: string[]): CommandContext {
  return {
    io,
    command,
    values,
    positionals,
    debug: Boolean(io.env.HIGHSTATE_DEBUG && io.env.HIGHSTATE_DEBUG !== "0"),
    print: (text = "") => io.stdout.write(`${text}\n`),
    printJson: (value) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => io.stderr.write(`${text}\n`),
  };
}

/**
 * Parses argv for a command (descending into subcommands) and runs it. Throws `UsageError` for an
 * unknown subcommand or option and a wrong number of positionals.
 */
export async function runCommand(spec: CommandSpec, argv: string[], io: CliIo): Promise<number> {
  const first = argv[0];
  if (spec.subcommands && first !== undefined && !first.startsWith("-")) {
    const sub = spec.subcommands[first];
    if (!sub) {
      throw new UsageError(
        `"${first}" is not a command of \`highstate ${spec.name}\`; it has ${Object.keys(spec.subcommands)
          .map((name) => `"${name}"`)
          .join(", ")}`,
        spec.name,
      );
    }
    return runCommand(sub, argv.slice(1), io);
  }
  const options = { ...(spec.options ?? {}), ...commonOptions };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([name, option]) => [
          name,
          { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs appends advice about `--` that does not help here; keep its first sentence.
    const message = (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, "");
    throw new UsageError(`${message} (see \`highstate ${spec.name} --help\`)`, spec.name);
  }
  const context = makeContext(io, spec, parsed.values as CommandContext["values"], parsed.positionals);
  if (parsed.values.help) {
    io.stdout.write(formatHelp(spec));
    return 0;
  }
  if (!spec.run) {
    const names = Object.keys(spec.subcommands ?? {});
    throw new UsageError(
      `\`highstate ${spec.name}\` needs a command: ${names.map((name) => `"${name}"`).join(", ")} (see \`highstate ${spec.name} --help\`)`,
      spec.name,
    );
  }
  const min = spec.positionals?.min ?? 0;
  const max = spec.positionals?.max ?? 0;
  if (parsed.positionals.length < min) {
    throw new UsageError(`Missing argument: usage is \`highstate ${spec.name} ${spec.usage ?? ""}\``.replace(/ `$/, "`"), spec.name);
  }
  if (parsed.positionals.length > max) {
    throw new UsageError(
      `Unexpected argument "${parsed.positionals[max]}": usage is \`highstate ${spec.name}${spec.usage ? ` ${spec.usage}` : ""}\``,
      spec.name,
    );
  }
  if (!spec.worksUnderPlugAndPlay) refusePlugAndPlay(spec, context);
  return (await spec.run(context)) ?? 0;
}

/** Stops a command before it runs in a Yarn Plug'n'Play workspace, where it would fail in obscure ways. */
function refusePlugAndPlay(spec: CommandSpec, context: CommandContext): void {
  const cwd = context.values.cwd;
  const start = typeof cwd === "string" ? resolve(context.io.cwd, cwd) : context.io.cwd;
  // `process.versions.pnp` is set when Yarn's PnP runtime is loaded into this process (`yarn highstate …`).
  const pnpFile = findPlugAndPlayFile(start) ?? (process.versions.pnp === undefined ? undefined : start);
  if (pnpFile !== undefined) {
    const error = new PlugAndPlayError(pnpFile, spec.name);
    throw new CliError(error.message, 2, { cause: error });
  }
}
