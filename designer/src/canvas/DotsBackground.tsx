/**
 * The dotted canvas background, drawn on its own compositor layer that is moved (not repainted) while
 * the canvas pans: a tile pattern one cell larger than the screen, shifted by the pan offset modulo
 * the grid. React Flow's own background repaints the whole screen on every pan frame.
 */
import { useStoreApi } from "@xyflow/react";
import { useEffect, useRef } from "react";

const mod = (value: number, by: number) => ((value % by) + by) % by;

export function DotsBackground({ gap = 16 }: { gap?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const store = useStoreApi();
  useEffect(() => {
    let lastZoom = Number.NaN;
    const apply = ([x, y, zoom]: [number, number, number]) => {
      const element = ref.current;
      if (!element) return;
      const cell = gap * zoom;
      if (zoom !== lastZoom) {
        lastZoom = zoom;
        // Dots closer than 6 px are noise: hide them (and save the paint).
        element.style.display = cell < 6 ? "none" : "";
        element.style.backgroundSize = `${cell}px ${cell}px`;
        element.style.inset = `${-cell}px auto auto ${-cell}px`;
        element.style.width = `calc(100% + ${2 * cell}px)`;
        element.style.height = `calc(100% + ${2 * cell}px)`;
        element.style.backgroundPosition = `${cell / 2}px ${cell / 2}px`;
      }
      element.style.transform = `translate3d(${mod(x, cell)}px, ${mod(y, cell)}px, 0)`;
    };
    apply(store.getState().transform);
    return store.subscribe((state, previous) => {
      if (state.transform !== previous.transform) apply(state.transform);
    });
  }, [store, gap]);
  return (
    <div className="dots-layer" aria-hidden="true">
      <div ref={ref} className="dots" />
    </div>
  );
}
