/**
 * Zoomed out, every instance card and edge is drawn on one canvas inside the viewport instead of as
 * DOM and SVG: the browser then composites one image per frame while panning, instead of
 * re-layerizing a thousand card subtrees and re-positioning every edge. The DOM nodes stay
 * (invisible) for selection, dragging and handle positions. The canvas is redrawn when nodes or
 * edges change (moved, selected, new status) or the zoom changes.
 */
import { getSmoothStepPath, Position, type ReactFlowState, useStore, useStoreApi, ViewportPortal } from "@xyflow/react";
import { useEffect, useRef } from "react";
import { useApp } from "../app/context.js";
import type { CanvasEdge, CanvasNode, InstanceNode } from "./graph.js";
import type { HandleSpec } from "./layout.js";
import { CHIP_HEIGHT, CHIP_ROW, entityColor, SECTION_PAD } from "./layout.js";
import { statusChip } from "./status.js";

/** Below this zoom cards are drawn on the canvas. */
export const DETAIL_ZOOM = 0.45;
export const zoomedOut = (state: ReactFlowState) => state.transform[2] < DETAIL_ZOOM;
/** At most this many canvas pixels (memory and redraw time stay bounded for huge projects). */
const MAX_PIXELS = 12_000_000;
const toneBorder: Record<string, string> = { ok: "#2f6d35", busy: "#3b7dd8", error: "#b33a3a", warning: "#8a6d1e", muted: "#45474c" };
const toneFill: Record<string, string> = { ok: "#6fcf72", busy: "#8cc2ff", error: "#ff8a80", warning: "#f0c75e", muted: "#8b8e94" };

function roundRect(context: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  context.beginPath();
  context.roundRect(x, y, w, h, r);
}

export function CardsCanvas({ edges }: { edges: readonly CanvasEdge[] }) {
  const compact = useStore(zoomedOut);
  if (!compact) return null;
  return (
    <ViewportPortal>
      <CardsCanvasLayer edges={edges} />
    </ViewportPortal>
  );
}

function handlePoint(node: CanvasNode, handleId: string | null | undefined): { x: number; y: number; position: Position } | undefined {
  const handle = (node.handles as HandleSpec[] | undefined)?.find((item) => item.id === handleId);
  if (!handle) return undefined;
  const right = handle.position === Position.Right;
  return {
    x: node.position.x + handle.x + (right ? handle.width : 0),
    y: node.position.y + handle.y + handle.height / 2,
    position: handle.position,
  };
}

function CardsCanvasLayer({ edges }: { edges: readonly CanvasEdge[] }) {
  const edgesRef = useRef(edges);
  const { registry } = useApp();
  const store = useStoreApi();
  const ref = useRef<HTMLCanvasElement>(null);
  const scheduleRef = useRef<() => void>(undefined);
  useEffect(() => {
    let frame = 0;
    let drawnZoom = 0;
    const draw = () => {
      frame = 0;
      const canvas = ref.current;
      if (!canvas) return;
      const state = store.getState();
      const zoom = state.transform[2];
      drawnZoom = zoom;
      const all = state.nodes as CanvasNode[];
      const nodes = all.filter((node): node is InstanceNode => node.type === "instance");
      if (nodes.length === 0) {
        canvas.width = 0;
        canvas.height = 0;
        return;
      }
      let minX = Number.POSITIVE_INFINITY;
      let minY = Number.POSITIVE_INFINITY;
      let maxX = Number.NEGATIVE_INFINITY;
      let maxY = Number.NEGATIVE_INFINITY;
      for (const node of nodes) {
        minX = Math.min(minX, node.position.x);
        minY = Math.min(minY, node.position.y);
        maxX = Math.max(maxX, node.position.x + (node.width ?? 0));
        maxY = Math.max(maxY, node.position.y + (node.height ?? 0));
      }
      minX -= 8;
      minY -= 8;
      maxX += 8;
      maxY += 8;
      const width = maxX - minX;
      const height = maxY - minY;
      const scale = Math.min(zoom * (window.devicePixelRatio || 1), Math.sqrt(MAX_PIXELS / (width * height)));
      canvas.width = Math.max(1, Math.ceil(width * scale));
      canvas.height = Math.max(1, Math.ceil(height * scale));
      canvas.style.transform = `translate(${minX}px, ${minY}px)`;
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      const context = canvas.getContext("2d");
      if (!context) return;
      context.setTransform(scale, 0, 0, scale, -minX * scale, -minY * scale);
      const screenZoom = zoom;
      const withText = 22 * screenZoom >= 5;
      const withBars = CHIP_HEIGHT * screenZoom >= 1.5;
      context.textBaseline = "top";
      const byId = new Map(all.map((node) => [node.id, node]));
      context.lineWidth = Math.max(2, 1.5 / zoom);
      for (const edge of edgesRef.current) {
        const source = byId.get(edge.source);
        const target = byId.get(edge.target);
        if (!source || !target) continue;
        const from = handlePoint(source, edge.sourceHandle);
        const to = handlePoint(target, edge.targetHandle);
        if (!from || !to) continue;
        const [path] = getSmoothStepPath({
          sourceX: from.x,
          sourceY: from.y,
          sourcePosition: from.position,
          targetX: to.x,
          targetY: to.y,
          targetPosition: to.position,
          borderRadius: 0,
        });
        context.strokeStyle = (edge.style?.stroke as string | undefined) ?? "#8b949e";
        context.stroke(new Path2D(path));
      }
      for (const node of nodes) {
        const { view, layout } = node.data;
        const x = node.position.x;
        const y = node.position.y;
        const w = node.width ?? layout.width;
        const h = node.height ?? layout.height;
        const tone = statusChip(view.status).tone;
        roundRect(context, x, y, w, h, 6);
        context.fillStyle = "#2a2b2e";
        context.fill();
        context.lineWidth = node.selected ? 8 : 3;
        context.strokeStyle = node.selected ? "#4c8dff" : (toneBorder[tone] ?? "#45474c");
        context.stroke();
        context.fillStyle = toneFill[tone] ?? "#8b8e94";
        context.fillRect(x + 3, y + h - 12, w - 6, 9);
        if (withBars) {
          const component = view.component;
          layout.inputRows.forEach((name, row) => {
            context.fillStyle = entityColor(registry, component?.inputs[name]?.entity);
            context.fillRect(x + 8, y + layout.ioTop + SECTION_PAD + row * CHIP_ROW, 118, CHIP_HEIGHT);
          });
          layout.outputRows.forEach((name, row) => {
            context.fillStyle = entityColor(registry, component?.outputs[name]?.entity);
            context.fillRect(x + w - 126, y + layout.ioTop + SECTION_PAD + row * CHIP_ROW, 118, CHIP_HEIGHT);
          });
        }
        if (view.problems.length > 0) {
          context.fillStyle = "#e3b341";
          context.beginPath();
          context.arc(x + w - 18, y + 18, 8, 0, Math.PI * 2);
          context.fill();
        }
        if (withText) {
          context.fillStyle = "#e6e6e6";
          context.font = "500 22px Inter, Roboto, 'DejaVu Sans', sans-serif";
          context.fillText(view.component?.meta.title ?? view.instance.type, x + 14, y + 10, w - 40);
          context.fillStyle = "#b9b9b9";
          context.font = "16px Inter, Roboto, 'DejaVu Sans', sans-serif";
          context.fillText(view.instance.name, x + 14, y + 36, w - 28);
        }
      }
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    scheduleRef.current = schedule;
    draw();
    let zoomTimer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.nodes !== previous.nodes) schedule();
      else if (state.transform[2] !== previous.transform[2]) {
        // Redraw at the new resolution once zooming pauses; CSS scales the old image meanwhile.
        clearTimeout(zoomTimer);
        zoomTimer = setTimeout(() => {
          if (store.getState().transform[2] !== drawnZoom) schedule();
        }, 120);
      }
    });
    return () => {
      unsubscribe();
      clearTimeout(zoomTimer);
      cancelAnimationFrame(frame);
    };
  }, [store, registry]);
  useEffect(() => {
    edgesRef.current = edges;
    scheduleRef.current?.();
  }, [edges]);
  return (
    <div aria-hidden="true">
      <canvas ref={ref} className="cards-canvas" />
    </div>
  );
}
