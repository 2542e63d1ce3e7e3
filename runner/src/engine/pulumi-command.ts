/**
 * A `PulumiCommand` for the Automation API that the runner controls. The SDK runs every CLI command
 * through `pulumiCommand.run(args, cwd, env, onOutput, onError, signal)`; this implementation behaves
 * like the SDK's own (non-interactive, CLI folder first on PATH, the SDK's typed errors) but keeps each
 * child in its own process group so a run can be cancelled gracefully (SIGINT to the CLI, which
 * finishes in-flight steps and unlocks the stack) and then forcefully (SIGKILL to the whole group:
 * CLI, language host, program and provider plugins).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { delimiter, dirname, isAbsolute } from "node:path";
import { pulumiChildEnvironment } from "./pulumi-cli.js";

/** `require` bound to the Automation API's own location, for the SDK internals it exposes to its callers. */
const sdkRequire = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi/automation/index.js"));

interface SdkCommandResult {
  stdout: string;
  stderr: string;
  code: number;
  toString(): string;
}

const { CommandResult } = sdkRequire("./cmd.js") as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => SdkCommandResult;
};
const { createCommandError } = sdkRequire("./errors.js") as { createCommandError: (result: SdkCommandResult) => Error };
const semver = sdkRequire("semver") as { SemVer: new (version: string) => { toString(): string } };

/** Options of a {@link ControlledPulumiCommand}: the executable and the run's cancellation signals. */
export interface ControlledPulumiCommandOptions {
  /** Absolute path (or name on PATH) of the `pulumi` executable. */
  command: string;
  /** The version it reported. */
  version: string;
  /** Graceful cancel: every running child gets SIGINT, and no new command starts. */
  signal?: AbortSignal;
  /** Forced cancel: every running child's process group gets SIGKILL. */
  forceSignal?: AbortSignal;
  /** Receives the argv of every command started (for diagnostics; argv never carries secrets). */
  onCommand?: (args: string[]) => void;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform === "win32") child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/**
 * One `PulumiCommand` per unit run. Pass it as `pulumiCommand` to `LocalWorkspace.create`; the SDK's
 * own signal handling (SIGINT on abort) keeps working, and {@link ControlledPulumiCommandOptions.forceSignal}
 * adds the hard stop the SDK lacks.
 */
export class ControlledPulumiCommand {
  readonly command: string;
  readonly version: { toString(): string };
  private readonly children = new Set<ChildProcess>();
  /** Children already sent SIGINT: a second one makes the CLI stop at once, leaving the stack locked. */
  private readonly interrupted = new WeakSet<ChildProcess>();
  private readonly options: ControlledPulumiCommandOptions;

  constructor(options: ControlledPulumiCommandOptions) {
    this.options = options;
    this.command = options.command;
    this.version = new semver.SemVer(options.version);
    options.signal?.addEventListener("abort", () => {
      for (const child of this.children) this.interrupt(child);
    });
    options.forceSignal?.addEventListener("abort", () => {
      for (const child of this.children) killGroup(child, "SIGKILL");
    });
  }

  /** Asks a CLI process to cancel gracefully, once. */
  private interrupt(child: ChildProcess): void {
    if (this.interrupted.has(child)) return;
    this.interrupted.add(child);
    child.kill("SIGINT");
  }

  /** The number of CLI processes of this run still running. */
  get running(): number {
    return this.children.size;
  }

  /**
   * Resolves once every CLI process of this run has exited. The SDK may reject an operation (for
   * example when its event stream ends on cancel) while the CLI is still finishing and unlocking the
   * stack; callers wait for this before they report the run as over.
   */
  async exited(): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (child) =>
          new Promise<void>((resolve) =>
            child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("close", () => resolve()),
          ),
      ),
    );
  }

  /** Called by the Automation API for every CLI command. */
  run(
    args: string[],
    cwd: string,
    additionalEnv: Record<string, string>,
    onOutput?: (data: string) => void,
    onError?: (data: string) => void,
    signal?: AbortSignal,
  ): Promise<SdkCommandResult> {
    if (!args.includes("--non-interactive")) args.push("--non-interactive");
    // The runner's own settings (HIGHSTATE_PASSWORD above all) are none of Pulumi's business.
    const env = pulumiChildEnvironment({ ...additionalEnv, PULUMI_AUTOMATION_API: "true" });
    if (isAbsolute(this.command)) {
      // The CLI's own folder goes first so its bundled plugins (language hosts, pulumi-nodejs) are used.
      env.PATH = `${dirname(this.command)}${delimiter}${additionalEnv.PATH ?? process.env.PATH ?? ""}`;
    }
    this.options.onCommand?.([...args]);
    return new Promise((resolve, reject) => {
      const fail = (message: string, error?: Error) => reject(createCommandError(new CommandResult("", message, -2, error)));
      if (this.options.signal?.aborted || this.options.forceSignal?.aborted || signal?.aborted) {
        fail(`Command was cancelled before it started: pulumi ${args.join(" ")}`);
        return;
      }
      let child: ChildProcess;
      try {
        child = spawn(this.command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
      } catch (error) {
        fail(`Command failed to start: ${(error as Error).message}`, error as Error);
        return;
      }
      this.children.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout?.setEncoding("utf8").on("data", (data: string) => {
        stdout += data;
        onOutput?.(data);
      });
      child.stderr?.setEncoding("utf8").on("data", (data: string) => {
        stderr += data;
        onError?.(data);
      });
      const onAbort = () => this.interrupt(child);
      signal?.addEventListener("abort", onAbort, { once: true });
      child.once("error", (error) => {
        this.children.delete(child);
        signal?.removeEventListener("abort", onAbort);
        fail(
          `Command failed with ${(error as NodeJS.ErrnoException).code ?? "an error"}: pulumi ${args.join(" ")}\n${error.message}`,
          error,
        );
      });
      child.once("close", (code, killedBy) => {
        this.children.delete(child);
        signal?.removeEventListener("abort", onAbort);
        const exitCode = code ?? -1;
        const result = new CommandResult(stdout, stderr, exitCode);
        if (exitCode === 0 && killedBy === null) resolve(result);
        else reject(createCommandError(killedBy ? new CommandResult(stdout, `${stderr}\nkilled by ${killedBy}`, exitCode) : result));
      });
    });
  }
}
