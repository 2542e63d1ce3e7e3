/**
 * The dependency graph of a project: which instance feeds which (direct references, hub references and
 * hub injection, as the contract resolves them), in topological levels, with cycles found and named.
 * Everything is indexed by integers so a plan of thousands of instances stays linear.
 */
import { analyzeProject, isHubRef, type Project, type ProjectAnalysis, type Registry, type ResolvedInputRef } from "@highstate/contract";

/** The dependency graph of one project. */
export interface ProjectGraph {
  /** Instance ids in project order; an instance's index is its position here. */
  readonly ids: readonly string[];
  /** Instance id → index (of the first instance, when an id is duplicated). */
  readonly index: ReadonlyMap<string, number>;
  /** For each instance, the indices of the instances it takes inputs from (no duplicates). */
  readonly upstream: readonly (readonly number[])[];
  /** For each instance, the indices of the instances that take inputs from it (no duplicates). */
  readonly downstream: readonly (readonly number[])[];
  /** The contract's input resolution by index: input name → the outputs feeding it. */
  readonly inputs: ProjectAnalysis["inputs"];
  /** The index of the instance behind every resolved input entry (see `ProjectAnalysis.refSources`). */
  readonly refSources: Int32Array;
  /** Where each instance's entries start in {@link refSources}; one more entry than there are instances. */
  readonly refStart: Int32Array;
  /**
   * Topological level of each instance: 0 for instances without upstream, else one more than the
   * highest upstream level. `-1` for instances on a cycle or downstream of one.
   */
  readonly level: Int32Array;
  /** Instance indices in topological order (instances on or after a cycle are left out). */
  readonly order: readonly number[];
  /** Each cycle as instance ids in the direction values flow, the first id repeated at the end. */
  readonly cycles: readonly string[][];
}

/** The resolved inputs of an instance by id (input name → the outputs feeding it), or `undefined`. */
export function resolvedInputsOf(graph: ProjectGraph, id: string): Readonly<Record<string, readonly ResolvedInputRef[]>> | undefined {
  const position = graph.index.get(id);
  return position === undefined ? undefined : graph.inputs[position];
}

/**
 * Builds the dependency graph from the contract's analysis of the project (made here when not given).
 * Instances whose component is not installed keep the dependencies their direct references name, so
 * ordering and cascades still respect them.
 */
export function buildProjectGraph(project: Project, registry: Registry, analysis: ProjectAnalysis = analyzeProject(project, registry)): ProjectGraph {
  const count = project.instances.length;
  const ids: string[] = new Array(count);
  for (let position = 0; position < count; position += 1) ids[position] = project.instances[position]!.id;
  const { index, refSources, refStart } = analysis;

  // Each instance's distinct sources go through one scratch buffer into an array of the exact size;
  // `stamp[source] === current + 1` marks a source already taken for this instance.
  const stamp = new Int32Array(count);
  const scratch: number[] = [];
  const upstream: number[][] = new Array(count);
  const fanOut = new Int32Array(count);
  for (let current = 0; current < count; current += 1) {
    const mark = current + 1;
    scratch.length = 0;
    const end = refStart[current + 1]!;
    for (let cursor = refStart[current]!; cursor < end; cursor += 1) {
      const source = refSources[cursor]!;
      if (stamp[source] !== mark) {
        stamp[source] = mark;
        scratch.push(source);
      }
    }
    const instance = project.instances[current]!;
    if (!Object.hasOwn(registry.components, instance.type)) {
      for (const name in instance.inputs) {
        for (const ref of instance.inputs[name]!) {
          const source = isHubRef(ref) ? undefined : index.get(ref.instanceId);
          if (source !== undefined && stamp[source] !== mark) {
            stamp[source] = mark;
            scratch.push(source);
          }
        }
      }
    }
    const sources: number[] = new Array(scratch.length);
    for (let item = 0; item < scratch.length; item += 1) {
      const source = scratch[item]!;
      sources[item] = source;
      fanOut[source] = fanOut[source]! + 1;
    }
    upstream[current] = sources;
  }
  const downstream: number[][] = new Array(count);
  for (let position = 0; position < count; position += 1) downstream[position] = new Array(fanOut[position]!);
  const filled = new Int32Array(count);
  for (let current = 0; current < count; current += 1) {
    for (const source of upstream[current]!) {
      const slot = filled[source]!;
      downstream[source]![slot] = current;
      filled[source] = slot + 1;
    }
  }

  // Kahn's algorithm, level by level.
  const remaining = new Int32Array(count);
  const level = new Int32Array(count).fill(-1);
  const order: number[] = [];
  for (let position = 0; position < count; position += 1) {
    remaining[position] = upstream[position]!.length;
    if (remaining[position] === 0) {
      level[position] = 0;
      order.push(position);
    }
  }
  for (let cursor = 0; cursor < order.length; cursor += 1) {
    const node = order[cursor]!;
    for (const next of downstream[node]!) {
      if (level[next]! < level[node]! + 1) level[next] = level[node]! + 1;
      remaining[next] = remaining[next]! - 1;
      if (remaining[next] === 0) order.push(next);
    }
  }
  const cycles = order.length < count ? findCycles(ids, upstream, remaining) : [];
  if (order.length < count) {
    for (let position = 0; position < count; position += 1) if (remaining[position]! > 0) level[position] = -1;
  }
  return { ids, index, upstream, downstream, inputs: analysis.inputs, refSources, refStart, level, order, cycles };
}

/**
 * Finds one cycle in each strongly connected component of the nodes Kahn's algorithm could not order
 * (Tarjan's algorithm, iterative so deep graphs cannot overflow the stack).
 */
function findCycles(ids: readonly string[], upstream: readonly (readonly number[])[], remaining: Int32Array): string[][] {
  const count = ids.length;
  const stuck = (node: number) => remaining[node]! > 0;
  const indexOf = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < count; root += 1) {
    if (!stuck(root) || indexOf[root] !== -1) continue;
    const work: Array<[number, number]> = [[root, 0]];
    indexOf[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, edge] = frame;
      const edges = upstream[node]!;
      if (edge < edges.length) {
        frame[1] = edge + 1;
        const next = edges[edge]!;
        if (!stuck(next)) continue;
        if (indexOf[next] === -1) {
          indexOf[next] = low[next] = counter++;
          stack.push(next);
          onStack[next] = 1;
          work.push([next, 0]);
        } else if (onStack[next]) {
          low[node] = Math.min(low[node]!, indexOf[next]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === indexOf[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        const selfLoop = component.length === 1 && upstream[node]!.includes(node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => cycleWithin(ids, upstream, component)).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
}

/** Walks upstream inside one strongly connected component until a node repeats, then reports that loop. */
function cycleWithin(ids: readonly string[], upstream: readonly (readonly number[])[], component: number[]): string[] {
  const members = new Set(component);
  // Start at the smallest id so the same project always names the same cycle.
  let start = component[0]!;
  for (const node of component) if (ids[node]! < ids[start]!) start = node;
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let node = start;
  while (!seenAt.has(node)) {
    seenAt.set(node, path.length);
    path.push(node);
    node = upstream[node]!.find((next) => members.has(next))!;
  }
  // `path` runs against the flow of values (each step goes to an upstream); reverse it.
  const loop = path.slice(seenAt.get(node)).reverse();
  let first = 0;
  for (let position = 1; position < loop.length; position += 1) if (ids[loop[position]!]! < ids[loop[first]!]!) first = position;
  const rotated = [...loop.slice(first), ...loop.slice(0, first)];
  return [...rotated, rotated[0]!].map((position) => ids[position]!);
}

/** The dependency-ordered layers of a set of instances: each layer depends only on earlier ones (within the set). */
export function layersOf(graph: ProjectGraph, members: Iterable<number>): number[][] {
  const count = graph.ids.length;
  const inSet = new Uint8Array(count);
  for (const member of members) inSet[member] = 1;
  const layerOf = new Int32Array(count).fill(-1);
  const layers: number[][] = [];
  for (const node of graph.order) {
    if (inSet[node] === 0) continue;
    let layer = 0;
    for (const source of graph.upstream[node]!) {
      const sourceLayer = layerOf[source]!;
      if (sourceLayer + 1 > layer) layer = sourceLayer + 1;
    }
    layerOf[node] = layer;
    const inLayer = layers[layer] ?? [];
    inLayer.push(node);
    layers[layer] = inLayer;
  }
  for (const layer of layers) layer.sort((a, b) => a - b);
  return layers;
}

/** Every instance reachable from the given ones along `edges` (`upstream` or `downstream`), the given ones excluded. */
export function reachable(graph: ProjectGraph, from: Iterable<number>, direction: "upstream" | "downstream"): Set<number> {
  const edges = direction === "upstream" ? graph.upstream : graph.downstream;
  const start = new Set(from);
  const seen = new Set<number>();
  const queue = [...start];
  for (let cursor = 0; cursor < queue.length; cursor += 1) {
    for (const next of edges[queue[cursor]!]!) {
      if (seen.has(next) || start.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}
