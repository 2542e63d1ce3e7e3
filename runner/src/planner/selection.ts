/**
 * Selections for the engine: which instances an operation on a selection runs, and in what order.
 */
import { DependencyCycleError, HasDependentsError, InstanceBlockedError, UnknownInstanceError } from "./errors.js";
import { layersOf, neighbours, reachable } from "./graph.js";
import type { InstancePlan, ProjectPlan } from "./plan.js";

function positionsOf(plan: ProjectPlan, ids: readonly string[]): number[] {
  return ids.map((id) => {
    const position = plan.graph.index.get(id);
    if (position === undefined) throw new UnknownInstanceError(id);
    return position;
  });
}

function cycleThrough(plan: ProjectPlan, positions: Iterable<number>): string[] | undefined {
  for (const position of positions) {
    if (plan.graph.level[position] !== -1) continue;
    const id = plan.graph.ids[position]!;
    return plan.graph.cycles.find((cycle) => cycle.includes(id)) ?? plan.graph.cycles[0];
  }
  return undefined;
}

const toIds = (plan: ProjectPlan, layers: number[][]) => layers.map((layer) => layer.map((position) => plan.graph.ids[position]!));

/**
 * The dependencies of a selection that `up` has to run first: every instance the selection takes
 * inputs from, directly or not, that is not created or is outdated. In project order.
 */
export function dependenciesToRun(plan: ProjectPlan, ids: readonly string[]): string[] {
  const upstream = reachable(plan.graph, positionsOf(plan, ids), "upstream");
  return [...upstream]
    .sort((a, b) => a - b)
    .filter((position) => {
      const item = plan.instances[position]!;
      return !item.created || item.outdated;
    })
    .map((position) => plan.graph.ids[position]!);
}

/** Every instance that takes inputs from the selection, directly or not (the selection excluded), in project order. */
export function dependentsOf(plan: ProjectPlan, ids: readonly string[], options: { createdOnly?: boolean } = {}): string[] {
  const downstream = reachable(plan.graph, positionsOf(plan, ids), "downstream");
  return [...downstream]
    .sort((a, b) => a - b)
    .filter((position) => !options.createdOnly || plan.instances[position]!.created)
    .map((position) => plan.graph.ids[position]!);
}

/**
 * The layers in which `up` (or `preview`, `refresh`) runs a selection: each layer only depends on
 * earlier ones and its instances can run in parallel. With `includeDependencies`, dependencies that are
 * not created or are outdated run first.
 *
 * @throws UnknownInstanceError for an id not in the project.
 * @throws DependencyCycleError when an instance to run is on or after a cycle.
 * @throws InstanceBlockedError when an instance to run cannot run, or takes inputs from an instance that
 *   is not created and not part of the run.
 */
export function planRun(plan: ProjectPlan, ids: readonly string[], options: { includeDependencies?: boolean } = {}): string[][] {
  const selected = positionsOf(plan, ids);
  const members = new Set(selected);
  if (options.includeDependencies) {
    for (const id of dependenciesToRun(plan, ids)) members.add(plan.graph.index.get(id)!);
  }
  const cycle = cycleThrough(plan, members);
  if (cycle) throw new DependencyCycleError(cycle);
  for (const position of [...members].sort((a, b) => a - b)) {
    const item: InstancePlan = plan.instances[position]!;
    if (item.blocked !== undefined) throw new InstanceBlockedError(item.id, item.blocked);
    for (const source of neighbours(plan.graph.upstream, position)) {
      const upstream = plan.instances[source]!;
      if (!upstream.created && !members.has(source)) {
        throw new InstanceBlockedError(
          item.id,
          `it takes inputs from "${upstream.id}", which is not created; run "${upstream.id}" first, or include dependencies (\`highstate up --include-dependencies\`)`,
          upstream.id,
        );
      }
    }
  }
  return toIds(plan, layersOf(plan.graph, members));
}

/**
 * The layers in which `destroy` runs a selection: dependents before what they depend on (the reverse
 * of the run order). Instances that are not created are left out. Without `cascade`, created
 * dependents outside the selection make it refuse; with it, they are destroyed first.
 *
 * @throws UnknownInstanceError for an id not in the project.
 * @throws HasDependentsError when created dependents exist and `cascade` is not set.
 * @throws DependencyCycleError when instances to destroy form a cycle (no order exists).
 */
export function planDestroy(plan: ProjectPlan, ids: readonly string[], options: { cascade?: boolean } = {}): string[][] {
  const selected = positionsOf(plan, ids);
  const members = new Set(selected);
  const dependents = dependentsOf(plan, ids, { createdOnly: true });
  if (dependents.length > 0 && !options.cascade) throw new HasDependentsError([...ids], dependents);
  for (const id of dependents) members.add(plan.graph.index.get(id)!);
  for (const position of [...members]) if (!plan.instances[position]!.created) members.delete(position);
  const cycle = cycleThrough(plan, members);
  if (cycle) throw new DependencyCycleError(cycle);
  return toIds(plan, layersOf(plan.graph, members)).reverse();
}
