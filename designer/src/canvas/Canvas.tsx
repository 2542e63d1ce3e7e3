/**
 * The project canvas: React Flow with instance cards and hubs, step edges coloured by entity type,
 * snap to grid, multi-select, connection checks with reasons, drag-and-drop from the palette, keyboard
 * shortcuts (delete, undo/redo, copy/paste, select all) and a cheap minimap and background.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  ConnectionMode,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  type FitViewOptions,
  type IsValidConnection,
  type NodeChange,
  ReactFlow,
  useReactFlow,
  useStore,
  type Viewport,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useApp, useProjectStore } from "../app/context.js";
import { BenchRegistrar, benchViewport, setBenchVisibleOnly } from "../bench-hooks.js";
import { checkConnection, type HandleEnd } from "../model/connections.js";
import { keys } from "../state/project-store.js";
import { ConfirmDialog } from "../ui/Dialog.js";
import { openDialog } from "../ui/dialogs.js";
import { toast, toastError } from "../ui/toasts.js";
import { CanvasActionsContext } from "./actions.js";
import { CardsCanvas, zoomedOut } from "./CardsCanvas.js";
import { connectingStyle } from "./connecting-style.js";
import { DotsBackground } from "./DotsBackground.js";
import { buildEdges, buildNodes, type CanvasEdge, type CanvasNode } from "./graph.js";
import { HubNode } from "./HubNode.js";
import { InstanceNode } from "./InstanceNode.js";
import { CanvasMinimap } from "./Minimap.js";
import { useActions } from "./use-actions.js";
import { useCanvasKeyboard } from "./use-keyboard.js";
import { ViewportLayer } from "./ViewportLayer.js";

const nodeTypes = { instance: InstanceNode, hub: HubNode };
export const GRID = 16;
const snapGrid: [number, number] = [GRID, GRID];
const proOptions = { hideAttribution: false };
/** Zoomed out, edges are drawn by CardsCanvas instead of React Flow. */
const noEdges: CanvasEdge[] = [];
/**
 * Fitting the view keeps the cards clear of what floats over the canvas: the zoom controls in the
 * bottom-left corner (a 64px column) and the minimap in the bottom-right one (a 236px column), so no
 * status pill ends up under either, also with the dock open and the canvas short.
 */
const fitViewOptions: FitViewOptions = { padding: { top: "24px", bottom: "24px", left: "64px", right: "236px" }, maxZoom: 1 };

function viewportKey(project: string): string {
  return `highstate:viewport:${project}`;
}
function collapsedKey(project: string): string {
  return `highstate:collapsed:${project}`;
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Remembers the view per project (debounced: programmatic moves end on every frame). */
function saveViewport(project: string, viewport: Viewport): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => localStorage.setItem(viewportKey(project), JSON.stringify(viewport)), 400);
}

function loadViewport(project: string): Viewport | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(viewportKey(project)) ?? "null") as Viewport | null;
    return value && Number.isFinite(value.x) && Number.isFinite(value.y) && Number.isFinite(value.zoom) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function Canvas({ onAdd }: { onAdd: (type: string, position?: { x: number; y: number }) => void }) {
  const store = useProjectStore();
  const { registry } = useApp();
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const collapsedRef = useRef<Set<string>>(new Set(JSON.parse(localStorage.getItem(collapsedKey(store.name)) ?? "[]") as string[]));
  const [nodes, setNodes] = useState<CanvasNode[]>(() => buildNodes(store, collapsedRef.current, []));
  const [edges, setEdges] = useState<CanvasEdge[]>(() => buildEdges(store, store.running, []));
  const [connecting, setConnecting] = useState<HandleEnd & { handleType: "source" | "target" }>();
  // Zoomed in, only cards in view are mounted; zoomed out, every card is an invisible box over the canvas drawing.
  const compact = useStore(zoomedOut);
  useEffect(() => setBenchVisibleOnly(!compact), [compact]);
  const initialViewport = useMemo(() => benchViewport(store.project) ?? loadViewport(store.name), [store]);

  useEffect(() => {
    const rebuildNodes = () => setNodes((previous) => buildNodes(store, collapsedRef.current, previous));
    const rebuildEdges = () => setEdges((previous) => buildEdges(store, store.running, previous));
    const offs = [
      store.emitter.subscribe(keys.graph, () => {
        rebuildNodes();
        rebuildEdges();
      }),
      store.emitter.subscribe(keys.views, rebuildNodes),
      store.emitter.subscribe(keys.running, rebuildEdges),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [store]);

  const toggleCollapsed = useCallback(
    (id: string) => {
      const set = new Set(collapsedRef.current);
      if (set.has(id)) set.delete(id);
      else set.add(id);
      collapsedRef.current = set;
      localStorage.setItem(collapsedKey(store.name), JSON.stringify([...set]));
      setNodes((previous) => buildNodes(store, set, previous));
    },
    [store],
  );

  const removeNodes = useCallback(
    (ids: string[]) => {
      if (ids.length === 0) return;
      const names = ids.map((id) => (id.startsWith("hub:") ? `hub ${id.slice(4)}` : (store.views.get(id)?.instance.name ?? id)));
      const created = ids.filter((id) => store.views.get(id)?.status.state === "created");
      openDialog((close) => (
        <ConfirmDialog
          title={ids.length === 1 ? `Delete “${names[0]}”?` : `Delete ${ids.length} nodes?`}
          message={
            <>
              <p>
                {ids.length === 1
                  ? "It is removed from the project with its connections."
                  : `${names.join(", ")} are removed from the project with their connections.`}{" "}
                You can undo this.
              </p>
              {created.length > 0 && (
                <p className="warning-text">
                  {created.length === 1 ? "It is" : `${created.length} of them are`} still created: deleting does not destroy resources.
                  Destroy first to remove them.
                </p>
              )}
            </>
          }
          confirmLabel="Delete"
          danger
          onClose={close}
          onConfirm={() => {
            const mutations = ids.map((id) =>
              id.startsWith("hub:") ? { op: "remove-hub" as const, hubId: id } : { op: "remove-instance" as const, instanceId: id },
            );
            store
              .mutate(mutations, { label: ids.length === 1 ? `delete ${names[0]}` : `delete ${ids.length} nodes` })
              .catch((error: unknown) => toastError("The deletion failed", error));
          }}
        />
      ));
    },
    [store],
  );
  const actions = useActions(store, toggleCollapsed, removeNodes);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => setNodes((current) => applyNodeChanges(changes, current)), []);
  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) =>
      setEdges((current) =>
        applyEdgeChanges(
          changes.filter((change) => change.type === "select"),
          current,
        ),
      ),
    [],
  );

  const onNodeDragStop = useCallback(
    (_event: unknown, _node: CanvasNode, dragged: CanvasNode[]) => {
      const moves = dragged
        .filter((node) => {
          const before = node.id.startsWith("hub:") ? store.hubs.get(node.id)?.position : store.views.get(node.id)?.instance.position;
          return !before || before.x !== node.position.x || before.y !== node.position.y;
        })
        .map((node) => ({
          op: "move" as const,
          nodeId: node.id,
          position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
        }));
      if (moves.length > 0)
        store
          .mutate(moves, { label: moves.length === 1 ? "move" : `move ${moves.length} nodes` })
          .catch((error: unknown) => toastError("The new position was not saved", error));
    },
    [store],
  );

  const check = useCallback(
    (connection: Connection | { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }) =>
      checkConnection(
        store.project,
        registry,
        { nodeId: connection.source, handleId: connection.sourceHandle },
        { nodeId: connection.target, handleId: connection.targetHandle },
      ),
    [store, registry],
  );
  const isValidConnection: IsValidConnection<CanvasEdge> = useCallback((connection) => check(connection).ok, [check]);
  const onConnect = useCallback(
    (connection: Connection) => {
      const result = check(connection);
      if (!result.ok) {
        toast("error", "Connection refused", result.reason);
        return;
      }
      store.mutate([result.mutation], { label: "connect" }).catch((error: unknown) => toastError("The connection was not saved", error));
    },
    [check, store],
  );
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      setConnecting(undefined);
      if (state.isValid || !state.fromHandle || !state.toHandle) return;
      const from = {
        source: state.fromHandle.nodeId,
        sourceHandle: state.fromHandle.id,
        target: state.toHandle.nodeId,
        targetHandle: state.toHandle.id,
      };
      const normalized =
        state.fromHandle.type === "target"
          ? { source: from.target, sourceHandle: from.targetHandle, target: from.source, targetHandle: from.sourceHandle }
          : from;
      const result = check(normalized);
      if (!result.ok) toast("error", "Connection refused", result.reason);
    },
    [check],
  );

  useCanvasKeyboard({ store, flow, setNodes, setEdges, removeNodes });

  return (
    <CanvasActionsContext.Provider value={actions}>
      {connecting && <style>{connectingStyle(store.project, registry, connecting)}</style>}
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={compact ? noEdges : edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onConnectStart={(_event, params) =>
          params.nodeId && setConnecting({ nodeId: params.nodeId, handleId: params.handleId, handleType: params.handleType ?? "source" })
        }
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        connectionMode={ConnectionMode.Strict}
        colorMode="dark"
        snapToGrid
        snapGrid={snapGrid}
        minZoom={0.02}
        maxZoom={2}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        selectionOnDrag={false}
        panOnScroll={false}
        zoomOnDoubleClick={false}
        elevateNodesOnSelect={false}
        elevateEdgesOnSelect={false}
        onlyRenderVisibleElements={!compact}
        defaultViewport={initialViewport}
        fitView={!initialViewport}
        fitViewOptions={fitViewOptions}
        onMoveEnd={(_event, viewport) => saveViewport(store.name, viewport)}
        defaultEdgeOptions={{ type: "step" }}
        connectionLineStyle={{ strokeWidth: 2, stroke: "#8b949e" }}
        proOptions={proOptions}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
        }}
        onDrop={(event) => {
          const type = event.dataTransfer.getData("application/x-highstate-component");
          if (!type) return;
          event.preventDefault();
          const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
          onAdd(type, position);
        }}
        aria-label="Project canvas"
        className={compact ? "zoomed-out" : undefined}
      >
        <DotsBackground gap={GRID} />
        <CardsCanvas edges={edges} />
        <ViewportLayer />
        <CanvasMinimap />
        <Controls showInteractive={false} position="bottom-left" fitViewOptions={fitViewOptions} />
        <BenchRegistrar />
      </ReactFlow>
    </CanvasActionsContext.Provider>
  );
}
