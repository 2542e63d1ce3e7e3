import { createHash } from "node:crypto";

/** Returns a copy of a JSON-like value with the keys of every object sorted (arrays keep their order). */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => sortKeysDeep(item)) as T;
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) sorted[key] = sortKeysDeep(item);
    }
    return sorted as T;
  }
  return value;
}

/** Serialises a JSON value for a file: sorted keys, 2-space indentation, newline at the end. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}

/** Serialises a JSON value compactly with sorted keys, for hashing. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value)) ?? "null";
}

/** The SHA-256 of a value's canonical JSON, as `sha256:<hex>`. Never use it on secret values. */
export function hashJson(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}
