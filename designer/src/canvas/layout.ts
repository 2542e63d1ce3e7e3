/**
 * Card geometry, computed from data alone so React Flow knows every node's size and handle positions
 * before it measures anything: edges draw at once, and the simplified card drawn when zoomed out has
 * exactly the same box and handles as the full card.
 */
import type { Registry, RegistryComponent } from "@highstate/contract";
import { Position } from "@xyflow/react";
import type { InstanceView } from "../state/project-store.js";

export const CARD_WIDTH = 320;
export const HEADER_HEIGHT = 60;
export const ROW_HEIGHT = 18;
export const SECTION_PAD = 8;
export const CHIP_ROW = 32;
export const CHIP_HEIGHT = 26;
export const FOOTER_HEIGHT = 48;
export const HANDLE_WIDTH = 8;
export const HANDLE_HEIGHT = 22;
export const HUB_SIZE = 56;
/** At most this many arg rows are shown; the rest is summarised as "+N more". */
export const MAX_ARG_ROWS = 5;
export const MAX_PROBLEM_ROWS = 2;

/** One handle as React Flow takes it in `node.handles`. */
export interface HandleSpec {
  id: string;
  type: "source" | "target";
  position: Position;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The entity type the handle takes or gives (hub and injection handles have none). */
  entity?: string;
}

/** Where everything on a card goes. */
export interface CardLayout {
  width: number;
  height: number;
  /** Arg rows shown (name, display value). */
  argRows: Array<[string, string]>;
  argMore: number;
  argsTop: number;
  argsHeight: number;
  ioTop: number;
  ioHeight: number;
  /** Inputs and outputs as drawn: one row per chip, or one summary row each when collapsed. */
  inputRows: string[];
  outputRows: string[];
  fieldsTop: number;
  fieldsHeight: number;
  problemsTop: number;
  problemsHeight: number;
  footerTop: number;
  handles: HandleSpec[];
}

/** A short display form of an arg value. */
export function formatArgValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value.includes("\n") ? `${value.split("\n")[0]} …` : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value))
    return value.length === 0 ? "[]" : value.every((item) => typeof item !== "object") ? value.join(", ") : `[${value.length} items]`;
  return "{…}";
}

const acronyms: Record<string, string> = {
  ssh: "SSH",
  dns: "DNS",
  tls: "TLS",
  ip: "IP",
  ips: "IPs",
  api: "API",
  url: "URL",
  id: "ID",
  http: "HTTP",
  https: "HTTPS",
  vm: "VM",
  cpu: "CPU",
  os: "OS",
  k8s: "k8s",
  tcp: "TCP",
  udp: "UDP",
  wg: "WG",
  ca: "CA",
  mtu: "MTU",
  acme: "ACME",
};

/** A title for a camelCase field name: `sshPort` → `SSH Port`, unless the schema gives one. */
export function fieldTitle(name: string, schema?: Record<string, unknown>): string {
  if (schema && typeof schema.title === "string") return schema.title;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[-_]+/g, " ")
    .split(" ")
    .filter(Boolean)
    .map((word) => acronyms[word.toLowerCase()] ?? word);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A problem message as a card shows it: without the instance id it is already shown under. */
export function cardProblemText(message: string, instanceId: string): string {
  return message.replace(` of "${instanceId}"`, "").replace(`"${instanceId}" `, "");
}

function argSchema(component: RegistryComponent | undefined, name: string): Record<string, unknown> | undefined {
  const properties = (component?.args as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  return properties?.[name];
}

/** Lays out one instance card. */
export function layoutCard(view: InstanceView, collapsed: boolean): CardLayout {
  const { component, instance } = view;
  const setArgs = Object.entries(instance.args).filter(([, value]) => value !== undefined && value !== "");
  const argRows = setArgs
    .slice(0, MAX_ARG_ROWS)
    .map(([name, value]): [string, string] => [fieldTitle(name, argSchema(component, name)), formatArgValue(value)]);
  const argMore = Math.max(0, setArgs.length - MAX_ARG_ROWS);
  const inputs = Object.keys(component?.inputs ?? {});
  // Inputs the instance has that its component no longer declares still show, so they can be removed.
  for (const name of Object.keys(instance.inputs)) if (!inputs.includes(name)) inputs.push(name);
  const outputs = Object.keys(component?.outputs ?? {});
  const inputRows = collapsed && inputs.length > 1 ? [`${inputs.length} inputs`] : inputs;
  const outputRows = collapsed && outputs.length > 1 ? [`${outputs.length} outputs`] : outputs;

  let y = HEADER_HEIGHT;
  const argsTop = y;
  const argLines = argRows.length + (argMore > 0 ? 1 : 0);
  const argsHeight = argLines > 0 ? SECTION_PAD * 2 + argLines * ROW_HEIGHT : 0;
  y += argsHeight;
  const ioTop = y;
  const ioRows = Math.max(inputRows.length, outputRows.length);
  const ioHeight = ioRows > 0 ? SECTION_PAD * 2 + ioRows * CHIP_ROW - (CHIP_ROW - CHIP_HEIGHT) : 0;
  y += ioHeight;
  const fieldsTop = y;
  const fieldsHeight = view.statusFields.length > 0 ? SECTION_PAD * 2 + view.statusFields.length * ROW_HEIGHT : 0;
  y += fieldsHeight;
  const problemsTop = y;
  // The error of a failed run shows first, where it happened: on the card.
  const failed = view.status.state === "failed" && view.status.error ? 1 : 0;
  const problemLines = failed + Math.min(view.problems.length, MAX_PROBLEM_ROWS) + (view.problems.length > MAX_PROBLEM_ROWS ? 1 : 0);
  const problemsHeight = problemLines > 0 ? SECTION_PAD * 2 + problemLines * ROW_HEIGHT : 0;
  y += problemsHeight;
  const footerTop = y;
  const height = y + FOOTER_HEIGHT;

  const chipCenter = (row: number) => ioTop + SECTION_PAD + row * CHIP_ROW + CHIP_HEIGHT / 2;
  const handles: HandleSpec[] = [];
  inputs.forEach((name, index) => {
    const row = inputRows.length === inputs.length ? index : 0;
    const entity = component?.inputs[name]?.entity;
    handles.push({
      id: `in:${name}`,
      type: "target",
      position: Position.Left,
      x: -HANDLE_WIDTH / 2,
      y: chipCenter(row) - HANDLE_HEIGHT / 2,
      width: HANDLE_WIDTH,
      height: HANDLE_HEIGHT,
      ...(entity ? { entity } : {}),
    });
  });
  outputs.forEach((name, index) => {
    const row = outputRows.length === outputs.length ? index : 0;
    const entity = component?.outputs[name]?.entity;
    handles.push({
      id: `out:${name}`,
      type: "source",
      position: Position.Right,
      x: CARD_WIDTH - HANDLE_WIDTH / 2,
      y: chipCenter(row) - HANDLE_HEIGHT / 2,
      width: HANDLE_WIDTH,
      height: HANDLE_HEIGHT,
      ...(entity ? { entity } : {}),
    });
  });
  handles.push({ id: "inject", type: "target", position: Position.Left, x: -HANDLE_WIDTH / 2, y: 18, width: HANDLE_WIDTH, height: 24 });
  return {
    width: CARD_WIDTH,
    height,
    argRows,
    argMore,
    argsTop,
    argsHeight,
    ioTop,
    ioHeight,
    inputRows,
    outputRows,
    fieldsTop,
    fieldsHeight,
    problemsTop,
    problemsHeight,
    footerTop,
    handles,
  };
}

/** Hub nodes: a square with one input on the left and one output on the right. */
export const hubHandles: HandleSpec[] = [
  {
    id: "hub-in",
    type: "target",
    position: Position.Left,
    x: -HANDLE_WIDTH / 2,
    y: HUB_SIZE / 2 - HANDLE_HEIGHT / 2,
    width: HANDLE_WIDTH,
    height: HANDLE_HEIGHT,
  },
  {
    id: "hub-out",
    type: "source",
    position: Position.Right,
    x: HUB_SIZE - HANDLE_WIDTH / 2,
    y: HUB_SIZE / 2 - HANDLE_HEIGHT / 2,
    width: HANDLE_WIDTH,
    height: HANDLE_HEIGHT,
  },
];

/** The colour of an entity type's edges and chips. */
export function entityColor(registry: Registry, type: string | undefined): string {
  if (!type) return "#8b949e";
  const color = registry.entities[type]?.meta.color;
  if (color) return color;
  // A stable colour per type when the entity has none.
  let hash = 0;
  for (const char of type) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 55% 55%)`;
}
