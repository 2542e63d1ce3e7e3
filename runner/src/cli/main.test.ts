import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runnerVersion } from "../registry/runner-version.js";
import { runCli } from "./__fixtures__/cli-harness.js";
import { commandTable } from "./command-table.js";

const cwd = tmpdir();

describe("main", () => {
  it("prints the overview with every command of the table", async () => {
    const run = await runCli(["--help"], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: highstate <command> \[options\]/);
    const width = Math.max(...Object.keys(commandTable).map((name) => name.length));
    for (const [name, entry] of Object.entries(commandTable)) expect(run.stdout).toContain(`  ${name.padEnd(width)}  ${entry.summary}`);
    expect((await runCli([], { cwd })).stdout).toBe(run.stdout);
  });

  it("prints the version", async () => {
    expect(await runCli(["--version"], { cwd })).toEqual({ code: 0, stdout: `${runnerVersion()}\n`, stderr: "" });
  });

  it("has --help on every command and subcommand", async () => {
    for (const [name, entry] of Object.entries(commandTable)) {
      const spec = (await entry.load()).default;
      const run = await runCli([name, "--help"], { cwd });
      expect(run.code, name).toBe(0);
      expect(run.stdout, name).toMatch(new RegExp(`^Usage: highstate ${name}`));
      expect(run.stdout, name).toContain("-C, --cwd <dir>");
      for (const sub of Object.keys(spec.subcommands ?? {})) {
        const subRun = await runCli([name, sub, "-h"], { cwd });
        expect(subRun.code, `${name} ${sub}`).toBe(0);
        expect(subRun.stdout, `${name} ${sub}`).toMatch(new RegExp(`^Usage: highstate ${name} ${sub}`));
      }
    }
  });

  it("rejects an unknown command with a suggestion and exit code 2", async () => {
    expect(await runCli(["regstry"], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr: 'Error: Unknown command "regstry"; did you mean "registry"? (see `highstate --help`)\n',
    });
    expect((await runCli(["frobnicate"], { cwd })).stderr).toBe('Error: Unknown command "frobnicate" (see `highstate --help`)\n');
  });

  it("rejects unknown options, subcommands and extra arguments with exit code 2", async () => {
    expect(await runCli(["plan", "--bogus"], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr: "Error: Unknown option '--bogus' (see `highstate plan --help`)\n",
    });
    expect(await runCli(["projects", "lst"], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr: 'Error: "lst" is not a command of `highstate projects`; it has "list", "create", "rename"\n',
    });
    expect(await runCli(["projects"], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr: 'Error: `highstate projects` needs a command: "list", "create", "rename" (see `highstate projects --help`)\n',
    });
    expect((await runCli(["projects", "create"], { cwd })).stderr).toBe(
      "Error: Missing argument: usage is `highstate projects create <name>`\n",
    );
    expect((await runCli(["projects", "create", "a", "b"], { cwd })).stderr).toBe(
      'Error: Unexpected argument "b": usage is `highstate projects create <name>`\n',
    );
    expect((await runCli(["--frob", "plan"], { cwd })).code).toBe(2);
  });

  it("prints one message without a stack unless HIGHSTATE_DEBUG is set", async () => {
    const missing = `${cwd}/highstate-no-such-dir-${process.pid}`;
    const plain = await runCli(["projects", "list", "--cwd", missing], { cwd });
    expect(plain).toEqual({ code: 1, stdout: "", stderr: `Error: The directory "${missing}" does not exist\n` });
    const debug = await runCli(["-C", missing, "projects", "list"], { cwd, env: { HIGHSTATE_DEBUG: "1" } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^CliError: The directory ".*" does not exist\n\s+at /);
  });
});
