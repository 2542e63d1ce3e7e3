/**
 * Drift detection from Pulumi's refresh preview (`pulumi refresh --preview-only`, the Automation API's
 * `stack.previewRefresh()`): which resources' real state differs from the stack's state.
 *
 * What a refresh step reports (pulumi/pulumi `pkg/resource/deploy/step.go`, `RefreshStep`): the provider's
 * `Read` gives the resource's current state; the step's `Diffs()`/`DetailedDiff()` are the (inverted)
 * diff of that state against the stack's inputs; `ResultOp()` is `delete` when the resource is gone,
 * `update` when the diff has changes and `same` otherwise. The engine event of a finished step
 * (`resOutputsEvent`) carries `metadata.op` (`refresh`, or the result op), `old`/`new` (the stack's and the
 * read state; `new` is absent when the resource is gone) and `diffs`/`detailedDiff`. Only property names are
 * taken from them, never values (the event log shows secrets as `[secret]` anyway).
 */
import { isInternalResource, urnName } from "./pulumi-events.js";
import type { DriftedResource } from "./types.js";

/** The parts of a Pulumi step's metadata a drift check reads. */
export interface PulumiDriftStepMetadata {
  op: string;
  urn: string;
  type: string;
  /** The state before the step (the stack's). */
  old?: { custom?: boolean; outputs?: Record<string, unknown> | null; inputs?: Record<string, unknown> | null } | null;
  /** The state after the step (what the provider read); absent or null when the resource is gone. */
  new?: { custom?: boolean; outputs?: Record<string, unknown> | null; inputs?: Record<string, unknown> | null } | null;
  /** Top-level keys that differ. */
  diffs?: string[] | null;
  /** Property path → kind of difference. */
  detailedDiff?: Record<string, unknown> | null;
}

/** Property names from a detailed diff's paths (`spec.replicas` → `spec`, `tags["env"]` → `tags`). */
function topLevel(path: string): string {
  const match = /^[^.[]+/.exec(path);
  return match ? match[0] : path;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The drift one finished refresh step shows, or `undefined` when the resource matches its state (or
 * is bookkeeping: the root stack, providers, components).
 */
export function driftOfStep(metadata: PulumiDriftStepMetadata): DriftedResource | undefined {
  const { op, urn, type } = metadata;
  if (isInternalResource(type, urn) || type.startsWith("pulumi:providers:")) return undefined;
  // Component resources never change on a refresh.
  if (metadata.old && metadata.old.custom === false) return undefined;
  const base = { urn, type, name: urnName(urn) };
  if (op === "delete" || (op === "refresh" && metadata.old && !metadata.new)) return { ...base, change: "deleted", properties: [] };
  if (op !== "refresh" && op !== "update") return undefined;
  const names = new Set<string>();
  for (const key of metadata.diffs ?? []) names.add(topLevel(key));
  for (const path of Object.keys(metadata.detailedDiff ?? {})) names.add(topLevel(path));
  if (names.size === 0 && op === "update") {
    // No diff from the provider (an external resource, or legacy refresh diffs): compare outputs by key.
    const before = metadata.old?.outputs ?? {};
    const after = metadata.new?.outputs ?? {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) if (!sameJson(before[key], after[key])) names.add(key);
  }
  if (names.size === 0 && op !== "update") return undefined;
  return { ...base, change: "changed", properties: [...names].sort() };
}

/** Collects the drifted resources of one refresh preview from its Pulumi engine events. */
export class DriftCollector {
  private readonly found = new Map<string, DriftedResource>();
  /** `update` + `delete` of the summary, when one arrived. */
  summaryDrift: number | undefined;

  /** Feeds one Pulumi engine event (events other than finished steps and the summary are ignored). */
  add(event: {
    resOutputsEvent?: { metadata: PulumiDriftStepMetadata };
    summaryEvent?: { resourceChanges?: Record<string, number | undefined> };
  }): void {
    const metadata = event.resOutputsEvent?.metadata;
    if (metadata) {
      const drift = driftOfStep(metadata);
      if (drift) this.found.set(drift.urn, drift);
    }
    const changes = event.summaryEvent?.resourceChanges;
    if (changes) this.summaryDrift = (changes.update ?? 0) + (changes.delete ?? 0);
  }

  /** The drifted resources found, by URN. */
  get resources(): DriftedResource[] {
    return [...this.found.values()].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  }
}
