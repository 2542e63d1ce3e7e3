/**
 * Builds React Flow nodes and edges from the project store, reusing the previous objects wherever
 * nothing changed: React Flow then re-renders only the cards and edges whose objects are new, so a
 * status change on one instance re-renders one card.
 */
import type { InputRef, Registry } from "@highstate/contract";
import type { Edge, Node } from "@xyflow/react";
import type { InstanceView, ProjectStore } from "../state/project-store.js";
import { type CardLayout, entityColor, HUB_SIZE, hubHandles, layoutCard } from "./layout.js";

export interface InstanceNodeData extends Record<string, unknown> {
  view: InstanceView;
  layout: CardLayout;
  collapsed: boolean;
}
export interface HubNodeData extends Record<string, unknown> {
  hubId: string;
  title: string;
  count: number;
}
export type InstanceNode = Node<InstanceNodeData, "instance">;
export type HubNode = Node<HubNodeData, "hub">;
export type CanvasNode = InstanceNode | HubNode;

export interface EntityEdgeData extends Record<string, unknown> {
  /** What the edge stands for, to turn a deletion into the right mutation. */
  kind: "input" | "hub-input" | "hub-include" | "inject";
  /** Instance or hub the edge ends at. */
  target: string;
  input?: string;
  source: InputRef;
}
export type CanvasEdge = Edge<EntityEdgeData>;

/** Builds the node list, keeping unchanged node objects from `previous`. */
export function buildNodes(store: ProjectStore, collapsed: ReadonlySet<string>, previous: readonly CanvasNode[]): CanvasNode[] {
  const old = new Map(previous.map((node) => [node.id, node]));
  const nodes: CanvasNode[] = [];
  for (const instance of store.project.instances) {
    const view = store.views.get(instance.id);
    if (!view) continue;
    const prev = old.get(instance.id) as InstanceNode | undefined;
    const isCollapsed = collapsed.has(instance.id);
    const position = prev?.dragging ? prev.position : view.instance.position;
    if (prev && prev.data.view === view && prev.data.collapsed === isCollapsed && samePosition(prev.position, position)) {
      nodes.push(prev);
      continue;
    }
    const layout =
      prev && prev.data.view === view && prev.data.collapsed === isCollapsed ? prev.data.layout : layoutCard(view, isCollapsed);
    nodes.push({
      id: instance.id,
      type: "instance",
      position: prev && samePosition(prev.position, position) ? prev.position : position,
      width: layout.width,
      height: layout.height,
      // The card's size is known: React Flow then skips re-measuring handles whenever a card mounts.
      measured: { width: layout.width, height: layout.height },
      handles: layout.handles,
      selected: prev?.selected ?? false,
      ...(prev?.dragging ? { dragging: true } : {}),
      data: { view, layout, collapsed: isCollapsed },
      ariaLabel: `${view.component?.meta.title ?? instance.type} "${instance.name}"`,
    });
  }
  for (const hub of store.hubs.values()) {
    const prev = old.get(hub.id) as HubNode | undefined;
    const title = hub.title ?? hub.id.slice(4);
    const count = hub.inputs.length + hub.injectionInputs.length;
    const position = prev?.dragging ? prev.position : hub.position;
    if (prev && prev.data.title === title && prev.data.count === count && samePosition(prev.position, position)) {
      nodes.push(prev);
      continue;
    }
    nodes.push({
      id: hub.id,
      type: "hub",
      position,
      width: HUB_SIZE,
      height: HUB_SIZE,
      measured: { width: HUB_SIZE, height: HUB_SIZE },
      handles: hubHandles,
      selected: prev?.selected ?? false,
      data: { hubId: hub.id, title, count },
      ariaLabel: `Hub "${title}"`,
    });
  }
  return nodes;
}

function samePosition(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return a.x === b.x && a.y === b.y;
}

const styleCache = new Map<string, { stroke: string; strokeWidth: number }>();
function edgeStyle(color: string): { stroke: string; strokeWidth: number } {
  let style = styleCache.get(color);
  if (!style) {
    style = { stroke: color, strokeWidth: 2 };
    styleCache.set(color, style);
  }
  return style;
}

/** Builds the edge list, keeping unchanged edge objects from `previous`. */
export function buildEdges(store: ProjectStore, running: ReadonlySet<string>, previous: readonly CanvasEdge[]): CanvasEdge[] {
  const registry: Registry = store.registry;
  const old = new Map(previous.map((edge) => [edge.id, edge]));
  const edges: CanvasEdge[] = [];
  const instances = new Map(store.project.instances.map((instance) => [instance.id, instance]));
  const hubIds = new Set(store.hubs.keys());
  const outputEntity = (instanceId: string, output: string) => {
    const source = instances.get(instanceId);
    return source ? registry.components[source.type]?.outputs[output]?.entity : undefined;
  };
  const push = (
    id: string,
    source: string,
    sourceHandle: string,
    target: string,
    targetHandle: string,
    color: string,
    animated: boolean,
    data: EntityEdgeData,
  ) => {
    const prev = old.get(id);
    const style = edgeStyle(color);
    if (prev && prev.style === style && (prev.animated ?? false) === animated) {
      edges.push(prev);
      return;
    }
    edges.push({
      id,
      source,
      sourceHandle,
      target,
      targetHandle,
      type: "step",
      style,
      animated,
      selected: prev?.selected ?? false,
      data,
      interactionWidth: 12,
    });
  };
  for (const instance of store.project.instances) {
    const component = registry.components[instance.type];
    for (const [input, refs] of Object.entries(instance.inputs)) {
      const inputType = component?.inputs[input]?.entity;
      for (const ref of refs) {
        if ("hubId" in ref) {
          if (!hubIds.has(ref.hubId)) continue;
          push(
            `${ref.hubId}>${instance.id}/${input}`,
            ref.hubId,
            "hub-out",
            instance.id,
            `in:${input}`,
            entityColor(registry, inputType),
            false,
            {
              kind: "input",
              target: instance.id,
              input,
              source: ref,
            },
          );
        } else {
          if (!instances.has(ref.instanceId)) continue;
          const color = entityColor(registry, outputEntity(ref.instanceId, ref.output) ?? inputType);
          push(
            `${ref.instanceId}/${ref.output}>${instance.id}/${input}`,
            ref.instanceId,
            `out:${ref.output}`,
            instance.id,
            `in:${input}`,
            color,
            running.has(ref.instanceId),
            {
              kind: "input",
              target: instance.id,
              input,
              source: ref,
            },
          );
        }
      }
    }
    for (const hubId of instance.injectionInputs) {
      if (!hubIds.has(hubId)) continue;
      push(`${hubId}>${instance.id}/inject`, hubId, "hub-out", instance.id, "inject", "#9aa4b2", false, {
        kind: "inject",
        target: instance.id,
        source: { hubId },
      });
    }
  }
  for (const hub of store.hubs.values()) {
    for (const ref of hub.inputs) {
      if (!instances.has(ref.instanceId)) continue;
      push(
        `${ref.instanceId}/${ref.output}>${hub.id}`,
        ref.instanceId,
        `out:${ref.output}`,
        hub.id,
        "hub-in",
        entityColor(registry, outputEntity(ref.instanceId, ref.output)),
        running.has(ref.instanceId),
        {
          kind: "hub-input",
          target: hub.id,
          source: ref,
        },
      );
    }
    for (const other of hub.injectionInputs) {
      if (!hubIds.has(other)) continue;
      push(`${other}>${hub.id}`, other, "hub-out", hub.id, "hub-in", "#9aa4b2", false, {
        kind: "hub-include",
        target: hub.id,
        source: { hubId: other },
      });
    }
  }
  return edges;
}

/** The mutation that removes what an edge stands for. */
export function edgeRemoval(edge: CanvasEdge) {
  const data = edge.data!;
  switch (data.kind) {
    case "input":
      return { op: "disconnect" as const, instanceId: data.target, input: data.input!, source: data.source };
    case "inject":
      return { op: "uninject-hub" as const, instanceId: data.target, hubId: (data.source as { hubId: string }).hubId };
    case "hub-input":
    case "hub-include":
      return { op: "disconnect-hub" as const, hubId: data.target, source: data.source };
  }
}
