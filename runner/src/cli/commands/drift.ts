/**
 * `highstate drift <instance…> | --all`: checks whether created instances' real resources still match
 * their Pulumi state, without changing either. It is its own command rather than a `refresh` flag
 * because `refresh` writes the state (it accepts the drift), while a drift check only reads: Pulumi
 * previews the refresh (`pulumi refresh --preview-only`, no stack lock) and the runner records what it
 * found per instance (with the time), for `highstate plan` and the designer. Exits with 3 when drift
 * was found, so a scheduled CI job can alert on it.
 */

import type { DriftedResource, InstanceDrift, InstanceStatus, OperationInfo } from "@highstate/project/api";
import type { CommandContext, CommandSpec } from "../command.js";
import { driftExitCode, operationOptions, runOperationCommand } from "../operation-command.js";

/** The drift found per checked instance (instances whose check failed or did not run are left out). */
export function driftResults(result: OperationInfo, statuses: Record<string, InstanceStatus>): Record<string, InstanceDrift> {
  const drift: Record<string, InstanceDrift> = {};
  for (const id of result.instanceIds) {
    const found = statuses[id]?.drift;
    if (result.results[id] === "succeeded" && found) drift[id] = found;
  }
  return drift;
}

/** One line per drifted resource: `~ <type> <name> (changed: <properties>)` or `- <type> <name> (no longer exists)`. */
export function driftedResourceLine(resource: DriftedResource): string {
  if (resource.change === "deleted") return `- ${resource.type} ${resource.name} (no longer exists)`;
  return `~ ${resource.type} ${resource.name} (changed${resource.properties.length > 0 ? `: ${resource.properties.join(", ")}` : ""})`;
}

function report(context: CommandContext, result: OperationInfo, statuses: Record<string, InstanceStatus>): void {
  const drift = driftResults(result, statuses);
  const checked = Object.keys(drift);
  const drifted = checked.filter((id) => drift[id]!.resources.length > 0);
  context.print();
  for (const id of checked) {
    const resources = drift[id]!.resources;
    if (resources.length === 0) {
      context.print(`= ${id}: no drift`);
      continue;
    }
    context.print(`≠ ${id}: ${resources.length} resource${resources.length === 1 ? "" : "s"} drifted`);
    for (const resource of resources) context.print(`    ${driftedResourceLine(resource)}`);
  }
  context.print();
  if (drifted.length === 0) context.print(`No drift in ${checked.length} checked instance${checked.length === 1 ? "" : "s"}.`);
  else
    context.print(
      `Drift in ${drifted.length} of ${checked.length} checked instance${checked.length === 1 ? "" : "s"}: \`highstate up <instance>\` puts the resources back as the state says, \`highstate refresh <instance>\` takes the real values into the state.`,
    );
}

const options = operationOptions("refresh");
delete options.outdated;
options.all = { type: "boolean", description: "Check every created instance of the project" };

const command: CommandSpec = {
  name: "drift",
  summary: "Report which instances' real resources differ from their state (changes nothing)",
  usage: "<instance…> | --all",
  description: `Checks the named instances (ids like \`<type>:<name>\`, or names), or with --all every created instance, for drift: Pulumi reads each resource from the real world and compares it with the stack's state without writing anything (a preview of \`pulumi refresh\`). Prints, per instance, the resources that differ (type, name and the names of the properties that differ — never values). The result is kept per instance: \`highstate plan\` and the designer show drifted instances until a later up, refresh or destroy. The project password comes from HIGHSTATE_PASSWORD or a prompt. Exit codes: 0 no drift, ${driftExitCode} drift found, 1 a check failed, 2 a usage or configuration error (nothing ran), 130 cancelled.`,
  options,
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  run: (context) =>
    runOperationCommand(context, "refresh", {
      detectDrift: true,
      report,
      json: (result, statuses) => {
        const drift = driftResults(result, statuses);
        return { drift, drifted: Object.keys(drift).filter((id) => drift[id]!.resources.length > 0) };
      },
    }),
};

export default command;
