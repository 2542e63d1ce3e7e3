/**
 * Maps Pulumi's engine events (the Automation API's `onEvent` stream) to the runner's
 * {@link EngineEvent}s, and counts resources from change summaries.
 */
import type { EngineEvent, InstancePreview, PreviewChangeKind, PreviewResourceChange } from "./types.js";

/** The subset of Pulumi's engine event the mapper reads (the full type lives in `@pulumi/pulumi/automation`). */
export interface PulumiEngineEvent {
  sequence?: number;
  timestamp?: number;
  stdoutEvent?: { message: string };
  diagnosticEvent?: { urn?: string; message: string; severity: string; ephemeral?: boolean };
  summaryEvent?: { durationSeconds: number; resourceChanges: Record<string, number | undefined> };
  resourcePreEvent?: { metadata: PulumiStepMetadata; planning?: boolean };
  resOutputsEvent?: { metadata: PulumiStepMetadata; planning?: boolean };
  resOpFailedEvent?: { metadata: PulumiStepMetadata };
}

interface PulumiStepMetadata {
  op: string;
  urn: string;
  type: string;
}

// Built from a string so the escape character does not sit in a regex literal.
const ansiPattern = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]|<\\{%[^%]*%\\}>`, "g");

/** Removes ANSI escapes and Pulumi's colour tags (`<{%reset%}>`) from a message. */
export function stripColor(text: string): string {
  return text.replace(ansiPattern, "");
}

/** The resource name part of a URN (`urn:pulumi:stack::project::type::name` → `name`). */
export function urnName(urn: string): string {
  const index = urn.lastIndexOf("::");
  return index >= 0 ? urn.slice(index + 2) : urn;
}

/** Whether a step is bookkeeping the user does not see: the root stack and default providers. */
export function isInternalResource(type: string, urn: string): boolean {
  if (type === "pulumi:pulumi:Stack") return true;
  return type.startsWith("pulumi:providers:") && urnName(urn).startsWith("default");
}

/** Ops after which a resource still exists in the stack. */
const aliveOps = new Set(["same", "create", "update", "replace", "import", "read", "refresh"]);

/**
 * The number of resources a summary leaves in the stack, without the root stack resource (Pulumi
 * counts it in every update and refresh summary) and without default providers (Pulumi never counts them).
 */
export function resourceCountFromChanges(changes: Record<string, number | undefined>): number {
  let total = 0;
  for (const [op, count] of Object.entries(changes)) if (aliveOps.has(op)) total += count ?? 0;
  return Math.max(0, total - 1);
}

/** Drops undefined entries of an OpMap. */
export function normalizeChanges(changes: Record<string, number | undefined>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [op, count] of Object.entries(changes)) if (count !== undefined && count !== 0) result[op] = count;
  return result;
}

function mapSeverity(severity: string): "debug" | "info" | "warning" | "error" {
  if (severity === "warning" || severity === "error" || severity === "debug") return severity;
  return "info";
}

/**
 * Maps one Pulumi event; returns `undefined` for events the runner does not forward (prelude, cancel,
 * policy, internal resources, ephemeral diagnostics).
 */
export function mapPulumiEvent(event: PulumiEngineEvent): EngineEvent | undefined {
  const step = (metadata: PulumiStepMetadata, status: "started" | "done" | "failed"): EngineEvent | undefined =>
    isInternalResource(metadata.type, metadata.urn)
      ? undefined
      : { type: "resource", urn: metadata.urn, resourceType: metadata.type, name: urnName(metadata.urn), op: metadata.op, status };
  if (event.resourcePreEvent) return step(event.resourcePreEvent.metadata, "started");
  if (event.resOutputsEvent) return step(event.resOutputsEvent.metadata, "done");
  if (event.resOpFailedEvent) return step(event.resOpFailedEvent.metadata, "failed");
  if (event.diagnosticEvent) {
    const { message, severity, urn, ephemeral } = event.diagnosticEvent;
    if (ephemeral) return undefined;
    const text = stripColor(message).replace(/\s+$/, "");
    if (text === "") return undefined;
    return { type: "diagnostic", severity: mapSeverity(severity), message: text, ...(urn ? { urn } : {}) };
  }
  if (event.summaryEvent) {
    const changes = normalizeChanges(event.summaryEvent.resourceChanges ?? {});
    return {
      type: "summary",
      changes,
      resourceCount: resourceCountFromChanges(event.summaryEvent.resourceChanges ?? {}),
      durationMs: Math.round((event.summaryEvent.durationSeconds ?? 0) * 1000),
    };
  }
  if (event.stdoutEvent) {
    const text = stripColor(event.stdoutEvent.message).replace(/\s+$/, "");
    return text === "" ? undefined : { type: "log", message: text };
  }
  return undefined;
}

/** The full step metadata of a Pulumi event, as far as the preview summary reads it (never values). */
interface PulumiStepDetail extends PulumiStepMetadata {
  /** Property names whose change forces a replacement. */
  keys?: string[];
  /** Property names that differ. */
  diffs?: string[];
  /** Property paths that differ, with how (values are never read). */
  detailedDiff?: Record<string, unknown>;
}

/**
 * How a preview step changes a resource, from Pulumi's step op (`same` for steps that leave it as it is;
 * `undefined` for bookkeeping steps).
 */
export function previewChangeKind(op: string): PreviewChangeKind | "same" | undefined {
  switch (op) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "replace":
    case "create-replacement":
    case "delete-replaced":
    case "discard-replaced":
    case "read-replacement":
    case "import-replacement":
      return "replace";
    case "delete":
      return "delete";
    case "import":
      return "import";
    case "same":
    case "read":
    case "refresh":
      return "same";
    default:
      // discard (a read resource leaves the state, nothing is deleted) and remove-pending-replace.
      return undefined;
  }
}

const maxKeys = 50;

function propertyNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter((item): item is string => typeof item === "string" && item.length <= 200).slice(0, maxKeys);
}

/**
 * Collects what a `preview` would do per resource from Pulumi's engine events (`resourcePreEvent`
 * metadata): one entry per URN, the steps of a replacement (`create-replacement`, `replace`,
 * `delete-replaced`) folded into one `replace`, the root stack and default providers left out. Only
 * the op, type, URN, name and the names of changed properties are kept — never a property value.
 */
export class PreviewCollector {
  private readonly byUrn = new Map<string, PreviewResourceChange>();
  private readonly unchanged = new Set<string>();

  /** Reads one Pulumi event (events other than `resourcePreEvent` are ignored). */
  add(event: PulumiEngineEvent): void {
    const metadata = event.resourcePreEvent?.metadata as PulumiStepDetail | undefined;
    if (!metadata || isInternalResource(metadata.type, metadata.urn)) return;
    const kind = previewChangeKind(metadata.op);
    if (kind === undefined) return;
    if (kind === "same") {
      if (!this.byUrn.has(metadata.urn)) this.unchanged.add(metadata.urn);
      return;
    }
    this.unchanged.delete(metadata.urn);
    const existing = this.byUrn.get(metadata.urn);
    const changedKeys = new Set([
      ...(existing?.changedKeys ?? []),
      ...propertyNames(metadata.diffs),
      ...propertyNames(Object.keys(metadata.detailedDiff ?? {})),
    ]);
    const replaceKeys = new Set([...(existing?.replaceKeys ?? []), ...(kind === "replace" ? propertyNames(metadata.keys) : [])]);
    // A replacement wins over the create or delete it consists of.
    const merged: PreviewResourceChange = {
      kind: existing?.kind === "replace" ? "replace" : kind,
      urn: metadata.urn,
      type: metadata.type,
      name: urnName(metadata.urn),
      ...(changedKeys.size > 0 ? { changedKeys: [...changedKeys].slice(0, maxKeys) } : {}),
      ...(replaceKeys.size > 0 ? { replaceKeys: [...replaceKeys].slice(0, maxKeys) } : {}),
    };
    if (merged.kind === "replace" && metadata.op === "delete-replaced" && !existing) merged.deleteBeforeReplace = true;
    else if (existing?.deleteBeforeReplace) merged.deleteBeforeReplace = true;
    this.byUrn.set(metadata.urn, merged);
  }

  /** The preview so far: changes in the order Pulumi first reported them, and the counts per kind. */
  result(): InstancePreview {
    const changes = [...this.byUrn.values()];
    const counts: InstancePreview["counts"] = { create: 0, update: 0, replace: 0, delete: 0, import: 0 };
    for (const change of changes) counts[change.kind]++;
    return { changes, counts, unchanged: this.unchanged.size };
  }
}
