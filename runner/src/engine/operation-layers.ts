/**
 * Which instances an operation runs, in which order: the planner's selections (`up` with optional
 * dependencies, `preview`, `destroy` with optional cascade), and for `refresh` the selected instances
 * that are created, in dependency order.
 */
import { layersOf, neighbours, type ProjectPlan, planDestroy, planRun } from "../planner/index.js";
import type { OperationRequest } from "./types.js";

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
