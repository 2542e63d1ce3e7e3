/**
 * While a connection is dragged, a style sheet dims every handle and chip that cannot take it and
 * highlights the ones that can — without re-rendering a single card.
 */
import type { Project, Registry } from "@highstate/contract";
import { type HandleEnd, inputEntity, outputEntity } from "../model/connections.js";

const esc = (value: string) => (typeof CSS !== "undefined" && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&"));

export function connectingStyle(project: Project, registry: Registry, from: HandleEnd & { handleType: "source" | "target" }): string {
  const dim = ".react-flow__handle.hs-handle { opacity: 0.2; } .chip-io { opacity: 0.45; }";
  const glow = (selector: string) =>
    `${selector} { opacity: 1 !important; box-shadow: 0 0 0 3px var(--chip, #8b949e), 0 0 12px var(--chip, #8b949e); }`;
  if (from.handleType === "source") {
    if (from.nodeId.startsWith("hub:")) {
      return `${dim} ${glow(".react-flow__handle.hs-handle.target")} .chip-io.in { opacity: 1; }`;
    }
    const entity = outputEntity(project, registry, from);
    if (!entity) return "";
    const match = `[data-entity="${esc(entity)}"]`;
    return `${dim} ${glow(`.react-flow__handle.hs-handle.target${match}, .react-flow__handle.hub-handle.target`)} .chip-io.in${match} { opacity: 1; outline: 2px solid #fff; outline-offset: 1px; }`;
  }
  if (from.handleId === "inject" || from.nodeId.startsWith("hub:")) return `${dim} ${glow(".react-flow__handle.hub-handle.source")}`;
  const entity = inputEntity(project, registry, from);
  if (!entity) return "";
  const match = `[data-entity="${esc(entity)}"]`;
  return `${dim} ${glow(`.react-flow__handle.hs-handle.source${match}, .react-flow__handle.hub-handle.source`)} .chip-io.out${match} { opacity: 1; outline: 2px solid #fff; outline-offset: 1px; }`;
}
