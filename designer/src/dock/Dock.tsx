/** The dock: a resizable area under the canvas with one tab per open panel. */
import { useSyncExternalStore } from "react";
import { useApp, useProjectStore } from "../app/context.js";
import { UiIcon } from "../icons/Icon.js";
import { useObservable } from "../state/store.js";
import {
  activeDockPanel,
  closeDockPanel,
  type DockPanel,
  dockHeight,
  dockPanelRenderer,
  dockPanels,
  onDockPanelKinds,
} from "./dock-store.js";

let kindsVersion = 0;
const subscribeKinds = (listener: () => void) =>
  onDockPanelKinds(() => {
    kindsVersion++;
    listener();
  });

export function Dock() {
  const panels = useObservable(dockPanels);
  const active = useObservable(activeDockPanel);
  const height = useObservable(dockHeight);
  useSyncExternalStore(subscribeKinds, () => kindsVersion);
  if (panels.length === 0) return null;
  const collapsed = height < 40;
  const onResize = (event: React.PointerEvent<HTMLDivElement>) => {
    const startY = event.clientY;
    const start = dockHeight.get();
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => dockHeight.set(Math.max(32, Math.min(window.innerHeight - 160, start + startY - e.clientY)));
    const up = () => {
      target.removeEventListener("pointermove", move);
      target.removeEventListener("pointerup", up);
    };
    target.addEventListener("pointermove", move);
    target.addEventListener("pointerup", up);
  };
  const onTabKey = (event: React.KeyboardEvent, index: number) => {
    const next = event.key === "ArrowRight" ? index + 1 : event.key === "ArrowLeft" ? index - 1 : undefined;
    if (next === undefined) return;
    const panel = panels[(next + panels.length) % panels.length]!;
    activeDockPanel.set(panel.id);
    document.getElementById(`dock-tab-${panel.id}`)?.focus();
    event.preventDefault();
  };
  return (
    <section className="dock" style={{ height: collapsed ? 34 : height }} aria-label="Panels">
      {/* biome-ignore lint/a11y/useSemanticElements: a focusable splitter is a separator with a value; <hr> cannot be one. */}
      <div
        className="dock-resizer"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize panels"
        aria-valuenow={height}
        tabIndex={0}
        onPointerDown={onResize}
        onKeyDown={(event) => {
          if (event.key === "ArrowUp") dockHeight.set(Math.min(window.innerHeight - 160, height + 40));
          else if (event.key === "ArrowDown") dockHeight.set(Math.max(32, height - 40));
        }}
      />
      <div className="dock-tabs" role="tablist" aria-label="Open panels">
        {panels.map((panel, index) => (
          <div key={panel.id} className={`dock-tab${panel.id === active ? " active" : ""}`}>
            <button
              id={`dock-tab-${panel.id}`}
              type="button"
              role="tab"
              aria-selected={panel.id === active}
              aria-controls={`dock-panel-${panel.id}`}
              tabIndex={panel.id === active ? 0 : -1}
              onClick={() => {
                activeDockPanel.set(panel.id);
                if (collapsed) dockHeight.set(280);
              }}
              onKeyDown={(event) => onTabKey(event, index)}
            >
              {panel.title}
            </button>
            <button type="button" className="icon-button" aria-label={`Close ${panel.title}`} onClick={() => closeDockPanel(panel.id)}>
              <UiIcon name="close" size={14} />
            </button>
          </div>
        ))}
        <span className="dock-spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label={collapsed ? "Expand panels" : "Collapse panels"}
          onClick={() => dockHeight.set(collapsed ? 280 : 32)}
        >
          <UiIcon name={collapsed ? "chevron-right" : "chevron-down"} size={16} />
        </button>
      </div>
      <div className="dock-body" hidden={collapsed}>
        {panels.map((panel) => (
          <PanelHost key={panel.id} panel={panel} active={panel.id === active} />
        ))}
      </div>
    </section>
  );
}

function PanelHost({ panel, active }: { panel: DockPanel; active: boolean }) {
  const store = useProjectStore();
  const { api } = useApp();
  const Renderer = dockPanelRenderer(panel.kind);
  return (
    <div id={`dock-panel-${panel.id}`} role="tabpanel" aria-labelledby={`dock-tab-${panel.id}`} className="dock-panel" hidden={!active}>
      {Renderer ? (
        <Renderer panel={panel} store={store} api={api} active={active} close={() => closeDockPanel(panel.id)} />
      ) : (
        <p className="muted dock-missing">This build of the designer has no "{panel.kind}" view.</p>
      )}
    </div>
  );
}
