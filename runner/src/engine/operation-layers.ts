/**
 * Which instances an operation runs, in which order: the planner's selections (`up` with optional
 * dependencies, `preview`, `destroy` with optional cascade), and for `refresh` the selected instances
 * that are created, in dependency order; and which instances `--outdated` / `--all` select (the CLI's
 * operation commands and the designer's "Run outdated" use the same selection).
 */
import { layersOf, needsRun, neighbours, type ProjectPlan, planDestroy, planRun } from "../planner/index.js";
import type { OperationRequest, OperationType } from "./types.js";

/**
 * The layers an operation runs in (each layer only after the previous ones). Throws the planner's
 * errors: unknown instances, cycles, blocked instances, dependents of a destroy without cascade.
 */
export function operationLayers(
  plan: ProjectPlan,
  request: Pick<OperationRequest, "type" | "instanceIds" | "includeDependencies" | "cascade">,
): string[][] {
  switch (request.type) {
    case "up":
      return planRun(plan, request.instanceIds, { includeDependencies: request.includeDependencies ?? false });
    case "preview":
      return planRun(plan, request.instanceIds, { includeDependencies: false });
    case "destroy":
      return planDestroy(plan, request.instanceIds, { cascade: request.cascade ?? false });
    case "refresh": {
      // Refresh does not run programs, so inputs do not matter; only created stacks have anything to refresh.
      const members = new Set(
        request.instanceIds.map((id) => plan.graph.index.get(id)!).filter((position) => plan.instances[position]!.created),
      );
      return layersOf(plan.graph, members).map((layer) => layer.map((position) => plan.graph.ids[position]!));
    }
  }
}

/**
 * What each instance of an operation waits for: the instances of the same operation it takes inputs
 * from, or for `destroy` the ones that take inputs from it (dependents go first).
 */
export function operationDependencies(
  plan: ProjectPlan,
  instanceIds: readonly string[],
  type: OperationRequest["type"],
): Map<string, string[]> {
  const members = new Set(instanceIds);
  const edges = type === "destroy" ? plan.graph.downstream : plan.graph.upstream;
  const dependsOn = new Map<string, string[]>();
  for (const id of instanceIds) {
    const others = Array.from(neighbours(edges, plan.graph.index.get(id)!), (other) => plan.graph.ids[other]!);
    dependsOn.set(
      id,
      others.filter((other) => members.has(other)),
    );
  }
  return dependsOn;
}

/** Which instances an operation selects without naming them. */
export type SelectionMode = "outdated" | "all";

/** The instances `--outdated` / `--all` select, and why some of them cannot run. */
export interface Selection {
  /** Instance ids, in project order (the orchestrator orders them by dependencies). */
  ids: string[];
  /** `<instance id>: <reason>` for selected instances that cannot run. */
  problems: string[];
}

/**
 * Selects the instances of `highstate <type> --outdated|--all` from a plan:
 * - `up`/`preview --outdated`: not created or outdated; `--all`: every instance;
 * - `refresh --outdated`: created and outdated; `--all`: every created instance;
 * - `destroy --all`: every created instance.
 * Instances of unknown components and blocked instances among them are reported as problems.
 */
export function selectInstances(type: OperationType, mode: SelectionMode, plan: ProjectPlan): Selection {
  const ids: string[] = [];
  const problems: string[] = [];
  for (const item of plan.instances) {
    const wanted =
      type === "up" || type === "preview"
        ? mode === "all" || item.state === "unknown-component" || needsRun(item)
        : mode === "all"
          ? item.created
          : item.created && item.outdated;
    if (!wanted) continue;
    // Unknown components are only "outdated" in the sense that nothing can run them: report them for --all
    // and for created instances; a never-created instance of an unknown component is reported as well.
    if (item.state === "unknown-component") {
      problems.push(`${item.id}: no installed package defines its component type (install the package, or remove the instance)`);
      continue;
    }
    if (item.blocked !== undefined && type !== "destroy") {
      problems.push(`${item.id}: ${item.blocked}`);
      continue;
    }
    ids.push(item.id);
  }
  return { ids, problems };
}
