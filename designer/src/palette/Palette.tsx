/**
 * The component palette: every registry component grouped by category, with icon, title and
 * description, filtered by a search box. Drag an entry onto the canvas, or press it (click, Enter) to
 * add it in the middle of the view. A hub entry adds a hub.
 */
import type { RegistryComponent } from "@highstate/contract";
import { memo, useDeferredValue, useMemo, useState } from "react";
import { useApp } from "../app/context.js";
import { EntityIcon, UiIcon } from "../icons/Icon.js";
import { MarkdownText } from "../ui/Markdown.js";

/** The drag-and-drop payload type of palette entries. */
export const paletteMime = "application/x-highstate-component";
/** The payload that stands for a new hub. */
export const hubPaletteType = "@hub";

/** Groups components by category (alphabetical, "Other" last) and filters them by a query. */
export function paletteGroups(components: RegistryComponent[], query: string): Array<[string, RegistryComponent[]]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, RegistryComponent[]>();
  for (const component of components) {
    const text =
      `${component.meta.title} ${component.type} ${component.meta.description ?? ""} ${component.meta.category ?? ""}`.toLowerCase();
    if (!words.every((word) => text.includes(word))) continue;
    const category = component.meta.category ?? "Other";
    groups.set(category, [...(groups.get(category) ?? []), component]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === "Other" ? 1 : b === "Other" ? -1 : a.localeCompare(b)))
    .map(([category, list]) => [category, list.sort((x, y) => x.meta.title.localeCompare(y.meta.title))]);
}

export const Palette = memo(function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const { registry } = useApp();
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const [closed, setClosed] = useState<Set<string>>(new Set());
  const groups = useMemo(() => paletteGroups(Object.values(registry.components), deferred), [registry, deferred]);
  const toggle = (category: string) =>
    setClosed((current) => {
      const next = new Set(current);
      if (next.has(category)) next.delete(category);
      else next.add(category);
      return next;
    });
  return (
    <aside className="palette" aria-label="Components">
      <div className="palette-search">
        <UiIcon name="magnify" size={16} />
        <input
          type="search"
          aria-label="Search components"
          placeholder="Search components"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <div className="palette-list">
        <button
          type="button"
          className="palette-item hub-item"
          draggable
          onDragStart={(event) => {
            event.dataTransfer.setData(paletteMime, hubPaletteType);
            event.dataTransfer.effectAllowed = "copy";
          }}
          onClick={() => onAdd(hubPaletteType)}
          title="A hub bundles any outputs; inject it into instances to feed every matching input."
        >
          <span className="palette-icon hub-icon">
            <UiIcon name="hub" size={22} />
          </span>
          <span className="palette-text">
            <span className="palette-title">Hub</span>
            <span className="palette-description">Bundles outputs for injection into instances.</span>
          </span>
        </button>
        {groups.length === 0 && <p className="muted palette-empty">No component matches “{deferred}”.</p>}
        {groups.map(([category, components]) => {
          const isClosed = closed.has(category) && deferred === "";
          return (
            <section key={category} className="palette-group">
              <h3>
                <button type="button" className="palette-category" aria-expanded={!isClosed} onClick={() => toggle(category)}>
                  <UiIcon name={isClosed ? "chevron-right" : "chevron-down"} size={16} />
                  {category}
                  <span className="muted">{components.length}</span>
                </button>
              </h3>
              {!isClosed &&
                components.map((component) => (
                  <button
                    key={component.type}
                    type="button"
                    className="palette-item"
                    draggable
                    data-type={component.type}
                    onDragStart={(event) => {
                      event.dataTransfer.setData(paletteMime, component.type);
                      event.dataTransfer.effectAllowed = "copy";
                    }}
                    onClick={() => onAdd(component.type)}
                    title={`${component.type} from ${component.package.name}@${component.package.version}`}
                  >
                    <span className="palette-icon">
                      <EntityIcon icon={component.meta.icon} fallback={component.meta.title} size={24} color={component.meta.color} />
                    </span>
                    <span className="palette-text">
                      <span className="palette-title">{component.meta.title}</span>
                      <span className="palette-description">
                        {component.meta.description ? (
                          <MarkdownText text={component.meta.description} links={false} inline />
                        ) : (
                          component.type
                        )}
                      </span>
                    </span>
                  </button>
                ))}
            </section>
          );
        })}
      </div>
    </aside>
  );
});
