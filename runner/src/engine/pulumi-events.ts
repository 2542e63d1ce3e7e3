/**
 * Maps Pulumi's engine events (the Automation API's `onEvent` stream) to the runner's
 * {@link EngineEvent}s, and counts resources from change summaries.
 */
import type { EngineEvent } from "./types.js";

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
