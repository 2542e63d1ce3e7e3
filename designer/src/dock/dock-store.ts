/**
 * The dock under the canvas: tabs of panels (logs, outputs, terminals, pages). Panel kinds register a
 * component with `registerDockPanel`; `openTerminal` and `openPage` are the integration points the
 * terminal (src/terminal/) and pages (src/pages/) views plug into.
 */
import type { ComponentType } from "react";
import type { ApiClient } from "../api/client.js";
import type { ProjectStore } from "../state/project-store.js";
import { Observable } from "../state/store.js";

/** One tab of the dock. */
export interface DockPanel {
  /** Unique per panel, e.g. `logs:<instance id>` or `terminal:<instance id>:<name>`. */
  id: string;
  /** The registered panel kind that renders it: `logs`, `outputs`, `terminal`, `page`, … */
  kind: string;
  /** The instance the panel is about. */
  instanceId: string;
  /** The terminal or page name, for kinds that have one. */
  name?: string;
  /** Tab label. */
  title: string;
}

/** What a panel component receives. */
export interface DockPanelProps {
  panel: DockPanel;
  store: ProjectStore;
  api: ApiClient;
  /** Whether the panel's tab is the visible one (hidden panels stay mounted, e.g. to keep a terminal open). */
  active: boolean;
  /** Closes this panel. */
  close: () => void;
}

export const dockPanels = new Observable<DockPanel[]>([]);
export const activeDockPanel = new Observable<string | undefined>(undefined);
/** Height of the dock in pixels (0 when collapsed). */
export const dockHeight = new Observable<number>(280);

const renderers = new Map<string, ComponentType<DockPanelProps>>();
const kindListeners = new Set<() => void>();

/** Registers the component that renders panels of `kind` (replacing an earlier registration). */
export function registerDockPanel(kind: string, component: ComponentType<DockPanelProps>): void {
  renderers.set(kind, component);
  for (const listener of kindListeners) listener();
}

/** The component registered for a panel kind. */
export function dockPanelRenderer(kind: string): ComponentType<DockPanelProps> | undefined {
  return renderers.get(kind);
}

export function onDockPanelKinds(listener: () => void): () => void {
  kindListeners.add(listener);
  return () => kindListeners.delete(listener);
}

/** Opens a panel (or focuses it when one with the same id is open). */
export function openDockPanel(panel: DockPanel): void {
  if (!dockPanels.get().some((item) => item.id === panel.id)) dockPanels.update((list) => [...list, panel]);
  activeDockPanel.set(panel.id);
  if (dockHeight.get() < 120) dockHeight.set(280);
}

export function closeDockPanel(id: string): void {
  const list = dockPanels.get();
  const index = list.findIndex((item) => item.id === id);
  if (index < 0) return;
  const next = list.filter((item) => item.id !== id);
  dockPanels.set(next);
  if (activeDockPanel.get() === id) activeDockPanel.set(next[Math.min(index, next.length - 1)]?.id);
}

/** Closes every panel (when another project opens). */
export function resetDock(): void {
  dockPanels.set([]);
  activeDockPanel.set(undefined);
}

/** Opens the terminal `name` of an instance in the dock (rendered by the `terminal` panel kind). */
export function openTerminal(instanceId: string, name: string, title?: string): void {
  openDockPanel({
    id: `terminal:${instanceId}:${name}`,
    kind: "terminal",
    instanceId,
    name,
    title: title ?? `${shortName(instanceId)} · ${name}`,
  });
}

/** Opens the page `name` of an instance in the dock (rendered by the `page` panel kind). */
export function openPage(instanceId: string, name: string, title?: string): void {
  openDockPanel({ id: `page:${instanceId}:${name}`, kind: "page", instanceId, name, title: title ?? `${shortName(instanceId)} · ${name}` });
}

/** Opens the live log of an instance. */
export function openLogs(instanceId: string): void {
  openDockPanel({ id: `logs:${instanceId}`, kind: "logs", instanceId, title: `Logs · ${shortName(instanceId)}` });
}

/** Opens the outputs of an instance. */
export function openOutputs(instanceId: string): void {
  openDockPanel({ id: `outputs:${instanceId}`, kind: "outputs", instanceId, title: `Outputs · ${shortName(instanceId)}` });
}

/** The instance name part of an instance id. */
export function shortName(instanceId: string): string {
  return instanceId.slice(instanceId.lastIndexOf(":") + 1);
}
