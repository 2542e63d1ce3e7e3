/**
 * The user documentation stays true to the CLI and to the repository: every `highstate <command>` and
 * every `--flag` written in code in README.md and docs/*.md exists in the built CLI's help, and every
 * relative link points at a file of this repository (the docs stand on their own).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Readable } from "node:stream";
import { main } from "@highstate/runner/cli";
import { beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "./workspace-packages.js";

const pages = [
  "README.md",
  ...readdirSync(join(repositoryRoot, "docs"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
  "examples/homelab/README.md",
];

const helps = new Map<string, string>();

/** Runs `highstate <words> --help` in this process and keeps what it printed. */
async function loadHelp(words: string[]): Promise<string> {
  const key = words.join(" ");
  if (!helps.has(key)) {
    let text = "";
    const output = {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    };
    const stdin = Readable.from([]) as never;
    await main([...words, "--help"], { stdout: output, stderr: output, stdin, env: {}, cwd: repositoryRoot } as never);
    helps.set(key, text);
  }
  return helps.get(key)!;
}

/** The help loaded for `words` (see {@link loadHelp}). */
function help(words: string[]): string {
  const text = helps.get(words.join(" "));
  if (text === undefined) throw new Error(`help of "${words.join(" ")}" not loaded`);
  return text;
}

/** The command names a help text lists under "Commands:" (for `highstate secrets`, `set`, `get`, …). */
function commandsOf(text: string, prefix: string[]): string[] {
  const section = text.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? "";
  return [...section.matchAll(/^ {2}(\S+(?: \S+)*?)\s{2,}/gm)].map((match) => match[1]!.split(" ").slice(prefix.length).join(" "));
}

/** Code of a page: inline code spans and fenced blocks, line by line. */
function codeLines(text: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of text.split("\n")) {
    if (line.trimStart().startsWith("```")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) lines.push(line);
    else for (const match of line.matchAll(/`([^`]+)`/g)) lines.push(match[1]!);
  }
  return lines;
}

interface Mention {
  page: string;
  command: string[];
  flags: string[];
}

function mentions(): Mention[] {
  const top = commandsOf(help([]), []);
  const found: Mention[] = [];
  for (const page of pages) {
    for (const line of codeLines(readFileSync(join(repositoryRoot, page), "utf8"))) {
      for (const match of line.matchAll(/(?<![@/\w-])highstate\s+([a-z][a-z-]*)((?:\s+(?!\|)[^\s|;&]+)*)/g)) {
        if (!top.includes(match[1]!)) {
          // Words after "highstate" in prose-like code ("highstate designer for …") are checked only when they look like a command.
          if (/^[a-z-]+$/.test(match[1]!) && !["is", "for", "the", "and", "with"].includes(match[1]!))
            found.push({ page, command: [match[1]!], flags: [] });
          continue;
        }
        const rest = match[2]!.trim().split(/\s+/).filter(Boolean);
        const command = [match[1]!];
        const subcommands = commandsOf(help(command), command);
        if (subcommands.length > 0 && rest[0] && subcommands.includes(rest[0])) command.push(rest[0]);
        found.push({ page, command, flags: rest.filter((word) => word.startsWith("--")).map((word) => word.split("=")[0]!) });
      }
    }
  }
  return found;
}

describe("the user documentation", () => {
  beforeAll(async () => {
    // Every command's and subcommand's help, loaded once.
    const top = commandsOf(await loadHelp([]), []);
    for (const command of top) {
      for (const sub of commandsOf(await loadHelp([command]), [command])) await loadHelp([command, sub]);
    }
  });

  it("names only commands and flags the CLI has", () => {
    const top = commandsOf(help([]), []);
    const all = mentions();
    expect(all.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const mention of all) {
      if (!top.includes(mention.command[0]!)) {
        wrong.push(`${mention.page}: "highstate ${mention.command[0]}" is not a command`);
        continue;
      }
      const text = help(mention.command);
      for (const flag of mention.flags) {
        if (!new RegExp(`(^|[\\s,])${flag}(?=[\\s,=<]|$)`, "m").test(text))
          wrong.push(`${mention.page}: "highstate ${mention.command.join(" ")}" has no ${flag}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("links only to files of this repository that exist", () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(repositoryRoot, page), "utf8");
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!;
        if (/^[a-z]+:/.test(target) || target.startsWith("#")) continue;
        const path = resolve(dirname(join(repositoryRoot, page)), decodeURI(target.split("#")[0]!));
        if (relative(repositoryRoot, path).startsWith("..")) broken.push(`${page}: ${target} leaves the repository`);
        else if (!existsSync(path)) broken.push(`${page}: ${target} does not exist`);
      }
    }
    expect(broken).toEqual([]);
  });
});
