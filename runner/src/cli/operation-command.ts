/**
 * The shared body of `highstate up|preview|destroy|refresh <instance…>`: opens the project under the
 * workspace lock, unlocks its secrets with the password, runs the operation through the orchestrator
 * and prints progress. Ctrl+C cancels gracefully; a second Ctrl+C stops at once.
 */

import type { InstanceStatus, OperationInfo, OperationType } from "@highstate/project/api";
import type { OrchestratorEvent } from "../engine/event-hub.js";
import { type SelectionMode, selectInstances } from "../engine/operation-layers.js";
import { Orchestrator } from "../engine/orchestrator.js";
import { errorKind, isHighstateError } from "../errors/index.js";
import { ProjectSecrets } from "../secrets/index.js";
import type { CommandContext, CommandSpec, OptionSpec } from "./command.js";
import { CliError, UsageError } from "./errors.js";
import { waitOption, withWorkspaceLock } from "./lock.js";
import { createProgressView, isInteractive } from "./progress.js";
import { getPassword } from "./prompt.js";
import { findInstanceId, loadRegistry, noteUnboundSecrets, openProject, projectOption } from "./workspace.js";

export { type Selection, type SelectionMode, selectInstances } from "../engine/operation-layers.js";

const verbs: Record<OperationType, { title: string; done: string }> = {
  up: { title: "Up", done: "created" },
  preview: { title: "Preview", done: "previewed" },
  destroy: { title: "Destroy", done: "destroyed" },
  refresh: { title: "Refresh", done: "refreshed" },
};

/** The options every operation command takes. */
export function operationOptions(type: OperationType): Record<string, OptionSpec> {
  const outdated: OptionSpec = {
    type: "boolean",
    description:
      type === "refresh"
        ? "Refresh every created instance that is outdated"
        : `${type === "up" ? "Run" : "Preview"} every instance that is not created or is outdated, in dependency order`,
  };
  const all: OptionSpec = {
    type: "boolean",
    description:
      type === "destroy"
        ? "Destroy every created instance of the project, dependents first"
        : type === "refresh"
          ? "Refresh every created instance"
          : `${type === "up" ? "Run" : "Preview"} every instance of the project, in dependency order`,
  };
  return {
    ...projectOption,
    ...(type === "destroy" ? {} : { outdated }),
    all,
    ...(type === "up"
      ? {
          "include-dependencies": {
            type: "boolean",
            short: "d",
            description: "Also run dependencies that are not created or are outdated",
          } as OptionSpec,
        }
      : {}),
    ...(type === "destroy"
      ? {
          cascade: {
            type: "boolean",
            description: "Also destroy the instances that depend on these (first), instead of refusing",
          } as OptionSpec,
        }
      : {}),
    parallel: { type: "string", valueName: "<n>", description: "Run at most n instances at once (default: the number of CPUs)" },
    json: { type: "boolean", description: "Print the finished operation as JSON instead of progress" },
    ...waitOption,
  };
}

function parseParallel(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--parallel takes a whole number of at least 1, not "${String(value)}"`);
  return number;
}

/** Errors that mean the request or the project is wrong, not that a run failed (exit code 2): by their code's kind. */
function isConfigurationError(error: unknown): boolean {
  if (!isHighstateError(error)) return false;
  const kind = errorKind(error.code);
  return kind === "configuration" || kind === "usage";
}

/** Formats one orchestrator event as progress lines (or nothing). */
export function progressLines(event: OrchestratorEvent, state: { results: Map<string, string> }): string[] {
  if (event.type === "engine-event") {
    const { event: engineEvent, instanceId } = event;
    if (engineEvent.type === "resource" && engineEvent.status !== "started") {
      const mark =
        engineEvent.status === "failed"
          ? "!"
          : engineEvent.op === "create"
            ? "+"
            : engineEvent.op === "delete"
              ? "-"
              : engineEvent.op === "same"
                ? "="
                : "~";
      return [
        `  ${mark} ${instanceId}  ${engineEvent.resourceType} ${engineEvent.name} (${engineEvent.op}${engineEvent.status === "failed" ? " failed" : ""})`,
      ];
    }
    if (engineEvent.type === "diagnostic" && engineEvent.severity !== "debug") {
      const prefix = engineEvent.severity === "error" ? "error: " : engineEvent.severity === "warning" ? "warning: " : "";
      return engineEvent.message.split("\n").map((line) => `  ${instanceId}  ${prefix}${line}`);
    }
    // A skipped instance's log line repeats what its "skipped" progress line already says.
    if (engineEvent.type === "log") return state.results.get(instanceId) === "skipped" ? [] : [`  ${instanceId}  ${engineEvent.message}`];
    return [];
  }
  if (event.type === "operation") {
    const lines: string[] = [];
    for (const [id, result] of Object.entries(event.operation.results)) {
      if (state.results.get(id) === result) continue;
      state.results.set(id, result);
      if (result === "running") lines.push(`▶ ${id}`);
      else if (result === "succeeded") lines.push(`✔ ${id} ${event.operation.detectDrift ? "checked" : verbs[event.operation.type].done}`);
      else if (result === "failed") lines.push(`✖ ${id} failed`);
      else if (result === "skipped") {
        const cause = event.operation.skippedBecause?.[id];
        lines.push(
          cause
            ? `- ${id} skipped: "${cause}", which it depends on, did not succeed`
            : `- ${id} skipped (an instance it depends on did not succeed)`,
        );
      } else if (result === "cancelled") lines.push(`- ${id} cancelled`);
    }
    return lines;
  }
  return [];
}

/** What an operation command does besides running the operation. */
export interface OperationCommandOptions {
  /**
   * `highstate drift`: runs `refresh` as a drift check (nothing changes but the recorded drift) and
   * reports the drifted resources; exits with {@link driftExitCode} when any instance drifted.
   */
  detectDrift?: boolean;
  /** Prints the report after the operation (text mode); `statuses` are the instances' statuses after it. */
  report?: (context: CommandContext, result: OperationInfo, statuses: Record<string, InstanceStatus>) => void;
  /** Extra fields of the `--json` output. */
  json?: (result: OperationInfo, statuses: Record<string, InstanceStatus>) => Record<string, unknown>;
}

/** The exit code of `highstate drift` when drift was found (and every check ran). */
export const driftExitCode = 3;

/**
 * Runs an operation command. Exit codes: 0 done (or nothing to do), 1 an instance failed, 2 a usage or
 * configuration error found before anything ran (no pulumi CLI, a wrong password, an instance that
 * cannot run), 130 cancelled; for a drift check, 3 when drift was found.
 */
export async function runOperationCommand(
  context: CommandContext,
  type: OperationType,
  options: OperationCommandOptions = {},
): Promise<number> {
  const mode: SelectionMode | undefined = context.values.all ? "all" : context.values.outdated ? "outdated" : undefined;
  if (context.values.all && context.values.outdated) throw new UsageError("Use either --outdated or --all, not both", type);
  if (mode && context.positionals.length > 0) throw new UsageError(`Name instances or use --${mode}, not both`, type);
  if (!mode && context.positionals.length === 0) {
    throw new UsageError(
      options.detectDrift
        ? "Name the instances to check for drift (ids like `<type>:<name>`, or names), or use --all"
        : `Name the instances to ${type} (ids like \`<type>:<name>\`, or names), or use ${type === "destroy" ? "--all" : "--outdated or --all"}`,
      options.detectDrift ? "drift" : type,
    );
  }
  const parallelism = parseParallel(context.values.parallel);
  const { root, store, name, project } = await openProject(context);
  const named = [...new Set(context.positionals.map((reference) => findInstanceId(project, name, reference)))];
  const orchestrator = await Orchestrator.forWorkspace(root, {
    env: context.io.env,
    ...(parallelism !== undefined ? { parallelism } : {}),
  });
  // Before the lock, the password and anything else: without a usable pulumi CLI nothing can run.
  try {
    await orchestrator.engine.preflight();
  } catch (error) {
    throw new CliError((error as Error).message, 2, { cause: error });
  }

  const description = `highstate ${type} ${mode ? `--${mode}` : named.join(" ")}`;
  return withWorkspaceLock(context, root, description, async () => {
    const registry = await loadRegistry(root);
    const secrets = await ProjectSecrets.open(store.paths.projectSecretsFile(name));
    const isNew = secrets.encryptionSalt === undefined;
    const password = await getPassword(context.io, {
      variable: "HIGHSTATE_PASSWORD",
      prompt: isNew ? `Choose a password for project "${name}": ` : `Password of project "${name}": `,
      what: `The password of project "${name}"`,
      ...(isNew ? { confirm: true } : {}),
    });
    if (isNew) {
      await secrets.create(password);
      context.note(`Project "${name}" had no password yet; its secrets are now encrypted with the one given.`);
    } else {
      try {
        await secrets.unlock(password);
        noteUnboundSecrets(context, secrets);
      } catch (error) {
        throw new CliError((error as Error).message, 2, { cause: error });
      }
    }
    const target = { name, project, registry: registry.registry, secrets, password };
    const json = Boolean(context.values.json);

    let ids = named;
    if (mode) {
      const selection = selectInstances(type, mode, await orchestrator.plan(target));
      if (selection.problems.length > 0) {
        throw new CliError(
          `Nothing was run: ${selection.problems.length === 1 ? "an instance" : `${selection.problems.length} instances`} of project "${name}" cannot ${type}:\n${selection.problems.map((problem) => `  - ${problem}`).join("\n")}\nFix ${selection.problems.length === 1 ? "it" : "them"} (\`highstate plan\` and \`highstate doctor\` show details), or name the instances to ${type}.`,
          2,
        );
      }
      if (selection.ids.length === 0) {
        const nothing =
          type === "destroy" || (type === "refresh" && mode === "all") ? "no instance is created" : "every instance is up to date";
        if (json)
          context.printJson({
            project: name,
            type,
            instanceIds: [],
            state: "completed",
            results: {},
            ...(options.detectDrift ? { detectDrift: true } : {}),
            ...options.json?.({ id: "", project: name, type, instanceIds: [], state: "completed", startedAt: "", results: {} }, {}),
          });
        else context.print(`Nothing to ${options.detectDrift ? "check for drift" : type} in project "${name}": ${nothing}.`);
        return 0;
      }
      ids = selection.ids;
    }

    const state = { results: new Map<string, string>() };
    // Live, redrawn per-instance lines on a terminal; plain lines in CI logs and pipes; nothing with --json.
    const view = json
      ? undefined
      : createProgressView(context.io.stdout, {
          doneWord: options.detectDrift ? "checked" : verbs[type].done,
          plainLines: (event) => progressLines(event, state),
          tty: isInteractive(context.io.stdout, context.io.env),
        });
    const unsubscribe = orchestrator.subscribe((event) => view?.onEvent(event));
    const say = (text: string) => (view?.tty ? view.print(text) : context.note(text));
    let handle: Awaited<ReturnType<Orchestrator["start"]>>;
    try {
      handle = await orchestrator.start(target, {
        type,
        instanceIds: ids,
        ...(context.values["include-dependencies"] || (mode && (type === "up" || type === "preview")) ? { includeDependencies: true } : {}),
        ...(context.values.cascade || (type === "destroy" && mode === "all") ? { cascade: true } : {}),
        ...(parallelism !== undefined ? { parallelism } : {}),
        ...(options.detectDrift ? { detectDrift: true } : {}),
      });
    } catch (error) {
      unsubscribe();
      view?.finish();
      if (isConfigurationError(error)) throw new CliError(`Nothing was run: ${(error as Error).message}`, 2, { cause: error });
      throw error;
    }
    if (!json) {
      const order = handle.info.instanceIds;
      view?.print(
        `${options.detectDrift ? "Drift check" : verbs[type].title} of ${order.length} instance${order.length === 1 ? "" : "s"} in project "${name}": ${order.join(", ")}`,
      );
    }
    let interrupts = 0;
    const onInterrupt = () => {
      interrupts++;
      if (interrupts === 1) {
        say("Cancelling: running instances finish their current steps. Press Ctrl+C again to stop at once.");
        handle.cancel();
      } else {
        say("Stopping at once.");
        handle.cancel({ force: true });
      }
    };
    // A closed terminal (SIGHUP) or SIGTERM cancels gracefully like Ctrl+C: stacks unlocked, then the
    // workspace lock released as the command returns.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onInterrupt);
    let result: OperationInfo;
    try {
      result = await handle.done;
    } finally {
      for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, onInterrupt);
      unsubscribe();
      view?.finish();
    }
    const statuses = await orchestrator.statuses(target);
    if (json) {
      context.printJson({ ...result, statuses, ...options.json?.(result, statuses) });
    } else {
      for (const id of result.instanceIds) {
        const status = statuses[id];
        if (status?.state === "failed" && status.error) context.print(`✖ ${id}: ${status.error}`);
      }
      for (const line of previewLines(result)) context.print(line);
      options.report?.(context, result, statuses);
      context.print(summaryLine(result));
    }
    if (result.state === "completed") {
      const drifted = options.detectDrift && result.instanceIds.some((id) => (statuses[id]?.drift?.resources.length ?? 0) > 0);
      return drifted ? driftExitCode : 0;
    }
    if (result.state === "cancelled") return 130;
    if (result.error && Object.values(result.results).every((value) => value === "failed") && !json) {
      throw new CliError(result.error);
    }
    return 1;
  });
}

const previewSigns = { create: "+", update: "~", replace: "±", delete: "-", import: "<" } as const;

/**
 * What a preview found, per instance: the counts, then one line per changed resource (names only),
 * replacements marked as such because they delete what the old resource holds.
 */
export function previewLines(result: OperationInfo): string[] {
  const lines: string[] = [];
  for (const id of result.instanceIds) {
    const preview = result.previews?.[id];
    if (!preview) continue;
    const counts = (Object.keys(previewSigns) as Array<keyof typeof previewSigns>)
      .filter((kind) => preview.counts[kind] > 0)
      .map((kind) => `${preview.counts[kind]} to ${kind}`);
    if (preview.unchanged > 0) counts.push(`${preview.unchanged} unchanged`);
    lines.push(`${id}: ${counts.length > 0 ? counts.join(", ") : "no resources"}`);
    for (const change of preview.changes) {
      const keys = change.kind === "replace" ? change.replaceKeys : change.changedKeys;
      const detail = keys?.length ? ` (${keys.join(", ")})` : "";
      const warning = change.kind === "replace" ? " — REPLACED: the old resource and what it holds are deleted" : "";
      lines.push(`  ${previewSigns[change.kind]} ${change.type} ${change.name}${detail}${warning}`);
    }
  }
  return lines;
}

function summaryLine(result: OperationInfo): string {
  const counts = new Map<string, number>();
  for (const value of Object.values(result.results)) counts.set(value, (counts.get(value) ?? 0) + 1);
  const parts = [...counts.entries()].map(([value, count]) => `${count} ${value}`);
  const word = result.state === "completed" ? "Done" : result.state === "cancelled" ? "Cancelled" : "Failed";
  return `${word}: ${parts.join(", ")}.`;
}

/** Builds the spec of one operation command. */
export function operationCommand(type: OperationType, summary: string, description: string): CommandSpec {
  return {
    name: type,
    summary,
    usage: type === "destroy" ? "<instance…> | --all" : "<instance…> | --outdated | --all",
    description,
    options: operationOptions(type),
    positionals: { min: 0, max: Number.POSITIVE_INFINITY },
    run: (context) => runOperationCommand(context, type),
  };
}
