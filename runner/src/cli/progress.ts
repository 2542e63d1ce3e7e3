/**
 * Progress of a headless operation (`highstate up|preview|destroy|refresh|drift`) on the terminal.
 *
 * On a TTY it keeps one line per instance at the bottom of the output (state, resources done and the
 * expected total, the resource being worked on) and redraws that block in place; warnings, errors and
 * finished instances' results scroll above it, so nothing important is lost when the block changes.
 * Anywhere else (CI logs, pipes) it writes plain lines, one per event, never cursor movements.
 */

import type { OperationInfo } from "@highstate/project/api";
import type { OrchestratorEvent } from "../engine/event-hub.js";
import type { CliOutput } from "./io.js";

/** How instance results read in the block and in the plain lines. */
type InstanceResult = OperationInfo["results"][string];

interface InstanceLine {
  result: InstanceResult;
  /** Resource steps finished in this run. */
  done: number;
  /** The expected total, when the orchestrator knows it (from the last run). */
  total?: number;
  /** Steps by op (`create`, `update`, `same`, …) in this run. */
  ops: Map<string, number>;
  /** The resource worked on last (`<type> <name>`). */
  current?: string;
  /** For skipped instances: the instance that did not succeed. */
  cause?: string;
}

/** Options of {@link createProgressView}. */
export interface ProgressViewOptions {
  /** Past-tense word of a succeeded instance (`created`, `previewed`, `checked`, …). */
  doneWord: string;
  /** The plain-line formatter (used when the stream is not a TTY). */
  plainLines: (event: OrchestratorEvent) => string[];
  /** Forces the mode; default: TTY mode when `stream.isTTY` is true and `TERM` is not `dumb`. */
  tty?: boolean;
  /** The terminal width (TTY lines are cut to it). Default: `stream.columns`, else 100. */
  columns?: number;
  /** At most one redraw per this many ms (the last state is always drawn by {@link ProgressView.finish}). Default 80. */
  redrawMs?: number;
  /** The clock for redraw throttling (tests pass their own). */
  now?: () => number;
}

/** A progress display fed with orchestrator events. */
export interface ProgressView {
  /** Whether it redraws in place (TTY) or writes plain lines. */
  readonly tty: boolean;
  /** Feeds one event. */
  onEvent(event: OrchestratorEvent): void;
  /** Writes a line of text (above the block on a TTY, so the block stays intact). */
  print(text: string): void;
  /** Draws the final state and leaves the cursor below it; the view takes no more events after this. */
  finish(): void;
}

const spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ESC = String.fromCharCode(27);

/** Cuts a line to `width` visible characters (the lines hold no escapes). */
function fit(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(1, width - 1)).join("")}…`;
}

function opsSummary(ops: Map<string, number>): string {
  const marks: Record<string, string> = { create: "+", update: "~", replace: "±", delete: "-", same: "=" };
  return [...ops.entries()]
    .filter(([, count]) => count > 0)
    .map(([op, count]) => `${marks[op] ?? `${op} `}${count}`)
    .join(" ");
}

/** The block line of one instance. */
export function instanceLine(id: string, line: InstanceLine, doneWord: string, frame: number): string {
  const counted = line.total !== undefined ? `${Math.min(line.done, line.total)}/${line.total}` : `${line.done}`;
  const resources = `${counted} resource${(line.total ?? line.done) === 1 ? "" : "s"}`;
  const ops = opsSummary(line.ops);
  switch (line.result) {
    case "pending":
      return `· ${id}  pending`;
    case "running":
      return `${spinner[frame % spinner.length]} ${id}  running  ${resources}${line.current ? `  ${line.current}` : ""}`;
    case "succeeded":
      return `✔ ${id}  ${doneWord}  ${line.done} resource${line.done === 1 ? "" : "s"}${ops ? ` (${ops})` : ""}`;
    case "failed":
      return `✖ ${id}  failed  ${resources}`;
    case "skipped":
      return `- ${id}  skipped${line.cause ? `: "${line.cause}" did not succeed` : ""}`;
    case "cancelled":
      return `- ${id}  cancelled  ${resources}`;
  }
}

/** Whether a stream gets the redrawn display: a TTY whose terminal is not `dumb`. */
export function isInteractive(stream: CliOutput, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Creates the progress display for an operation, writing to `stream`. */
export function createProgressView(stream: CliOutput & { columns?: number }, options: ProgressViewOptions): ProgressView {
  const tty = options.tty ?? stream.isTTY === true;
  if (!tty) {
    return {
      tty: false,
      onEvent(event) {
        for (const line of options.plainLines(event)) stream.write(`${line}\n`);
      },
      print(text) {
        stream.write(`${text}\n`);
      },
      finish() {},
    };
  }

  const now = options.now ?? (() => performance.now());
  const redrawMs = options.redrawMs ?? 80;
  const width = () => Math.max(20, options.columns ?? stream.columns ?? 100);
  const lines = new Map<string, InstanceLine>();
  let drawn = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let frame = 0;
  let finished = false;

  const block = () => [...lines.entries()].map(([id, line]) => fit(`  ${instanceLine(id, line, options.doneWord, frame)}`, width()));
  const erase = () => (drawn > 0 ? `${ESC}[${drawn}F${ESC}[0J` : "");
  const draw = (above: string[] = []) => {
    const rows = block();
    stream.write(`${erase()}${above.map((line) => `${line}\n`).join("")}${rows.map((row) => `${row}\n`).join("")}`);
    drawn = rows.length;
    lastDraw = now();
    frame++;
  };
  const line = (id: string): InstanceLine => {
    let entry = lines.get(id);
    if (!entry) {
      entry = { result: "pending", done: 0, ops: new Map() };
      lines.set(id, entry);
    }
    return entry;
  };

  return {
    tty: true,
    onEvent(event) {
      if (finished) return;
      const above: string[] = [];
      if (event.type === "operation") {
        for (const [id, result] of Object.entries(event.operation.results)) {
          const entry = line(id);
          if (entry.result === result) continue;
          entry.result = result;
          const cause = event.operation.skippedBecause?.[id];
          if (cause) entry.cause = cause;
          if (result !== "running") entry.current = undefined;
        }
      } else if (event.type === "instance-status") {
        const entry = lines.get(event.instanceId);
        if (entry && event.status.progress) entry.total = event.status.progress.total;
      } else if (event.type === "engine-event") {
        const { instanceId, event: engineEvent } = event;
        const entry = line(instanceId);
        if (engineEvent.type === "resource") {
          if (engineEvent.status === "started") entry.current = `${engineEvent.resourceType} ${engineEvent.name}`;
          else {
            entry.done++;
            entry.ops.set(engineEvent.op, (entry.ops.get(engineEvent.op) ?? 0) + 1);
            if (engineEvent.status === "failed")
              above.push(`  ! ${instanceId}  ${engineEvent.resourceType} ${engineEvent.name} (${engineEvent.op} failed)`);
          }
        } else if (engineEvent.type === "diagnostic" && (engineEvent.severity === "error" || engineEvent.severity === "warning")) {
          for (const text of engineEvent.message.split("\n")) above.push(`  ${instanceId}  ${engineEvent.severity}: ${text}`);
        }
      }
      // Messages are written at once (they scroll above the block); the block itself at most every redrawMs.
      if (above.length > 0 || now() - lastDraw >= redrawMs) draw(above);
    },
    print(text) {
      if (finished) stream.write(`${text}\n`);
      else draw(text.split("\n"));
    },
    finish() {
      if (finished) return;
      finished = true;
      draw();
    },
  };
}
