/**
 * Canvas benchmark: the designer with a 1,000-instance project against the bare React Flow baseline
 * (/work/shared/bench/canvas-baseline, or HIGHSTATE_CANVAS_BASELINE), in the same run, with the
 * baseline's own measuring method: a fresh Chromium per run; time until every node is in the DOM and
 * measured (+2 frames); JS heap after render and after a forced GC; frame intervals during a 3 s
 * programmatic circular pan; a mouse-drag pan. The designer's canvas gets the same 1600×900 pixels.
 *
 *   npm run bench                              # N=1000, 3 reps, fit and zoom 1.0
 *   N=500 REPS=1 npm run bench
 *
 * Prints the production build's first-load JavaScript size (entry chunk + its static imports), one
 * line per run, then medians and the designer/baseline ratios. The runs use the bench build
 * (`bench/dist/`, with the measuring hooks production builds leave out).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { startTestServer } from "../test/support/test-server.ts";
import { benchPackages, benchProject } from "./bench-project.ts";
import { readFirstLoad } from "./first-load.ts";
import { type RunResult, summarize } from "./summary.ts";

const N = Number(process.env.N ?? 1000);
const REPS = Number(process.env.REPS ?? 3);
const PAN_MS = 3000;
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--enable-precise-memory-info",
];
const baselineSource = process.env.HIGHSTATE_CANVAS_BASELINE ?? "/work/shared/bench/canvas-baseline";
const designerDist = fileURLToPath(new URL("./dist/", import.meta.url));
const productionDist = fileURLToPath(new URL("../dist/", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Copies the baseline to a cache folder keyed by its lock file, installs and builds it once. */
function prepareBaseline(): string {
  const lock = readFileSync(join(baselineSource, "package-lock.json"));
  const key = createHash("sha256")
    .update(lock)
    .update(readFileSync(join(baselineSource, "src/App.tsx")))
    .digest("hex")
    .slice(0, 12);
  const dir = join(tmpdir(), `highstate-canvas-baseline-${key}`);
  if (!existsSync(join(dir, "dist/index.html"))) {
    mkdirSync(dir, { recursive: true });
    cpSync(baselineSource, dir, {
      recursive: true,
      filter: (source) => !source.includes("node_modules") && !source.endsWith("results.jsonl"),
    });
    execFileSync("chmod", ["-R", "u+w", dir]);
    console.log(`baseline: npm ci + build in ${dir}`);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
    execFileSync("npm", ["run", "build"], { cwd: dir, stdio: "inherit" });
  }
  return dir;
}

async function startBaselinePreview(dir: string): Promise<{ url: string; stop: () => void }> {
  try {
    await fetch("http://127.0.0.1:4173/");
    throw new Error("port 4173 is already in use; stop whatever serves there (the baseline needs it) and run the benchmark again");
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("port 4173")) throw error;
  }
  const child = spawn("npx", ["vite", "preview", "--host", "127.0.0.1", "--port", "4173", "--strictPort"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch("http://127.0.0.1:4173/")).ok) break;
    } catch {
      await sleep(200);
    }
    if (i === 99) throw new Error(`the baseline preview server did not start on 127.0.0.1:4173:\n${output}`);
  }
  return {
    url: "http://127.0.0.1:4173/",
    stop: () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // Already gone.
      }
    },
  };
}

async function metrics(cdp: import("playwright-core").CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send("Performance.getMetrics")) as { metrics: Array<{ name: string; value: number }> };
  return Object.fromEntries(list.map((metric) => [metric.name, metric.value]));
}

async function findPanePoint(page: Page, radius: number) {
  return page.evaluate((r) => {
    const pane = document.querySelector(".react-flow")!.getBoundingClientRect();
    const cx = pane.left + pane.width / 2;
    for (let y = pane.top + 12; y <= pane.bottom - 2 * r - 12; y += 4) {
      for (let dx = 0; dx <= pane.width / 2 - r - 12; dx += 10) {
        for (const x of [cx - dx, cx + dx]) {
          const element = document.elementFromPoint(x, y);
          if (element?.classList.contains("react-flow__pane")) return { x, y };
        }
      }
    }
    return null;
  }, radius);
}

async function mouseDragPan(page: Page, view: string) {
  const radius = view === "fit" ? 150 : 400;
  const point = await findPanePoint(page, radius);
  if (!point) return { error: "no pane point" };
  await page.mouse.move(point.x, point.y);
  await page.mouse.down();
  await page.evaluate(() => (window as never as { __bench: { startRecording(): void } }).__bench.startRecording());
  const t0 = Date.now();
  for (;;) {
    const t = Date.now() - t0;
    if (t >= PAN_MS) break;
    const a = (2 * Math.PI * t) / 3000;
    await page.mouse.move(point.x + radius * Math.sin(a), point.y + radius * (1 - Math.cos(a)));
  }
  const frames = await page.evaluate(() => (window as never as { __bench: { stopRecording(): number[] } }).__bench.stopRecording());
  const changes = await page.evaluate(() => (window as never as { __bench: { transformChanges: number } }).__bench.transformChanges);
  await page.mouse.up();
  return { frames, changes };
}

async function runOne(target: "baseline" | "designer", url: string, view: string, ovr: number, rep: number): Promise<RunResult> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  try {
    // The designer has a palette (272 px) and a top bar (46 px): its canvas gets the baseline's 1600×900.
    const size = target === "designer" ? { width: 1600 + 272 + 1, height: 900 + 46 + 1 } : { width: 1600, height: 900 };
    const context = await browser.newContext({ viewport: size });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForFunction(() => (window as never as { __bench?: { renderDone?: number } }).__bench?.renderDone !== undefined, null, {
      timeout: 180_000,
      polling: 50,
    });
    const render = await page.evaluate(() => {
      const b = (window as never as { __bench: Record<string, number> }).__bench;
      return { firstNodeAt: b.firstNodeAt!, renderDone: b.renderDone!, domNodes: b.domNodesAtDone!, domEdges: b.domEdgesAtDone! };
    });
    await sleep(1000);
    const heapAfterRender = await page.evaluate(
      () => (performance as never as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
    );
    await cdp.send("HeapProfiler.collectGarbage");
    await sleep(200);
    const heapAfterGC = await page.evaluate(() => (performance as never as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
    const m0 = await metrics(cdp);
    const panFrames = await page.evaluate(
      (ms) => (window as never as { __bench: { panProgrammatic(ms: number): Promise<number[]> } }).__bench.panProgrammatic(ms),
      PAN_MS,
    );
    const m1 = await metrics(cdp);
    await sleep(300);
    const drag = await mouseDragPan(page, view);
    const result: RunResult = {
      target,
      view,
      ovr,
      rep,
      ...render,
      heapAfterRender,
      heapAfterGC,
      panFrames,
      panTaskMs: (m1.TaskDuration! - m0.TaskDuration!) * 1000,
      panScriptMs: (m1.ScriptDuration! - m0.ScriptDuration!) * 1000,
      dragFrames: ("frames" in drag ? drag.frames : undefined) ?? [],
      errors,
    };
    return result;
  } finally {
    await browser.close();
  }
}

const firstLoad = readFirstLoad(productionDist);
if (firstLoad.benchHooks)
  throw new Error(`the production build in ${productionDist} contains the benchmark hooks; build it without --mode bench`);
console.log(
  `designer first load: ${(firstLoad.bytes / 1e6).toFixed(2)} MB of JavaScript (${firstLoad.files.join(", ")}); ${firstLoad.lazyFiles.length} chunks load on demand`,
);
const baselineDir = prepareBaseline();
const preview = await startBaselinePreview(baselineDir);
const { project, statuses } = benchProject(N);
// The runner's real server (fake engine) on a temp workspace with the project and its instance states.
const server = await startTestServer({
  assetsDir: designerDist,
  packages: benchPackages,
  projects: { bench: { password: "bench-password", project, statuses } },
});
const results: RunResult[] = [];
const variants: Array<{ target: "baseline" | "designer"; view: string; ovr: number }> = [
  { target: "baseline", view: "fit", ovr: 0 },
  // The designer picks by itself: zoomed out every card is a box over the canvas drawing; zoomed in only cards in view mount.
  { target: "designer", view: "fit", ovr: -1 },
  { target: "baseline", view: "z1", ovr: 1 },
  { target: "designer", view: "z1", ovr: -1 },
];
try {
  for (let rep = 0; rep <= REPS; rep++) {
    for (const variant of variants) {
      const url =
        variant.target === "baseline"
          ? `${preview.url}?n=${N}&view=${variant.view}&ovr=${variant.ovr}`
          : server.urlFor("/projects/bench", `bench=1&view=${variant.view}`);
      const result = await runOne(variant.target, url, variant.view, variant.ovr, rep).catch((error: unknown) => {
        throw new Error(`rep${rep} ${variant.target} ${variant.view}: ${(error as Error).message}`, { cause: error });
      });
      if (rep === 0) continue; // warm-up round: fills the OS file cache, discarded
      results.push(result);
      const sorted = [...result.panFrames].sort((a, b) => a - b);
      console.log(
        `rep${rep} ${variant.target.padEnd(8)} ${variant.view} visible-only=${variant.ovr < 0 ? "auto" : variant.ovr === 1 ? "yes" : "no"} render=${result.renderDone.toFixed(0)}ms dom=${result.domNodes}/${result.domEdges} heap=${(result.heapAfterGC / 1048576).toFixed(1)}MiB pan p50=${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} p95=${sorted[Math.ceil(sorted.length * 0.95) - 1]?.toFixed(1)} frames=${sorted.length}${result.errors.length ? ` errors=${JSON.stringify(result.errors.slice(0, 3))}` : ""}`,
      );
    }
  }
} finally {
  preview.stop();
  await server.close();
}
console.log(summarize(results, N));
