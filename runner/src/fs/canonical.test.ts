import { describe, expect, it } from "vitest";
import { canonicalJson, hashJson, sortedKeys } from "./canonical.js";

/** The reference: JSON built the plain way, with every object's keys sorted by the built-in sort. */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Date) return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined || typeof item === "function" ? "null" : reference(item))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const parts = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined && typeof record[key] !== "function")
    .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
  return `{${parts.join(",")}}`;
}

describe("canonicalJson", () => {
  it("sorts keys at every depth as the built-in sort does, and drops what JSON drops", () => {
    const value = {
      zeta: [3, { b: 1, a: [null, "x"], B: true }, undefined],
      alpha: { é: 1, e: 2, E: 3, "10": 4, "9": 5, "": 6 },
      skipped: undefined,
      fn: () => 1,
      date: new Date(Date.UTC(2026, 0, 2)),
      nested: { deeper: { c: '\u2028quote"', b: -0.5, a: 1e21 } },
    };
    const text = canonicalJson(value);
    expect(text).toBe(reference(value));
    expect(text.startsWith('{"alpha":{"":6,"10":4,"9":5,"E":3,"e":2,"é":1}')).toBe(true);
    expect(text).toContain('"date":"2026-01-02T00:00:00.000Z"');
    expect(text).not.toContain("skipped");
  });

  it("writes flat records (the usual args) exactly as nested ones are written", () => {
    for (const flat of [
      { b: undefined, a: 1, f: () => 1, n: Number.NaN, z: -0, s: "x\ny", t: true, u: null },
      { "2": "two", "10": "ten", b: "", a: 0 },
      {},
    ]) {
      expect(canonicalJson(flat)).toBe(reference(flat));
    }
    expect(canonicalJson({ b: undefined, a: 1, f: () => 1, z: -0 })).toBe('{"a":1,"z":0}');
  });

  it("gives the same text and digest whatever order keys were set in", () => {
    const forwards = { a: 1, b: { x: [1, 2], y: "z" }, c: null };
    const backwards = { c: null, b: { y: "z", x: [1, 2] }, a: 1 };
    expect(canonicalJson(backwards)).toBe(canonicalJson(forwards));
    expect(hashJson(backwards)).toBe(hashJson(forwards));
    expect(hashJson({ ...forwards, a: 2 })).not.toBe(hashJson(forwards));
  });

  it("sorts many keys like the built-in sort", () => {
    const keys = Array.from({ length: 200 }, (_, index) => `k${(index * 7919) % 1000}-${String.fromCharCode(65 + (index % 58))}`);
    const record = Object.fromEntries(keys.map((key, index) => [key, index]));
    expect(sortedKeys(record)).toEqual(Object.keys(record).sort());
  });
});
