import type { EngineEvent, OperationInfo } from "@highstate/project/api";
import { describe, expect, it } from "vitest";
import type { OrchestratorEvent } from "../engine/event-hub.js";
import { createProgressView, isInteractive } from "./progress.js";

const ESC = String.fromCharCode(27);

function stream(isTTY: boolean) {
  let text = "";
  return { isTTY, columns: 80, write: (chunk: string) => (text += chunk), text: () => text };
}

function operation(results: OperationInfo["results"], skippedBecause?: Record<string, string>): OrchestratorEvent {
  return {
    type: "operation",
    operation: {
      id: "op",
      project: "demo",
      type: "up",
      instanceIds: Object.keys(results),
      state: "running",
      startedAt: "2026-12-04T00:00:00.000Z",
      results,
      ...(skippedBecause ? { skippedBecause } : {}),
    },
  };
}

const engine = (instanceId: string, event: EngineEvent): OrchestratorEvent => ({
  type: "engine-event",
  operationId: "op",
  project: "demo",
  instanceId,
  event,
  time: "2026-12-04T00:00:00.000Z",
});

const resource = (id: string, name: string, op: string, status: "started" | "done" | "failed") =>
  engine(id, { type: "resource", urn: `urn:${name}`, resourceType: "fake:index:Thing", name, op, status });

/** A run of two instances: a succeeds creating 2 resources, b fails after one, c is skipped because of b. */
const script: OrchestratorEvent[] = [
  operation({ a: "pending", b: "pending", c: "pending" }),
  operation({ a: "running", b: "running", c: "pending" }),
  {
    type: "instance-status",
    project: "demo",
    instanceId: "b",
    status: { state: "running", outdated: false, progress: { done: 0, total: 3 } },
  },
  resource("a", "a-1", "create", "started"),
  resource("a", "a-1", "create", "done"),
  resource("b", "b-1", "update", "started"),
  resource("a", "a-2", "create", "started"),
  resource("a", "a-2", "create", "done"),
  resource("b", "b-1", "update", "done"),
  engine("b", { type: "diagnostic", severity: "info", message: "just chatter" }),
  engine("b", { type: "diagnostic", severity: "error", message: "quota exceeded\nin region x" }),
  operation({ a: "succeeded", b: "failed", c: "skipped" }, { c: "b" }),
];

/** What a terminal shows after the output: applies the two escapes the view uses (cursor up n lines, erase below). */
function screen(output: string): string[] {
  const rows: string[] = [""];
  const pattern = new RegExp(`${ESC}\\[(\\d+)F${ESC}\\[0J`, "g");
  let last = 0;
  const write = (text: string) => {
    for (const char of text) {
      if (char === "\n") rows.push("");
      else rows[rows.length - 1] += char;
    }
  };
  for (const match of output.matchAll(pattern)) {
    write(output.slice(last, match.index));
    rows.splice(rows.length - 1 - Number(match[1]), Number(match[1]) + 1, "");
    last = match.index! + match[0].length;
  }
  write(output.slice(last));
  return rows.slice(0, -1);
}

describe("progress of headless operations", () => {
  it("on a TTY keeps one line per instance and redraws it in place, with errors scrolling above", () => {
    const out = stream(true);
    let clock = 0;
    const view = createProgressView(out, { doneWord: "created", plainLines: () => ["plain!"], now: () => clock, redrawMs: 50 });
    expect(view.tty).toBe(true);
    view.print('Up of 3 instances in project "demo": a, b, c');
    for (const event of script) {
      clock += 20;
      view.onEvent(event);
    }
    view.finish();
    const text = out.text();
    expect(text).not.toContain("plain!");
    // Redrawn in place (cursor up over the block, erase), and throttled: fewer redraws than events.
    const redraws = text.split(`${ESC}[`).length - 1;
    expect(redraws).toBeGreaterThan(2);
    expect(redraws / 2).toBeLessThan(script.length);
    expect(screen(text)).toEqual([
      'Up of 3 instances in project "demo": a, b, c',
      "  b  error: quota exceeded",
      "  b  error: in region x",
      "  ✔ a  created  2 resources (+2)",
      "  ✖ b  failed  1/3 resources",
      '  - c  skipped: "b" did not succeed',
    ]);
    // A frame while running shows the spinner, the counts and the resource being worked on.
    const out2 = stream(true);
    const live = createProgressView(out2, { doneWord: "created", plainLines: () => [], now: () => 0, redrawMs: 0 });
    for (const event of script.slice(0, 7)) live.onEvent(event);
    expect(screen(out2.text()).at(-3)).toMatch(/^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] a {2}running {2}1 resource {2}fake:index:Thing a-2$/);
    expect(screen(out2.text()).at(-2)).toMatch(/^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] b {2}running {2}0\/3 resources {2}fake:index:Thing b-1$/);
    expect(screen(out2.text()).at(-1)).toBe("  · c  pending");
  });

  it("cuts lines to the terminal width", () => {
    const out = { ...stream(true), columns: 30 };
    const view = createProgressView(out, { doneWord: "created", plainLines: () => [], now: () => 0, redrawMs: 0 });
    view.onEvent(operation({ "acme.very-long-component-type.v1:instance": "pending" }));
    view.finish();
    for (const row of screen(out.text())) expect([...row].length).toBeLessThanOrEqual(30);
    expect(screen(out.text())[0]).toMatch(/…$/);
  });

  it("elsewhere writes the plain lines, one per event, without escapes", () => {
    const out = stream(false);
    const seen: string[] = [];
    const view = createProgressView(out, {
      doneWord: "created",
      plainLines: (event) => (event.type === "operation" ? [`op ${Object.values(event.operation.results).join(",")}`] : []),
    });
    expect(view.tty).toBe(false);
    view.print("header");
    for (const event of script) view.onEvent(event);
    view.finish();
    seen.push(...out.text().split("\n"));
    expect(out.text()).not.toContain(ESC);
    expect(seen).toEqual(["header", "op pending,pending,pending", "op running,running,pending", "op succeeded,failed,skipped", ""]);
  });

  it("counts a stream as interactive only when it is a TTY and TERM is not dumb", () => {
    expect(isInteractive({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(isInteractive({ write: () => true, isTTY: true }, { TERM: "dumb" })).toBe(false);
    expect(isInteractive({ write: () => true }, {})).toBe(false);
  });
});
