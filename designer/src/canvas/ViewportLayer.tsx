/**
 * Zoomed in (where only the cards in view are mounted), the viewport gets its own compositor layer
 * while the zoom stays put, so panning moves already painted pixels instead of repainting every card.
 * The layer is dropped while zooming and re-created 200 ms after, so text is re-rastered sharp at the
 * new scale. Zoomed out the canvas drawing is cheaper without it (a layer there forces re-layerizing
 * a thousand node boxes per frame).
 */
import { useStoreApi } from "@xyflow/react";
import { useEffect } from "react";
import { DETAIL_ZOOM } from "./CardsCanvas.js";

export function ViewportLayer() {
  const store = useStoreApi();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let layered = false;
    const viewport = () => store.getState().domNode?.querySelector<HTMLElement>(".react-flow__viewport") ?? null;
    const set = (on: boolean) => {
      if (on === layered) return;
      layered = on;
      const element = viewport();
      if (element) element.style.willChange = on ? "transform" : "";
    };
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => set(store.getState().transform[2] >= DETAIL_ZOOM), 200);
    };
    settle();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.transform[2] !== previous.transform[2]) {
        set(false);
        settle();
      }
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
      set(false);
    };
  }, [store]);
  return null;
}
