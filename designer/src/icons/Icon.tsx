/**
 * Icons: interface icons are bundled (`ui-icons.ts`); component and entity icons are Iconify ids
 * (`mdi:server`) resolved from the Material Design Icons set, which the build splits into small
 * buckets loaded on demand (only the bucket holding an icon on screen loads; see `icon-buckets.ts`),
 * or image URLs. Anything unknown, or not loaded yet, shows as a letter tile.
 */
import { memo, useEffect, useSyncExternalStore } from "react";
import { iconBucket } from "./icon-buckets.js";
import { type UiIconName, uiIcons } from "./ui-icons.js";

/** Loaded icon bodies by mdi name. */
const bodies = new Map<string, string>();
/** Buckets loaded or loading. */
const buckets = new Map<number, Promise<void>>();
const listeners = new Set<() => void>();

function mdiName(id: string): string | undefined {
  const [prefix, name] = id.includes(":") ? id.split(":", 2) : ["mdi", id];
  return prefix === "mdi" && name ? name : undefined;
}

/**
 * Loads the bucket holding an Iconify id's icon (once; components showing it re-render when it
 * arrives). Resolves when the icon is available or known to be missing.
 */
export function loadIcon(id: string): Promise<void> {
  const name = mdiName(id);
  if (!name || name in uiIcons || bodies.has(name)) return Promise.resolve();
  const index = iconBucket(name);
  let loading = buckets.get(index);
  if (!loading) {
    loading = import("virtual:mdi-icon-buckets")
      .then((module) => module.loadIconBucket(index))
      .then((icons) => {
        for (const [key, body] of Object.entries(icons)) bodies.set(key, body);
        for (const listener of listeners) listener();
      })
      .catch(() => {
        // Offline or a stale build: keep the letter tile, and try again when an icon from this bucket mounts next.
        buckets.delete(index);
      });
    buckets.set(index, loading);
  }
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The SVG body of an Iconify id (`mdi:<name>` or a bare mdi name), when bundled or already loaded. */
export function resolveIcon(id: string): string | undefined {
  const name = mdiName(id);
  if (!name) return undefined;
  if (name in uiIcons) return uiIcons[name as UiIconName];
  return bodies.get(name);
}

/**
 * One hidden SVG sprite with every interface icon as a `<symbol>`, rendered once at the app root;
 * each icon is then a cheap `<use>` reference instead of parsed SVG markup (cards mount many).
 */
export function UiIconSprite() {
  const symbols = Object.entries(uiIcons)
    .map(([name, body]) => `<symbol id="ui-icon-${name}" viewBox="0 0 24 24">${body}</symbol>`)
    .join("");
  return (
    <svg
      width="0"
      height="0"
      style={{ position: "absolute" }}
      aria-hidden="true"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: bundled, trusted SVG bodies.
      dangerouslySetInnerHTML={{ __html: symbols }}
    />
  );
}

/** An interface icon from the bundled set. */
export const UiIcon = memo(function UiIcon({ name, size = 18, title }: { name: UiIconName; size?: number; title?: string }) {
  return (
    // biome-ignore lint/a11y/noSvgWithoutTitle: decorative unless a title is given (then it has one).
    <svg
      className="ui-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden={title ? undefined : true}
      role={title ? "img" : undefined}
    >
      {title && <title>{title}</title>}
      <use href={`#ui-icon-${name}`} />
    </svg>
  );
});

/** A component or entity icon: Iconify id, image URL or a letter tile. */
export const EntityIcon = memo(function EntityIcon({
  icon,
  fallback,
  size = 36,
  color,
}: {
  icon: string | undefined;
  fallback: string;
  size?: number;
  color?: string;
}) {
  const isImage = icon !== undefined && /^(https?:|data:|\/)/.test(icon);
  const body = useSyncExternalStore(
    subscribe,
    () => (icon && !isImage ? resolveIcon(icon) : undefined),
    () => undefined,
  );
  useEffect(() => {
    if (icon && !isImage && !body) void loadIcon(icon);
  }, [icon, isImage, body]);
  if (isImage) {
    return <img className="entity-icon" src={icon} width={size} height={size} alt="" />;
  }
  if (body) {
    return (
      <svg
        className="entity-icon"
        width={size}
        height={size}
        viewBox="0 0 24 24"
        aria-hidden="true"
        style={color ? { color } : undefined}
        // biome-ignore lint/security/noDangerouslySetInnerHtml: bodies come from the bundled icon set.
        dangerouslySetInnerHTML={{ __html: body }}
      />
    );
  }
  return (
    <span className="entity-icon letter" style={{ width: size, height: size, fontSize: size * 0.5, background: color }} aria-hidden="true">
      {fallback.charAt(0).toUpperCase()}
    </span>
  );
});
