import { hash } from "node:crypto";

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

/**
 * The own keys of a record in code-unit order (what `Array.prototype.sort` gives strings). An insertion
 * sort in place: records here have a handful of keys, and the built-in sort allocates scratch space on
 * every call, which adds up over thousands of instances.
 */
export function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let position = 1; position < keys.length; position += 1) {
    const key = keys[position]!;
    let slot = position;
    while (slot > 0 && keys[slot - 1]! > key) {
      keys[slot] = keys[slot - 1]!;
      slot -= 1;
    }
    keys[slot] = key;
  }
  return keys;
}

/** Whether every member is a string, a number, a boolean, `null`, `undefined` or a function (no nested objects). */
function holdsOnlyPlainValues(record: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const key of keys) {
    const item = record[key];
    const type = typeof item;
    if (item !== null && type !== "string" && type !== "number" && type !== "boolean" && type !== "undefined" && type !== "function")
      return false;
  }
  return true;
}

/**
 * Serialises a JSON-like value compactly with every object's keys in code-unit order, for hashing
 * (`undefined` and function members are dropped and `toJSON` is honoured, as JSON does).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let text = "[";
    for (let position = 0; position < value.length; position += 1) {
      const item: unknown = value[position];
      text += `${position > 0 ? "," : ""}${item === undefined ? "null" : canonicalJson(item)}`;
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  if (typeof (record as { toJSON?: unknown }).toJSON === "function") return canonicalJson((record as { toJSON: () => unknown }).toJSON());
  const keys = sortedKeys(record);
  // The usual args object holds only plain values: JSON.stringify with the sorted keys as its
  // property list writes exactly the same text in one go.
  if (holdsOnlyPlainValues(record, keys)) return JSON.stringify(record, keys);
  let text = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === "function") continue;
    text += `${first ? "" : ","}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${text}}`;
}

/** The SHA-256 of a value's canonical JSON, as `sha256:<hex>`. Never use it on secret values. */
export function hashJson(value: unknown): string {
  return `sha256:${hash("sha256", canonicalJson(value), "hex")}`;
}
