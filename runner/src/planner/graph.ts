/**
 * The dependency graph of a project: which instance feeds which (direct references, hub references and
 * hub injection, as the contract resolves them), in topological levels, with cycles found and named.
 * Everything is indexed by integers so a plan of thousands of instances stays linear.
 */
import { analyzeProject, isHubRef, type Project, type ProjectAnalysis, type Registry, type ResolvedInputRef } from "@highstate/contract";

/**
 * The edges of a graph in one flat list (compact, so walking a large graph stays in cache): node `i`'s
 * neighbours are `list[start[i]] … list[start[i + 1] - 1]`, in ascending order of when they were added.
 */
export interface Adjacency {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/** The neighbours of one node (a view into the list, not a copy). */
export function neighbours(edges: Adjacency, node: number): Int32Array {
  return edges.list.subarray(edges.start[node]!, edges.start[node + 1]!);
}

/** The dependency graph of one project. */
export interface ProjectGraph {
  /** Instance ids in project order; an instance's index is its position here. */
  readonly ids: readonly string[];
  /** Instance id → index (of the first instance, when an id is duplicated). */
  readonly index: ReadonlyMap<string, number>;
  /** For each instance, the indices of the instances it takes inputs from (no duplicates; see {@link neighbours}). */
  readonly upstream: Adjacency;
  /** For each instance, the indices of the instances that take inputs from it (no duplicates; see {@link neighbours}). */
  readonly downstream: Adjacency;
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
  /**
   * One cycle for each group of instances that depend on each other (strongly connected component), as
   * instance ids in the direction values flow, the first id repeated at the end; sorted by first id.
   */
  readonly cycles: readonly string[][];
  /** For each instance, the index in {@link cycles} of the group it belongs to (it is on a cycle through that one), or `-1`. */
  readonly cycleGroup: Int32Array;
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
export function buildProjectGraph(
  project: Project,
  registry: Registry,
  analysis: ProjectAnalysis = analyzeProject(project, registry),
): ProjectGraph {
  const count = project.instances.length;
  const ids: string[] = new Array(count);
  for (let position = 0; position < count; position += 1) ids[position] = project.instances[position]!.id;
  const { index, refSources, refStart } = analysis;

  // Each instance's distinct sources, in the order first met; `stamp[source] === current + 1` marks a
  // source already taken for this instance.
  const stamp = new Int32Array(count);
  const upstreamStart = new Int32Array(count + 1);
  // Room for every resolved entry and every direct reference of an unknown component: no more edges than that.
  let room = refSources.length;
  for (const instance of project.instances) {
    if (Object.hasOwn(registry.components, instance.type)) continue;
    for (const name in instance.inputs) room += instance.inputs[name]!.length;
  }
  const upstreamList = new Int32Array(room);
  let edgeCount = 0;
  const fanOut = new Int32Array(count);
  for (let current = 0; current < count; current += 1) {
    const mark = current + 1;
    upstreamStart[current] = edgeCount;
    const end = refStart[current + 1]!;
    for (let cursor = refStart[current]!; cursor < end; cursor += 1) {
      const source = refSources[cursor]!;
      if (stamp[source] !== mark) {
        stamp[source] = mark;
        upstreamList[edgeCount] = source;
        edgeCount += 1;
        fanOut[source] = fanOut[source]! + 1;
      }
    }
    const instance = project.instances[current]!;
    if (!Object.hasOwn(registry.components, instance.type)) {
      for (const name in instance.inputs) {
        for (const ref of instance.inputs[name]!) {
          const source = isHubRef(ref) ? undefined : index.get(ref.instanceId);
          if (source !== undefined && stamp[source] !== mark) {
            stamp[source] = mark;
            upstreamList[edgeCount] = source;
            edgeCount += 1;
            fanOut[source] = fanOut[source]! + 1;
          }
        }
      }
    }
  }
  upstreamStart[count] = edgeCount;
  const upstream: Adjacency = { start: upstreamStart, list: upstreamList.subarray(0, edgeCount) };

  const downstreamStart = new Int32Array(count + 1);
  for (let position = 0; position < count; position += 1) downstreamStart[position + 1] = downstreamStart[position]! + fanOut[position]!;
  const downstreamList = new Int32Array(upstream.list.length);
  const filled = downstreamStart.slice(0, count);
  for (let current = 0; current < count; current += 1) {
    for (let edge = upstreamStart[current]!; edge < upstreamStart[current + 1]!; edge += 1) {
      const source = upstream.list[edge]!;
      downstreamList[filled[source]!] = current;
      filled[source] = filled[source]! + 1;
    }
  }
  const downstream: Adjacency = { start: downstreamStart, list: downstreamList };

  // Kahn's algorithm, level by level.
  const remaining = new Int32Array(count);
  const level = new Int32Array(count).fill(-1);
  const order: number[] = [];
  for (let position = 0; position < count; position += 1) {
    remaining[position] = upstreamStart[position + 1]! - upstreamStart[position]!;
    if (remaining[position] === 0) {
      level[position] = 0;
      order.push(position);
    }
  }
  for (let cursor = 0; cursor < order.length; cursor += 1) {
    const node = order[cursor]!;
    const next = level[node]! + 1;
    for (let edge = downstreamStart[node]!; edge < downstreamStart[node + 1]!; edge += 1) {
      const target = downstreamList[edge]!;
      if (level[target]! < next) level[target] = next;
      remaining[target] = remaining[target]! - 1;
      if (remaining[target] === 0) order.push(target);
    }
  }
  const cycleGroup = new Int32Array(count).fill(-1);
  const cycles = order.length < count ? findCycles(ids, upstream, remaining, cycleGroup) : [];
  if (order.length < count) {
    for (let position = 0; position < count; position += 1) if (remaining[position]! > 0) level[position] = -1;
  }
  return { ids, index, upstream, downstream, inputs: analysis.inputs, refSources, refStart, level, order, cycles, cycleGroup };
}

/**
 * Finds one cycle in each strongly connected component of the nodes Kahn's algorithm could not order
 * (Tarjan's algorithm, iterative so deep graphs cannot overflow the stack).
 */
function findCycles(ids: readonly string[], upstream: Adjacency, remaining: Int32Array, cycleGroup: Int32Array): string[][] {
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
      const edges = neighbours(upstream, node);
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
        const selfLoop = component.length === 1 && neighbours(upstream, node).includes(node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  const found = components.map((component) => ({ component, cycle: cycleWithin(ids, upstream, component) }));
  found.sort((a, b) => (a.cycle[0]! < b.cycle[0]! ? -1 : a.cycle[0]! > b.cycle[0]! ? 1 : 0));
  for (const [group, { component }] of found.entries()) for (const member of component) cycleGroup[member] = group;
  return found.map(({ cycle }) => cycle);
}

/** Walks upstream inside one strongly connected component until a node repeats, then reports that loop. */
function cycleWithin(ids: readonly string[], upstream: Adjacency, component: number[]): string[] {
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
    node = neighbours(upstream, node).find((next) => members.has(next))!;
  }
  // `path` runs against the flow of values (each step goes to an upstream); reverse it.
  const loop = path.slice(seenAt.get(node)).reverse();
  let first = 0;
  for (let position = 1; position < loop.length; position += 1) if (ids[loop[position]!]! < ids[loop[first]!]!) first = position;
  const rotated = [...loop.slice(first), ...loop.slice(0, first)];
  return [...rotated, rotated[0]!].map((position) => ids[position]!);
}

/**
 * The dependency-ordered layers of a set of instances: each layer depends only on earlier ones (within
 * the set). Each layer lists its instances in project order.
 */
export function layersOf(graph: ProjectGraph, members: Iterable<number>): number[][] {
  const count = graph.ids.length;
  const layerOf = new Int32Array(count).fill(-2);
  for (const member of members) layerOf[member] = -1;
  const { start, list } = graph.upstream;
  let layerCount = 0;
  for (const node of graph.order) {
    if (layerOf[node] === -2) continue;
    let layer = 0;
    for (let edge = start[node]!; edge < start[node + 1]!; edge += 1) {
      const sourceLayer = layerOf[list[edge]!]!;
      if (sourceLayer + 1 > layer) layer = sourceLayer + 1;
    }
    layerOf[node] = layer;
    if (layer + 1 > layerCount) layerCount = layer + 1;
  }
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (let position = 0; position < count; position += 1) if (layerOf[position]! >= 0) layers[layerOf[position]!]!.push(position);
  return layers;
}

/** Every instance reachable from the given ones along `edges` (`upstream` or `downstream`), the given ones excluded. */
export function reachable(graph: ProjectGraph, from: Iterable<number>, direction: "upstream" | "downstream"): Set<number> {
  const edges = direction === "upstream" ? graph.upstream : graph.downstream;
  const start = new Set(from);
  const seen = new Set<number>();
  const queue = [...start];
  for (let cursor = 0; cursor < queue.length; cursor += 1) {
    for (const next of neighbours(edges, queue[cursor]!)) {
      if (seen.has(next) || start.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}
