/**
 * The engine that runs units with the Pulumi Automation API (`LocalWorkspace` over a per-instance
 * work dir) and a local `pulumi` CLI. The project password reaches the CLI only as
 * `PULUMI_CONFIG_PASSPHRASE` in the child environment; secrets only as `secure:` values in the stack
 * yaml the runner writes; the backend is `PULUMI_BACKEND_URL` (no `pulumi login`).
 */
import type { OutputMap, Stack } from "@pulumi/pulumi/automation/index.js";
import { DriftCollector } from "./drift.js";
import { StackLockedError, UnitRunCancelledError, UnitRunError } from "./errors.js";
import { checkPulumiCli, locatePulumiCli, type PulumiCli, type PulumiCliLocation } from "./pulumi-cli.js";
import { mapPulumiEvent, normalizeChanges, PreviewCollector, type PulumiEngineEvent, resourceCountFromChanges } from "./pulumi-events.js";
import { describeLock, recoverStaleLocks } from "./stack-locks.js";
import type { Engine, EngineEvent, EngineOutputValue, EngineReadiness, UnitRunRequest, UnitRunResult } from "./types.js";
import { prepareUnitWorkDir } from "./unit-workdir.js";

/** Options of {@link AutomationEngine}. */
export interface AutomationEngineOptions {
  /** Where to look for the `pulumi` CLI (defaults: the pinned installation, then PATH). */
  cli?: PulumiCliLocation;
  /** `PULUMI_HOME` for the CLI (plugins, credentials). Default: the user's `~/.pulumi`. */
  pulumiHome?: string;
  /** Extra environment for the CLI processes (never secrets). */
  env?: Record<string, string>;
}

/** Extracts a concise error from a failed CLI command: Pulumi's `error:` lines, else the end of stderr. */
export function conciseCommandError(error: unknown): string {
  const result = (error as { commandResult?: { stderr?: string; stdout?: string } }).commandResult;
  const text = `${result?.stderr ?? ""}\n${result?.stdout ?? ""}`;
  const errorLines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^error: /.test(line))
    .map((line) => line.slice("error: ".length));
  if (errorLines.length > 0) return [...new Set(errorLines)].join("\n");
  const stderr = (result?.stderr ?? (error as Error).message ?? String(error)).trim();
  return stderr.split("\n").slice(-10).join("\n");
}

/** Runs units with the Pulumi Automation API. */
export class AutomationEngine implements Engine {
  readonly name = "pulumi";
  private readonly options: AutomationEngineOptions;
  private cliPromise: Promise<PulumiCli> | undefined;

  constructor(options: AutomationEngineOptions = {}) {
    this.options = options;
  }

  /** The located CLI (found once; a failed search is retried next time, so installing it mid-session works). */
  cli(): Promise<PulumiCli> {
    if (!this.cliPromise) {
      this.cliPromise = locatePulumiCli(this.options.cli ?? {});
      this.cliPromise.catch(() => {
        this.cliPromise = undefined;
      });
    }
    return this.cliPromise;
  }

  async preflight(): Promise<void> {
    await this.cli();
  }

  /** Whether the `pulumi` CLI is found and usable, with its version and how to install the pinned one. */
  async readiness(): Promise<EngineReadiness> {
    const check = await checkPulumiCli(this.options.cli ?? {});
    return {
      name: this.name,
      ready: check.ok,
      pinnedVersion: check.pinnedVersion,
      installHint: check.installHint,
      ...(check.problem !== undefined ? { problem: check.problem } : {}),
      ...(check.version !== undefined ? { version: check.version } : {}),
      ...(check.command !== undefined ? { command: check.command } : {}),
    };
  }

  async runOperation(request: UnitRunRequest): Promise<UnitRunResult> {
    const cli = await this.cli();
    // Loaded on first use, so importing the engine (e.g. for the designer server) does not load the SDK.
    const [{ ConcurrentUpdateError, LocalWorkspace, Stack, StackNotFoundError }, { ControlledPulumiCommand }] = await Promise.all([
      import("@pulumi/pulumi/automation/index.js"),
      import("./pulumi-command.js"),
    ]);
    const cancelled = () => request.signal.aborted || request.forceSignal.aborted;
    if (cancelled()) throw new UnitRunCancelledError(request.instance.id);
    const prepared = await prepareUnitWorkDir(request);
    await this.recoverLocks(request, prepared.pulumiProject, prepared.stackName, prepared.workDir, false);

    const errors: string[] = [];
    let summary: Extract<EngineEvent, { type: "summary" }> | undefined;
    // What a preview would do per resource, from the steps Pulumi plans (names only, never values).
    let preview = new PreviewCollector();
    let drift = new DriftCollector();
    const onEvent = (event: PulumiEngineEvent) => {
      if (request.operation === "preview") preview.add(event);
      if (request.detectDrift) drift.add(event);
      const mapped = mapPulumiEvent(event);
      if (!mapped) return;
      if (mapped.type === "diagnostic" && mapped.severity === "error") errors.push(mapped.message);
      if (mapped.type === "summary") summary = mapped;
      request.onEvent(mapped);
    };

    let command: InstanceType<typeof ControlledPulumiCommand> | undefined;
    const attempt = async (): Promise<UnitRunResult> => {
      command = new ControlledPulumiCommand({
        command: cli.command,
        version: cli.version,
        signal: request.signal,
        forceSignal: request.forceSignal,
      });
      const workspace = await LocalWorkspace.create({
        workDir: prepared.workDir,
        pulumiCommand: command as never,
        ...(this.options.pulumiHome ? { pulumiHome: this.options.pulumiHome } : {}),
        envVars: {
          ...this.options.env,
          PULUMI_BACKEND_URL: request.backendUrl,
          PULUMI_CONFIG_PASSPHRASE: request.password,
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      });
      const common = { onEvent, signal: request.signal, color: "never" as const };
      switch (request.operation) {
        case "up": {
          const stack = await Stack.createOrSelect(prepared.stackName, workspace);
          const result = await stack.up(common);
          const changes = summary?.changes ?? normalizeChanges(result.summary?.resourceChanges ?? {});
          return {
            changes,
            resourceCount: summary?.resourceCount ?? resourceCountFromChanges(changes),
            outputs: toOutputs(result.outputs),
          };
        }
        case "preview": {
          const stack = await Stack.createOrSelect(prepared.stackName, workspace);
          const result = await stack.preview(common);
          const changes = normalizeChanges(result.changeSummary ?? {});
          return { changes, resourceCount: resourceCountFromChanges(changes), preview: preview.result() };
        }
        case "refresh":
        case "destroy": {
          let stack: Stack;
          try {
            stack = await Stack.select(prepared.stackName, workspace);
          } catch (error) {
            // A stack that was never created has nothing to refresh or destroy.
            if (error instanceof StackNotFoundError) {
              if (request.detectDrift) return { changes: {}, resourceCount: 0, drift: [] };
              return { changes: {}, resourceCount: 0, ...(request.operation === "refresh" ? { outputs: {} } : {}) };
            }
            throw error;
          }
          if (request.operation === "destroy") {
            const result = await stack.destroy(common);
            return { changes: summary?.changes ?? normalizeChanges(result.summary?.resourceChanges ?? {}), resourceCount: 0 };
          }
          if (request.detectDrift) {
            // A preview of the refresh: the provider reads every resource, nothing is written, no lock is taken.
            const result = await stack.previewRefresh(common);
            const changes = summary?.changes ?? normalizeChanges(result.changeSummary ?? {});
            const resources = drift.resources;
            if (drift.summaryDrift !== undefined && drift.summaryDrift > resources.length) {
              request.onEvent({
                type: "diagnostic",
                severity: "warning",
                message: `Pulumi counted ${drift.summaryDrift} drifted resource${drift.summaryDrift === 1 ? "" : "s"} but its events named ${resources.length}; \`highstate refresh\` shows the full diff.`,
              });
            }
            return { changes, resourceCount: resourceCountFromChanges(changes), drift: resources };
          }
          const result = await stack.refresh(common);
          const changes = summary?.changes ?? normalizeChanges(result.summary?.resourceChanges ?? {});
          return {
            changes,
            resourceCount: summary?.resourceCount ?? resourceCountFromChanges(changes),
            outputs: toOutputs(await stack.outputs()),
          };
        }
      }
    };

    try {
      try {
        return await attempt();
      } catch (error) {
        // A lock left by a run killed between our check and the CLI's: recover it and try once more.
        if (
          error instanceof ConcurrentUpdateError &&
          !cancelled() &&
          (await this.recoverLocks(request, prepared.pulumiProject, prepared.stackName, prepared.workDir, true))
        ) {
          errors.length = 0;
          summary = undefined;
          drift = new DriftCollector();
          preview = new PreviewCollector();
          return await attempt();
        }
        throw error;
      }
    } catch (error) {
      if (cancelled()) {
        // The CLI may still be finishing its graceful cancel (and releasing the stack lock).
        await command?.exited();
        // A run stopped by force may have died holding the stack lock; it was ours, so release it now
        // with `pulumi cancel` (works on every backend, not only the file backend).
        if (request.forceSignal.aborted) {
          try {
            const command = new ControlledPulumiCommand({ command: cli.command, version: cli.version });
            const workspace = await LocalWorkspace.create({
              workDir: prepared.workDir,
              pulumiCommand: command as never,
              ...(this.options.pulumiHome ? { pulumiHome: this.options.pulumiHome } : {}),
              envVars: {
                ...this.options.env,
                PULUMI_BACKEND_URL: request.backendUrl,
                PULUMI_CONFIG_PASSPHRASE: request.password,
                PULUMI_SKIP_UPDATE_CHECK: "true",
              },
            });
            await (await Stack.select(prepared.stackName, workspace)).cancel();
            request.onEvent({ type: "log", message: "Released the stack lock of the stopped run." });
          } catch {
            // Best effort: a lock left behind is recovered by the next run (file backend) or `pulumi cancel`.
          }
        }
        throw new UnitRunCancelledError(request.instance.id, { cause: error });
      }
      if (error instanceof StackLockedError || error instanceof UnitRunError) throw error;
      if (error instanceof ConcurrentUpdateError) {
        const { live } = await recoverStaleLocks(request.backendUrl, prepared.pulumiProject, prepared.stackName, prepared.workDir);
        throw new StackLockedError(request.instance.id, live.length > 0 ? live.map(describeLock).join("; ") : conciseCommandError(error), {
          cause: error,
        });
      }
      const message = errors.length > 0 ? [...new Set(errors)].join("\n") : conciseCommandError(error);
      throw new UnitRunError(request.instance.id, message, { cause: error });
    }
  }

  /** Removes stale locks of the stack; returns whether any was removed. */
  private async recoverLocks(
    request: UnitRunRequest,
    pulumiProject: string,
    stackName: string,
    workDir: string,
    afterConflict: boolean,
  ): Promise<boolean> {
    const { removed, live } = await recoverStaleLocks(request.backendUrl, pulumiProject, stackName, workDir);
    for (const lock of removed) {
      request.onEvent({
        type: "log",
        message: `Removed a stale lock of the stack left by a run that no longer exists (pid ${lock.pid ?? "?"}).`,
      });
    }
    if (afterConflict && removed.length === 0 && live.length > 0) {
      throw new StackLockedError(request.instance.id, live.map(describeLock).join("; "));
    }
    return removed.length > 0;
  }
}

function toOutputs(outputs: OutputMap): Record<string, EngineOutputValue> {
  const result: Record<string, EngineOutputValue> = {};
  for (const [name, output] of Object.entries(outputs)) result[name] = { value: output.value, secret: output.secret };
  return result;
}
