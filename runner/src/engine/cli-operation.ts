/**
 * The shared body of `highstate up|preview|destroy|refresh <instance…>`: opens the project under the
 * workspace lock, unlocks its secrets with the password, runs the operation through the orchestrator
 * and prints progress. Ctrl+C cancels gracefully; a second Ctrl+C stops at once.
 */
import { CliError, UsageError } from "../cli/errors.js";
import type { CommandContext, CommandSpec, OptionSpec } from "../cli/command.js";
import { withWorkspaceLock } from "../cli/lock.js";
import { getPassword } from "../cli/prompt.js";
import { findInstanceId, loadRegistry, openProject, projectOption } from "../cli/workspace.js";
import { ProjectSecrets } from "../secrets/index.js";
import type { OperationInfo, OperationType } from "../server/api-types.js";
import type { OrchestratorEvent } from "./event-hub.js";
import { Orchestrator } from "./orchestrator.js";

const verbs: Record<OperationType, { title: string; done: string }> = {
  up: { title: "Up", done: "created" },
  preview: { title: "Preview", done: "previewed" },
  destroy: { title: "Destroy", done: "destroyed" },
  refresh: { title: "Refresh", done: "refreshed" },
};

/** The options every operation command takes. */
export function operationOptions(type: OperationType): Record<string, OptionSpec> {
  return {
    ...projectOption,
    ...(type === "up" ? { "include-dependencies": { type: "boolean", short: "d", description: "Also run dependencies that are not created or are outdated" } as OptionSpec } : {}),
    ...(type === "destroy" ? { cascade: { type: "boolean", description: "Also destroy the instances that depend on these (first), instead of refusing" } as OptionSpec } : {}),
    parallel: { type: "string", valueName: "<n>", description: "Run at most n instances at once (default: the number of CPUs)" },
    json: { type: "boolean", description: "Print the finished operation as JSON instead of progress" },
  };
}

function parseParallel(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--parallel takes a whole number of at least 1, not "${String(value)}"`);
  return number;
}

/** Formats one orchestrator event as progress lines (or nothing). */
export function progressLines(event: OrchestratorEvent, state: { results: Map<string, string> }): string[] {
  if (event.type === "engine-event") {
    const { event: engineEvent, instanceId } = event;
    if (engineEvent.type === "resource" && engineEvent.status !== "started") {
      const mark = engineEvent.status === "failed" ? "!" : engineEvent.op === "create" ? "+" : engineEvent.op === "delete" ? "-" : engineEvent.op === "same" ? "=" : "~";
      return [`  ${mark} ${instanceId}  ${engineEvent.resourceType} ${engineEvent.name} (${engineEvent.op}${engineEvent.status === "failed" ? " failed" : ""})`];
    }
    if (engineEvent.type === "diagnostic" && engineEvent.severity !== "debug") {
      const prefix = engineEvent.severity === "error" ? "error: " : engineEvent.severity === "warning" ? "warning: " : "";
      return engineEvent.message.split("\n").map((line) => `  ${instanceId}  ${prefix}${line}`);
    }
    if (engineEvent.type === "log") return [`  ${instanceId}  ${engineEvent.message}`];
    return [];
  }
  if (event.type === "operation") {
    const lines: string[] = [];
    for (const [id, result] of Object.entries(event.operation.results)) {
      if (state.results.get(id) === result) continue;
      state.results.set(id, result);
      if (result === "running") lines.push(`▶ ${id}`);
      else if (result === "succeeded") lines.push(`✔ ${id} ${verbs[event.operation.type].done}`);
      else if (result === "failed") lines.push(`✖ ${id} failed`);
      else if (result === "skipped") lines.push(`- ${id} skipped (an instance it depends on did not succeed)`);
      else if (result === "cancelled") lines.push(`- ${id} cancelled`);
    }
    return lines;
  }
  return [];
}

/** Runs an operation command. Exit codes: 0 done, 1 failed, 130 cancelled. */
export async function runOperationCommand(context: CommandContext, type: OperationType): Promise<number> {
  if (context.positionals.length === 0) throw new UsageError(`Name the instances to ${type} (ids like \`<type>:<name>\`, or names)`, type);
  const parallelism = parseParallel(context.values.parallel);
  const { root, store, name, project } = await openProject(context);
  const ids = [...new Set(context.positionals.map((reference) => findInstanceId(project, name, reference)))];

  return withWorkspaceLock(root, `highstate ${type} ${ids.join(" ")}`, async () => {
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
      await secrets.unlock(password);
    }

    const orchestrator = await Orchestrator.forWorkspace(root, { env: context.io.env, ...(parallelism !== undefined ? { parallelism } : {}) });
    const json = Boolean(context.values.json);
    const state = { results: new Map<string, string>() };
    const unsubscribe = orchestrator.subscribe((event) => {
      if (json) return;
      for (const line of progressLines(event, state)) context.print(line);
    });
    const handle = await orchestrator.start(
      { name, project, registry: registry.registry, secrets, password },
      {
        type,
        instanceIds: ids,
        ...(context.values["include-dependencies"] ? { includeDependencies: true } : {}),
        ...(context.values.cascade ? { cascade: true } : {}),
        ...(parallelism !== undefined ? { parallelism } : {}),
      },
    );
    if (!json) {
      const order = handle.info.instanceIds;
      context.print(`${verbs[type].title} of ${order.length} instance${order.length === 1 ? "" : "s"} in project "${name}": ${order.join(", ")}`);
    }
    let interrupts = 0;
    const onInterrupt = () => {
      interrupts++;
      if (interrupts === 1) {
        context.note("Cancelling: running instances finish their current steps. Press Ctrl+C again to stop at once.");
        handle.cancel();
      } else {
        context.note("Stopping at once.");
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
    }
    if (json) {
      context.printJson({ ...result, statuses: await orchestrator.statuses({ name, project, registry: registry.registry, secrets, password }) });
    } else {
      const statuses = await orchestrator.statuses({ name, project, registry: registry.registry, secrets, password });
      for (const id of result.instanceIds) {
        const status = statuses[id];
        if (status?.state === "failed" && status.error) context.print(`✖ ${id}: ${status.error}`);
      }
      context.print(summaryLine(result));
    }
    if (result.state === "completed") return 0;
    if (result.state === "cancelled") return 130;
    if (result.error && Object.values(result.results).every((value) => value === "failed") && !json) {
      throw new CliError(result.error);
    }
    return 1;
  });
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
    usage: "<instance…>",
    description,
    options: operationOptions(type),
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    run: (context) => runOperationCommand(context, type),
  };
}
