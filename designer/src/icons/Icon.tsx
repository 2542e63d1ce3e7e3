/**
 * Icons: interface icons are bundled (`ui-icons.ts`); component and entity icons are Iconify ids
 * (`mdi:server`) resolved from the Material Design Icons set, which loads once in the background, or
 * image URLs. Anything unknown falls back to a letter tile.
 */
import { memo, useSyncExternalStore } from "react";
import { type UiIconName, uiIcons } from "./ui-icons.js";

interface IconSet {
  icons: Record<string, { body: string; width?: number; height?: number }>;
  aliases?: Record<string, { parent: string }>;
  width?: number;
  height?: number;
}

let mdi: IconSet | undefined;
let loading: Promise<void> | undefined;
const listeners = new Set<() => void>();

/** Starts loading the Material Design Icons set (call early; loading is idempotent). */
export function preloadIconSet(): Promise<void> {
  loading ??= import("@iconify-json/mdi/icons.json")
    .then((module) => {
      mdi = (module as { default?: IconSet }).default ?? (module as unknown as IconSet);
      for (const listener of listeners) listener();
    })
    .catch(() => undefined);
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The SVG body of an Iconify id (`mdi:<name>` or a bare mdi name), when the set has it. */
export function resolveIcon(id: string): string | undefined {
  const [prefix, name] = id.includes(":") ? id.split(":", 2) : ["mdi", id];
  if (prefix !== "mdi" || !name) return undefined;
  if (name in uiIcons) return uiIcons[name as UiIconName];
  if (!mdi) return undefined;
  const direct = mdi.icons[name];
  if (direct) return direct.body;
  const parent = mdi.aliases?.[name]?.parent;
  return parent ? mdi.icons[parent]?.body : undefined;
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
  const ready = useSyncExternalStore(
    subscribe,
    () => mdi !== undefined,
    () => false,
  );
  if (icon && /^(https?:|data:|\/)/.test(icon)) {
    return <img className="entity-icon" src={icon} width={size} height={size} alt="" />;
  }
  const body = icon ? resolveIcon(icon) : undefined;
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
  void ready;
  return (
    <span className="entity-icon letter" style={{ width: size, height: size, fontSize: size * 0.5, background: color }} aria-hidden="true">
      {fallback.charAt(0).toUpperCase()}
    </span>
  );
});
