/** Medians per target and view, and the designer/baseline ratios the brief asks for. */

export interface RunResult {
  target: "baseline" | "designer";
  view: string;
  ovr: number;
  rep: number;
  firstNodeAt: number;
  renderDone: number;
  domNodes: number;
  domEdges: number;
  heapAfterRender: number;
  heapAfterGC: number;
  panFrames: number[];
  panTaskMs: number;
  panScriptMs: number;
  dragFrames: number[];
  errors: string[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
};

interface Row {
  render: number;
  first: number;
  heap: number;
  heapGc: number;
  p50: number;
  p95: number;
  fps: number;
  dragFps: number;
}

function row(runs: RunResult[]): Row {
  const per = runs.map((run) => {
    const span = run.panFrames.reduce((sum, value) => sum + value, 0) / 1000;
    const dragSpan = run.dragFrames.reduce((sum, value) => sum + value, 0) / 1000;
    return {
      render: run.renderDone,
      first: run.firstNodeAt,
      heap: run.heapAfterRender / 1048576,
      heapGc: run.heapAfterGC / 1048576,
      p50: percentile(run.panFrames, 0.5),
      p95: percentile(run.panFrames, 0.95),
      fps: run.panFrames.length / span,
      dragFps: dragSpan > 0 ? run.dragFrames.length / dragSpan : Number.NaN,
    };
  });
  const pick = (key: keyof Row) => median(per.map((item) => item[key]));
  return {
    render: pick("render"),
    first: pick("first"),
    heap: pick("heap"),
    heapGc: pick("heapGc"),
    p50: pick("p50"),
    p95: pick("p95"),
    fps: pick("fps"),
    dragFps: pick("dragFps"),
  };
}

/** A Markdown table of medians and the ratios. */
export function summarize(results: RunResult[], n: number): string {
  const groups = new Map<string, RunResult[]>();
  for (const result of results) {
    const key = `${result.target}|${result.view}|${result.ovr}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  const rows = new Map([...groups].map(([key, runs]) => [key, row(runs)]));
  const lines = [
    "",
    `Canvas benchmark, N=${n}, medians of ${Math.max(...[...groups.values()].map((runs) => runs.length))} runs (Chromium, software rendering, 1600×900 canvas)`,
    "",
    "| target | view | visible-only | render ms | first node ms | heap MiB (after GC) | pan p50 ms | pan p95 ms | pan fps | drag fps |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [key, value] of rows) {
    const [target, view, ovr] = key.split("|");
    lines.push(
      `| ${target} | ${view === "fit" ? "whole graph" : "zoom 1.0"} | ${ovr === "1" ? "yes" : ovr === "-1" ? "auto" : "no"} | ${value.render.toFixed(0)} | ${value.first.toFixed(0)} | ${value.heap.toFixed(1)} (${value.heapGc.toFixed(1)}) | ${value.p50.toFixed(1)} | ${value.p95.toFixed(1)} | ${value.fps.toFixed(1)} | ${value.dragFps.toFixed(1)} |`,
    );
  }
  const base = rows.get("baseline|fit|0");
  const mine = rows.get("designer|fit|-1");
  const baseZ = rows.get("baseline|z1|1");
  const mineZ = rows.get("designer|z1|-1");
  lines.push("");
  if (base && mine) {
    lines.push(
      `whole graph: pan fps ratio designer/baseline = ${(mine.fps / base.fps).toFixed(2)}× (target ≥ 3×); pan p95 ${mine.p95.toFixed(1)} vs ${base.p95.toFixed(1)} ms`,
    );
    lines.push(
      `whole graph: time to first render ratio designer/baseline = ${(mine.render / base.render).toFixed(2)} (target ≤ 1.00); heap ratio ${(mine.heapGc / base.heapGc).toFixed(2)}`,
    );
  }
  if (baseZ && mineZ) {
    lines.push(
      `zoom 1.0: pan fps ratio designer/baseline(visible-only) = ${(mineZ.fps / baseZ.fps).toFixed(2)}×; render ratio ${(mineZ.render / baseZ.render).toFixed(2)}; heap ratio ${(mineZ.heapGc / baseZ.heapGc).toFixed(2)}`,
    );
  }
  const errors = results.flatMap((result) => result.errors.map((error) => `${result.target} ${result.view}: ${error}`));
  if (errors.length > 0) lines.push("", `page errors: ${[...new Set(errors)].slice(0, 5).join("; ")}`);
  return lines.join("\n");
}
