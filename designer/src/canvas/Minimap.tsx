/**
 * The minimap: nodes drawn once on a canvas (again only when nodes change), the visible area as a
 * frame moved with CSS while the canvas pans. Click or drag in it to move the view; the wheel zooms.
 */
import { type ReactFlowState, useReactFlow, useStoreApi } from "@xyflow/react";
import { useEffect, useRef } from "react";
import type { CanvasNode } from "./graph.js";
import { statusChip } from "./status.js";

const WIDTH = 200;
const HEIGHT = 140;
const toneColor: Record<string, string> = { ok: "#3fb950", busy: "#58a6ff", error: "#f85149", warning: "#d29922", muted: "#6e7681" };

interface Frame {
  minX: number;
  minY: number;
  scale: number;
  offsetX: number;
  offsetY: number;
}

function nodeColor(node: CanvasNode): string {
  if (node.type === "hub") return "#9aa4b2";
  return toneColor[statusChip(node.data.view.status).tone] ?? "#6e7681";
}

export function CanvasMinimap() {
  const store = useStoreApi();
  const flow = useReactFlow();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const mapping = useRef<Frame>({ minX: 0, minY: 0, scale: 1, offsetX: 0, offsetY: 0 });
  useEffect(() => {
    let scheduled = 0;
    const draw = () => {
      scheduled = 0;
      const canvas = canvasRef.current;
      if (!canvas) return;
      const state = store.getState();
      const nodes = state.nodes as CanvasNode[];
      let minX = Number.POSITIVE_INFINITY;
      let minY = Number.POSITIVE_INFINITY;
      let maxX = Number.NEGATIVE_INFINITY;
      let maxY = Number.NEGATIVE_INFINITY;
      for (const node of nodes) {
        const w = node.width ?? 0;
        const h = node.height ?? 0;
        minX = Math.min(minX, node.position.x);
        minY = Math.min(minY, node.position.y);
        maxX = Math.max(maxX, node.position.x + w);
        maxY = Math.max(maxY, node.position.y + h);
      }
      if (nodes.length === 0) {
        minX = 0;
        minY = 0;
        maxX = 1000;
        maxY = 700;
      }
      // The visible area is always inside the map, like React Flow's own minimap.
      const [tx, ty, zoom] = state.transform;
      minX = Math.min(minX, -tx / zoom);
      minY = Math.min(minY, -ty / zoom);
      maxX = Math.max(maxX, (-tx + state.width) / zoom);
      maxY = Math.max(maxY, (-ty + state.height) / zoom);
      const pad = 40;
      minX -= pad;
      minY -= pad;
      maxX += pad;
      maxY += pad;
      const scale = Math.min(WIDTH / (maxX - minX), HEIGHT / (maxY - minY));
      const offsetX = (WIDTH - (maxX - minX) * scale) / 2;
      const offsetY = (HEIGHT - (maxY - minY) * scale) / 2;
      mapping.current = { minX, minY, scale, offsetX, offsetY };
      const ratio = window.devicePixelRatio || 1;
      canvas.width = WIDTH * ratio;
      canvas.height = HEIGHT * ratio;
      const context = canvas.getContext("2d");
      if (!context) return;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, WIDTH, HEIGHT);
      for (const node of nodes) {
        context.fillStyle = nodeColor(node);
        context.globalAlpha = node.selected ? 1 : 0.7;
        context.fillRect(
          offsetX + (node.position.x - minX) * scale,
          offsetY + (node.position.y - minY) * scale,
          Math.max(1.5, (node.width ?? 0) * scale),
          Math.max(1.5, (node.height ?? 0) * scale),
        );
      }
      placeFrame(state);
    };
    const placeFrame = (state: ReactFlowState) => {
      const element = frameRef.current;
      if (!element) return;
      const [x, y, zoom] = state.transform;
      const { minX, minY, scale, offsetX, offsetY } = mapping.current;
      const left = offsetX + (-x / zoom - minX) * scale;
      const top = offsetY + (-y / zoom - minY) * scale;
      const width = (state.width / zoom) * scale;
      const height = (state.height / zoom) * scale;
      if (left < -0.5 || top < -0.5 || left + width > WIDTH + 0.5 || top + height > HEIGHT + 0.5) {
        // The view left the mapped area: redraw with bounds that include it.
        if (!scheduled) scheduled = requestAnimationFrame(draw);
        return;
      }
      element.style.transform = `translate(${left}px, ${top}px)`;
      element.style.width = `${width}px`;
      element.style.height = `${height}px`;
    };
    draw();
    return store.subscribe((state, previous) => {
      if (state.nodes !== previous.nodes) {
        if (!scheduled) scheduled = requestAnimationFrame(draw);
      } else if (state.transform !== previous.transform || state.width !== previous.width || state.height !== previous.height) {
        placeFrame(state);
      }
    });
  }, [store]);
  const moveTo = (event: React.PointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const { minX, minY, scale, offsetX, offsetY } = mapping.current;
    const fx = (event.clientX - rect.left - offsetX) / scale + minX;
    const fy = (event.clientY - rect.top - offsetY) / scale + minY;
    const { width, height, transform } = store.getState();
    const zoom = transform[2];
    void flow.setViewport({ x: width / 2 - fx * zoom, y: height / 2 - fy * zoom, zoom });
  };
  return (
    <div
      className="minimap nopan nowheel"
      role="img"
      aria-label="Minimap of the canvas; click to move the view there"
      style={{ width: WIDTH, height: HEIGHT }}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        moveTo(event);
      }}
      onPointerMove={(event) => {
        if (event.buttons === 1) moveTo(event);
      }}
      onWheel={(event) => {
        const zoom = store.getState().transform[2];
        void flow.zoomTo(Math.min(2, Math.max(0.02, zoom * (event.deltaY < 0 ? 1.2 : 1 / 1.2))));
      }}
    >
      <canvas ref={canvasRef} style={{ width: WIDTH, height: HEIGHT }} />
      <div ref={frameRef} className="minimap-frame" />
    </div>
  );
}
