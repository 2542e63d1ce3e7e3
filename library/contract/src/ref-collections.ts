/**
 * The small collections project analysis builds its result with: lists of output references without
 * duplicates, growable lists of instance positions, and the outputs a hub bundles.
 */
import type { Hub, InstanceOutputRef } from "./project.js";

function refKey(instanceId: string, output: string): string {
  return `${instanceId}\u0000${output}`;
}

/** Below this many entries a list is searched for duplicates; beyond it a key set is kept. */
const scanLimit = 24;

/**
 * Collects the outputs feeding one input (or bundled by one hub), each at most once, in the order they
 * were first added; {@link take} gives them as an array of the exact size and {@link reset} starts
 * over, so one collector serves every input of a project. Short lists, the usual case, are scanned
 * for duplicates instead of keyed by strings, so analysing a large project allocates little beyond
 * the result.
 */
export class UniqueRefs<Ref extends InstanceOutputRef> {
  private readonly items: Ref[] = [];
  length = 0;
  private seen: Set<string> | undefined;

  reset(): void {
    this.length = 0;
    this.seen = undefined;
  }

  has(instanceId: string, output: string): boolean {
    if (this.seen) return this.seen.has(refKey(instanceId, output));
    for (let position = 0; position < this.length; position += 1) {
      const ref = this.items[position]!;
      if (ref.instanceId === instanceId && ref.output === output) return true;
    }
    return false;
  }

  /** Adds a ref unless that output is already in the list; says whether it was added. */
  add(ref: Ref): boolean {
    if (this.has(ref.instanceId, ref.output)) return false;
    this.items[this.length] = ref;
    this.length += 1;
    if (this.seen) {
      this.seen.add(refKey(ref.instanceId, ref.output));
    } else if (this.length > scanLimit) {
      this.seen = new Set();
      for (let position = 0; position < this.length; position += 1)
        this.seen.add(refKey(this.items[position]!.instanceId, this.items[position]!.output));
    }
    return true;
  }

  /** The refs collected since the last reset. */
  take(): Ref[] {
    return this.items.slice(0, this.length);
  }
}

/** A growable list of instance positions. */
export class PositionList {
  values = new Int32Array(64);
  length = 0;

  push(position: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length] = position;
    this.length += 1;
  }
}

/** Collects every output a hub bundles, including hubs injected into it (cycles among hubs are tolerated). */
export function hubContents(
  hubId: string,
  hubs: Map<string, Hub>,
  cache: Map<string, InstanceOutputRef[]>,
  visiting = new Set<string>(),
): InstanceOutputRef[] {
  const cached = cache.get(hubId);
  if (cached) return cached;
  const hub = hubs.get(hubId);
  if (!hub || visiting.has(hubId)) return [];
  visiting.add(hubId);
  const contents = new UniqueRefs<InstanceOutputRef>();
  for (const ref of hub.inputs) contents.add(ref);
  for (const injected of hub.injectionInputs) for (const ref of hubContents(injected, hubs, cache, visiting)) contents.add(ref);
  visiting.delete(hubId);
  const refs = contents.take();
  cache.set(hubId, refs);
  return refs;
}
