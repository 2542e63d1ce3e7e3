/**
 * What an operation would run, in order, without starting it: the designer shows this list for
 * confirmation ("Run with dependencies", "Run everything outdated") and then starts the operation with
 * exactly these instances. It is computed with the same functions the orchestrator and the CLI use
 * (`planRun` with `includeDependencies`, and `--outdated`'s `selectInstances`), so the list is what runs.
 */
import { instancePlan, type ProjectPlan } from "../planner/index.js";
import { operationLayers, selectInstances } from "./operation-layers.js";
import type { OperationSelection, SelectedInstance } from "./types.js";

/** What to select: named instances (optionally with their dependencies), or every outdated instance. */
export interface OperationSelectionOptions {
  type: "preview" | "up";
  /** The instances asked for; ignored with `outdated`. */
  instanceIds?: readonly string[];
  /** Also run the dependencies that are not created or are outdated (named instances only). */
  includeDependencies?: boolean;
  /** Select every instance that is not created or is outdated, like `highstate up --outdated`. */
  outdated?: boolean;
}

/** Why an instance runs: not created, or its outdated reasons (empty when it is up to date). */
function reasonsOf(plan: ProjectPlan, id: string): string[] {
  const item = instancePlan(plan, id);
  if (!item) return [];
  if (!item.created) return ["not created"];
  return item.outdated ? [...item.reasons] : [];
}

/**
 * The selection an operation would run. Throws the planner's errors for named instances (unknown,
 * blocked, a cycle, an upstream that is not created without `includeDependencies`), exactly as starting
 * the operation would. For `outdated`, instances that cannot run are left out and listed in `excluded`.
 */
export function operationSelection(plan: ProjectPlan, options: OperationSelectionOptions): OperationSelection {
  let requested: string[];
  let excluded: OperationSelection["excluded"] = [];
  let includeDependencies = options.includeDependencies ?? false;
  if (options.outdated) {
    const selection = selectInstances("up", "outdated", plan);
    requested = selection.ids;
    excluded = selection.problems.map((problem) => {
      const separator = problem.indexOf(": ");
      return { id: problem.slice(0, separator), reason: problem.slice(separator + 2) };
    });
    // Every instance that needs a run is in the selection already; what is not is created and up to date.
    includeDependencies = true;
  } else {
    requested = [...(options.instanceIds ?? [])];
  }
  if (requested.length === 0) return { type: options.type, instanceIds: [], layers: [], instances: [], excluded };
  // A preview of dependencies runs them as previews too: the layers are those of the `up` it previews.
  const layers = operationLayers(plan, { type: "up", instanceIds: requested, includeDependencies });
  const asked = new Set(requested);
  const instances: SelectedInstance[] = layers.flatMap((layer, index) =>
    layer.map((id) => ({ id, layer: index, requested: asked.has(id), reasons: reasonsOf(plan, id) })),
  );
  return { type: options.type, instanceIds: layers.flat(), layers, instances, excluded };
}
