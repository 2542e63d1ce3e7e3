/**
 * Canvas shortcuts: Delete/Backspace deletes the selection (nodes after confirmation, edges at once),
 * Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z or Ctrl+Y redoes, Ctrl/Cmd+A selects everything, Escape clears
 * the selection; copy and paste use the clipboard events, so the system clipboard works too.
 */
import type { ReactFlowInstance } from "@xyflow/react";
import { useEffect, useRef } from "react";
import type { ProjectStore } from "../state/project-store.js";
import { toast, toastError } from "../ui/toasts.js";
import { type CopiedGraph, copyInstances, parseCopiedGraph, pasteMutations } from "./clipboard.js";
import { type CanvasEdge, type CanvasNode, edgeRemoval } from "./graph.js";

function isEditable(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  return (
    element.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName) ||
    element.closest("dialog") !== null ||
    element.closest(".dock") !== null
  );
}

export function useCanvasKeyboard({
  store,
  flow,
  setNodes,
  setEdges,
  removeNodes,
}: {
  store: ProjectStore;
  flow: ReactFlowInstance<CanvasNode, CanvasEdge>;
  setNodes: React.Dispatch<React.SetStateAction<CanvasNode[]>>;
  setEdges: React.Dispatch<React.SetStateAction<CanvasEdge[]>>;
  removeNodes: (ids: string[]) => void;
}) {
  const memory = useRef<CopiedGraph>(undefined);
  const pasteCount = useRef(0);
  const pastePending = useRef(false);
  useEffect(() => {
    const selectedNodes = () => flow.getNodes().filter((node) => node.selected);
    const selectedEdges = () => flow.getEdges().filter((edge) => edge.selected);
    const select = (ids: Set<string>) => {
      setNodes((nodes) => nodes.map((node) => (node.selected === ids.has(node.id) ? node : { ...node, selected: ids.has(node.id) })));
      setEdges((edges) => edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge)));
    };
    let lastPaste = Number.NEGATIVE_INFINITY;
    const paste = (copied: CopiedGraph) => {
      // One keystroke can arrive twice (the keydown fallback and a late paste event): paste once.
      if (performance.now() - lastPaste < 400) return;
      lastPaste = performance.now();
      pasteCount.current++;
      const { mutations, ids } = pasteMutations(store.project, copied, { x: 48 * pasteCount.current, y: 48 * pasteCount.current });
      store
        .mutate(mutations, { label: `paste ${ids.length} instance${ids.length === 1 ? "" : "s"}` })
        .then(() => select(new Set(ids)))
        .catch((error: unknown) => toastError("The paste failed", error));
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (isEditable(event.target) || document.querySelector("dialog[open]")) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (event.key === "Delete" || event.key === "Backspace") {
        const nodes = selectedNodes();
        const edges = selectedEdges();
        if (nodes.length > 0) removeNodes(nodes.map((node) => node.id));
        else if (edges.length > 0) {
          store
            .mutate(edges.map(edgeRemoval), { label: edges.length === 1 ? "disconnect" : `disconnect ${edges.length}` })
            .then(() =>
              toast("info", edges.length === 1 ? "Connection removed" : `${edges.length} connections removed`, "Press Ctrl+Z to undo."),
            )
            .catch((error: unknown) => toastError("The connection was not removed", error));
        } else return;
        event.preventDefault();
      } else if (mod && key === "z" && !event.shiftKey) {
        event.preventDefault();
        store.undo().then(
          (label) => label && toast("info", `Undone: ${label}`),
          (error: unknown) => toastError("Undo failed", error),
        );
      } else if (mod && ((key === "z" && event.shiftKey) || key === "y")) {
        event.preventDefault();
        store.redo().then(
          (label) => label && toast("info", `Redone: ${label}`),
          (error: unknown) => toastError("Redo failed", error),
        );
      } else if (mod && key === "c" && !event.shiftKey) {
        // The copy event (below) also fills the system clipboard; this covers browsers that send none.
        const copied = copyInstances(
          store.project,
          selectedNodes().map((node) => node.id),
        );
        if (copied) {
          memory.current = copied;
          pasteCount.current = 0;
          toast("info", `Copied ${copied.instances.length} instance${copied.instances.length === 1 ? "" : "s"}`, "Press Ctrl+V to paste.");
        }
      } else if (mod && key === "v" && !event.shiftKey) {
        // Paste from the system clipboard when a paste event follows; from memory when none does.
        pastePending.current = true;
        setTimeout(() => {
          if (!pastePending.current) return;
          pastePending.current = false;
          if (memory.current) paste(memory.current);
        }, 150);
      } else if (mod && key === "a") {
        event.preventDefault();
        select(new Set(flow.getNodes().map((node) => node.id)));
      } else if (event.key === "Escape") {
        select(new Set());
      }
    };
    const onCopy = (event: ClipboardEvent) => {
      if (isEditable(event.target) || document.querySelector("dialog[open]")) return;
      const copied = copyInstances(
        store.project,
        selectedNodes().map((node) => node.id),
      );
      if (!copied) return;
      memory.current = copied;
      pasteCount.current = 0;
      event.clipboardData?.setData("text/plain", JSON.stringify(copied, null, 2));
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (isEditable(event.target) || document.querySelector("dialog[open]")) return;
      pastePending.current = false;
      const copied = parseCopiedGraph(event.clipboardData?.getData("text/plain") ?? "") ?? memory.current;
      if (!copied) return;
      event.preventDefault();
      paste(copied);
    };
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [store, flow, setNodes, setEdges, removeNodes]);
}
