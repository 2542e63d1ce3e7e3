/**
 * Measuring hooks for `npm run bench`, in the bench build only (`vite build --mode bench`; production
 * builds get `bench-hooks.off.ts` instead) and active only with `?bench=1` in the URL: the same
 * `window.__bench`, `window.__rf` and `window.__rfStore` the bare React Flow baseline exposes, so
 * one script measures both the same way.
 */
import type { Project } from "@highstate/contract";
import { getViewportForBounds, useReactFlow, useStoreApi, type Viewport } from "@xyflow/react";
import { useEffect } from "react";

const params = typeof location === "undefined" ? new URLSearchParams() : new URLSearchParams(location.search);
/** Whether the page was opened by the benchmark. */
export const benchMode = params.get("bench") === "1";
const view = params.get("view") === "z1" ? "z1" : "fit";

interface BenchState {
  n: number;
  view: string;
  firstNodeAt?: number;
  allMeasuredAt?: number;
  renderDone?: number;
  domNodesAtDone?: number;
  domEdgesAtDone?: number;
  transformChanges?: number;
  startRecording: () => void;
  stopRecording: () => number[];
  panProgrammatic: (ms: number) => Promise<number[]>;
}

// biome-ignore lint/suspicious/noExplicitAny: the benchmark reads these globals from outside.
const w = (typeof window === "undefined" ? {} : window) as any;
let generation = 0;
let stamps: number[] = [];

function startRecording(): void {
  const gen = ++generation;
  stamps = [];
  let last = "";
  w.__bench.transformChanges = 0;
  const record = (time: number) => {
    if (gen !== generation) return;
    stamps.push(time);
    const transform = String(w.__rfStore?.getState().transform);
    if (last && transform !== last) w.__bench.transformChanges++;
    last = transform;
    requestAnimationFrame(record);
  };
  requestAnimationFrame(record);
}

function stopRecording(): number[] {
  generation++;
  const deltas: number[] = [];
  for (let i = 1; i < stamps.length; i++) deltas.push(stamps[i]! - stamps[i - 1]!);
  return deltas;
}

function panProgrammatic(ms: number): Promise<number[]> {
  const rf = w.__rf;
  const start = rf.getViewport();
  const radius = view === "fit" ? 150 : 400;
  return new Promise((resolve) => {
    startRecording();
    let t0 = -1;
    const step = (time: number) => {
      if (t0 < 0) t0 = time;
      const t = time - t0;
      const a = (2 * Math.PI * t) / 3000;
      rf.setViewport({ x: start.x + radius * Math.sin(a), y: start.y + radius * (1 - Math.cos(a)), zoom: start.zoom });
      if (t < ms) requestAnimationFrame(step);
      else {
        rf.setViewport(start);
        requestAnimationFrame(() => resolve(stopRecording()));
      }
    };
    requestAnimationFrame(step);
  });
}

let visibleOnly = false;
/** Tells the render watch that only cards in view are mounted (React Flow's onlyRenderVisibleElements). */
export function setBenchVisibleOnly(value: boolean): void {
  visibleOnly = value;
}

/** Installs `window.__bench` (bench mode only). */
export function installBenchHooks(): void {
  if (!benchMode) return;
  const bench: BenchState = { n: -1, view, startRecording, stopRecording, panProgrammatic };
  w.__bench = bench;
  const tick = () => {
    const elements = document.querySelectorAll<HTMLElement>(".react-flow__node");
    if (elements.length > 0 && bench.firstNodeAt === undefined) bench.firstNodeAt = performance.now();
    const store = w.__rfStore;
    let measured = false;
    if (store && bench.n > 0) {
      const { nodeLookup } = store.getState();
      measured = nodeLookup.size === bench.n;
      if (measured) {
        for (const [, node] of nodeLookup) {
          // Cards carry their size and handles (node.width/height/handles), so unmounted ones are ready to draw too.
          if (!node.internals.handleBounds || !(node.measured?.width ?? node.width) || !(node.measured?.height ?? node.height)) {
            measured = false;
            break;
          }
        }
      }
    }
    let hidden = 0;
    for (const element of elements) if (element.style.visibility === "hidden") hidden++;
    if (measured && hidden === 0 && elements.length > 0 && (visibleOnly || elements.length === bench.n)) {
      bench.allMeasuredAt = performance.now();
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          bench.renderDone = performance.now();
          bench.domNodesAtDone = document.querySelectorAll(".react-flow__node").length;
          bench.domEdgesAtDone = document.querySelectorAll(".react-flow__edge").length;
        }),
      );
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** The initial viewport the benchmark asks for (whole graph, or zoom 1.0 centred), like the baseline. */
export function benchViewport(project: Project): Viewport | undefined {
  if (!benchMode || project.instances.length === 0) return undefined;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const instance of project.instances) {
    minX = Math.min(minX, instance.position.x);
    minY = Math.min(minY, instance.position.y);
    maxX = Math.max(maxX, instance.position.x + 320);
    maxY = Math.max(maxY, instance.position.y + 240);
  }
  const width = maxX - minX;
  const height = maxY - minY;
  const element = document.querySelector(".canvas-area") ?? document.body;
  const { clientWidth: w2, clientHeight: h2 } = element;
  if (view === "fit") return getViewportForBounds({ x: minX, y: minY, width, height }, w2, h2, 0.02, 2, 0.05);
  return { x: w2 / 2 - (minX + width / 2), y: h2 / 2 - (minY + height / 2), zoom: 1 };
}

/** Registers the React Flow instance and store for the benchmark (bench mode only). */
export function BenchRegistrar() {
  const flow = useReactFlow();
  const store = useStoreApi();
  useEffect(() => {
    if (!benchMode) return;
    w.__rf = flow;
    w.__rfStore = store;
    w.__bench.n = store.getState().nodes.length;
  }, [flow, store]);
  return null;
}
