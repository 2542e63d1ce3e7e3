/** One project: top bar, palette, canvas and dock; loads the snapshot and follows server events. */
import type { ProjectSnapshot } from "@highstate/project/api";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { ProjectContext, useApp } from "../app/context.js";
import { navigate } from "../app/route.js";
import { Canvas, GRID } from "../canvas/Canvas.js";
import { Dock } from "../dock/Dock.js";
import { registerDockPanel, resetDock } from "../dock/dock-store.js";
import { AddInstanceDialog } from "../forms/AddInstanceDialog.js";
import { NameDialog } from "../forms/NameDialog.js";
import { hubNameProblem, suggestHubId } from "../model/names.js";
import { hubPaletteType, Palette } from "../palette/Palette.js";
import { UnboundSecretsBanner } from "../projects/SecretBindingsDialog.js";
import { UnlockDialog } from "../projects/UnlockDialog.js";
import { EngineBanner } from "../runs/engine-readiness.js";
import { LogPanel } from "../runs/LogPanel.js";
import { OutputsPanel } from "../runs/OutputsPanel.js";
import "../terminal/index.js";
import "../pages/index.js";
import { ProjectStore } from "../state/project-store.js";
import { openDialog } from "../ui/dialogs.js";
import { toastError } from "../ui/toasts.js";
import { TopBar } from "./TopBar.js";

registerDockPanel("logs", LogPanel);
registerDockPanel("outputs", OutputsPanel);

export function ProjectScreen({ name }: { name: string }) {
  const { api, events, registry } = useApp();
  const [store, setStore] = useState<ProjectStore>();
  const [error, setError] = useState<ApiRequestError | Error>();
  const open = useCallback((snapshot: ProjectSnapshot) => setStore(new ProjectStore(api, registry, snapshot)), [api, registry]);
  useEffect(() => {
    resetDock();
    let live = true;
    api
      .getProject(name)
      .then((snapshot) => live && open(snapshot))
      .catch((caught: unknown) => {
        if (!live) return;
        if (caught instanceof ApiRequestError && caught.code === "locked") {
          openDialog((close) => <UnlockDialog project={name} onClose={close} onUnlocked={open} />);
        }
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      });
    return () => {
      live = false;
    };
  }, [api, name, open]);
  useEffect(() => {
    if (!store) return;
    if (store.registry !== registry) store.registry = registry;
    store.loadOperations().catch(() => undefined);
    const offEvents = events.subscribe((event) => store.handleEvent(event));
    const offReconnect = events.onReconnect(() => {
      store.reload().catch(() => undefined);
      store.loadOperations().catch(() => undefined);
    });
    return () => {
      offEvents();
      offReconnect();
    };
  }, [store, events, registry]);
  useEffect(() => {
    if (store && !store.snapshot.unlocked) {
      openDialog((close) => <UnlockDialog project={store.name} onClose={close} onUnlocked={(snapshot) => store.setSnapshot(snapshot)} />);
    }
  }, [store]);
  if (!store) {
    return (
      <main className="loading">
        {error ? (
          <div className="notice notice-error" role="alert">
            <p>
              Project “{name}” cannot be opened: {error.message}
            </p>
            <button type="button" className="button" onClick={() => navigate({ screen: "projects" })}>
              Back to projects
            </button>
          </div>
        ) : (
          <span aria-busy="true">Loading “{name}”…</span>
        )}
      </main>
    );
  }
  return (
    <ProjectContext.Provider value={store}>
      <ReactFlowProvider>
        <ProjectLayout store={store} />
      </ReactFlowProvider>
    </ProjectContext.Provider>
  );
}

/** The first place right of (then below) `start` where a new card does not cover another node. */
function freeSpot(store: ProjectStore, start: { x: number; y: number }): { x: number; y: number } {
  const boxes = [
    ...store.project.instances.map((instance) => ({ ...instance.position, w: 320, h: 280 })),
    ...store.project.hubs.map((hub) => ({ ...hub.position, w: 56, h: 56 })),
  ];
  const free = (x: number, y: number) =>
    boxes.every((box) => x + 320 + 24 <= box.x || box.x + box.w + 24 <= x || y + 240 + 24 <= box.y || box.y + box.h + 24 <= y);
  for (let row = 0; row < 20; row++) {
    for (let column = 0; column < 6; column++) {
      const x = start.x + column * 368;
      const y = start.y + row * 304;
      if (free(x, y)) return { x, y };
    }
  }
  return start;
}

function ProjectLayout({ store }: { store: ProjectStore }) {
  const flow = useReactFlow();
  const onAdd = useCallback(
    (type: string, at?: { x: number; y: number }) => {
      const area = document.querySelector(".canvas-area")?.getBoundingClientRect();
      const center = area ? flow.screenToFlowPosition({ x: area.left + area.width / 2, y: area.top + area.height / 2 }) : { x: 0, y: 0 };
      const raw = at ?? freeSpot(store, { x: center.x - 160, y: center.y - 120 });
      const position = { x: Math.round(raw.x / GRID) * GRID, y: Math.round(raw.y / GRID) * GRID };
      if (type === hubPaletteType) {
        const suggested = suggestHubId(store.project).slice(4);
        openDialog((close) => (
          <NameDialog
            title="New hub"
            label="Hub name"
            initial={suggested}
            confirmLabel="Add hub"
            help="Lower-case letters, digits and dashes, starting with a letter; unique among hubs."
            check={(hubName) => hubNameProblem(store.project, hubName)}
            onClose={close}
            onSubmit={async (hubName) => {
              await store.mutate([{ op: "add-hub", hubId: `hub:${hubName}`, position }], { label: "add hub" });
            }}
          />
        ));
        return;
      }
      const component = store.registry.components[type];
      if (!component) return;
      // Bring the new card into view when it landed outside it.
      const reveal = () => {
        const area = document.querySelector(".canvas-area")?.getBoundingClientRect();
        if (!area) return;
        const { x, y, zoom } = flow.getViewport();
        const left = position.x * zoom + x;
        const top = position.y * zoom + y;
        if (left < 0 || top < 0 || left + 320 * zoom > area.width - 220 || top + 260 * zoom > area.height) {
          void flow.setCenter(position.x + 160, position.y + 130, { zoom, duration: 200 });
        }
      };
      openDialog((close) => <AddInstanceDialog store={store} component={component} position={position} onClose={close} onAdded={reveal} />);
    },
    [flow, store],
  );
  const onAddSafe = useCallback(
    (type: string, at?: { x: number; y: number }) => {
      try {
        onAdd(type, at);
      } catch (error) {
        toastError("The component could not be added", error);
      }
    },
    [onAdd],
  );
  return (
    <div className="project-screen">
      <TopBar />
      <div className="project-body">
        <Palette onAdd={onAddSafe} />
        <main className="canvas-column">
          <EngineBanner api={store.api} />
          <UnboundSecretsBanner store={store} />
          <div className="canvas-area">
            <Canvas onAdd={onAddSafe} />
          </div>
          <Dock />
        </main>
      </div>
    </div>
  );
}
