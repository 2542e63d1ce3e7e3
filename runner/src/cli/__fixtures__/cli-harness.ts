/**
 * Runs the CLI in tests: in-process with captured output (and a scripted stdin, piped or a simulated
 * terminal), or as a real child process through tsx on the live source.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { linkContract } from "../../registry/__fixtures__/plugin-workspace.js";
import { testdir } from "../../test-utils/testdir.js";
import type { CliInput, CliIo } from "../io.js";
import { main } from "../main.js";

/** The outcome of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of a CLI run. */
export interface CliRunOptions {
  cwd: string;
  /** The environment (nothing is inherited in-process, so HIGHSTATE_* of the test runner never leaks in). */
  env?: Record<string, string>;
  /** Piped stdin. */
  stdin?: string;
  /** Keystrokes typed into a simulated terminal (raw mode, no echo). */
  tty?: string;
  /**
   * For child processes: resolve workspace packages to their source (`source`, the default) or as a
   * published install would (`published`: built `dist`, needed when the workspace under test has
   * packed packages whose source must not be used).
   */
  resolution?: "source" | "published";
}

function collector() {
  let text = "";
  return { write: (chunk: string) => ((text += chunk), true), text: () => text };
}

/** Runs `main` in this process. */
export async function runCli(argv: string[], options: CliRunOptions): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector();
  let stdin: CliInput;
  if (options.tty !== undefined) {
    const stream = new PassThrough() as PassThrough & CliInput;
    stream.isTTY = true;
    const modes: boolean[] = [];
    stream.setRawMode = (mode: boolean) => modes.push(mode);
    stream.write(options.tty);
    stdin = stream;
  } else {
    stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as CliInput;
  }
  const io: CliIo = { stdout, stderr, stdin, env: options.env ?? {}, cwd: options.cwd };
  const code = await main(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const runnerDir = resolve(import.meta.dirname, "../../..");
const tsxLoader = pathToFileURL(createRequire(join(runnerDir, "package.json")).resolve("tsx")).href;
const mainModule = pathToFileURL(join(runnerDir, "src", "cli", "main.ts")).href;

/**
 * Runs the CLI as a child process (`node` with tsx on the live source, as `bin/highstate.js` runs the
 * built one), with the given environment on top of PATH and HOME.
 */
export function runCliProcess(argv: string[], options: CliRunOptions): Promise<CliRun> {
  const script = `const { main } = await import(${JSON.stringify(mainModule)}); process.exitCode = await main(process.argv.slice(1));`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", tsxLoader, ...(options.resolution === "published" ? [] : ["--conditions=@highstate/source"]), "--input-type=module", "-e", script, "--", ...argv],
      {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

/** The definitions module of the fixture plugin used by the CLI tests. */
export const acmeDefinitions = `import { defineComponent, defineEntity, z } from "@highstate/contract";
export const server = defineEntity({ type: "acme.server.v1", schema: z.object({ host: z.string() }), meta: { title: "Server" } });
export const machine = defineComponent({
  type: "acme.machine.v1",
  args: { size: z.number().int().min(1).default(1) },
  secrets: { token: z.string().optional() },
  outputs: { server },
  meta: { title: "Machine" },
  source: { package: "acme-components", path: "machine" },
});
export const app = defineComponent({
  type: "acme.app.v1",
  args: { replicas: z.number().int().default(1) },
  inputs: { server },
  outputs: { endpoint: server },
  meta: { title: "App" },
  source: { package: "acme-components", path: "app" },
});
`;

/**
 * A workspace (package.json, Pulumi.yaml, projects/) with the fixture plugin `acme-components`
 * installed and, when `project` is given, an empty project of that name.
 */
export async function cliWorkspace(options: { project?: string } = {}): Promise<string> {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "infra", private: true, dependencies: { "acme-components": "^1.0.0" } }),
    "Pulumi.yaml": "name: infra\nruntime: nodejs\n",
    "projects/.keep": "",
    "node_modules/acme-components/package.json": JSON.stringify({
      name: "acme-components",
      version: "1.0.0",
      type: "module",
      highstate: { definitions: "./dist/index.js" },
      exports: { ".": "./dist/index.js", "./machine": "./dist/machine.js", "./app": "./dist/app.js", "./package.json": "./package.json" },
      dependencies: { "@highstate/contract": "^0.1.0" },
    }),
    "node_modules/acme-components/dist/index.js": acmeDefinitions,
  };
  if (options.project) files[`projects/${options.project}.json`] = `${JSON.stringify({ version: 1, instances: [], hubs: [] }, null, 2)}\n`;
  const dir = await testdir(files);
  await linkContract(join(dir, "node_modules"));
  return dir;
}
