/** The actions a card's buttons and menu trigger; provided by the canvas, stable for the session. */

import type { OperationType } from "@highstate/project/api";
import { createContext, useContext } from "react";

export interface CanvasActions {
  /** `preview` opens the structured preview; `destroy` asks first. */
  runOperation(instanceId: string, type: OperationType): void;
  /** Confirms, then runs the instance after its dependencies that are not created or are outdated. */
  runWithDependencies(instanceId: string): void;
  editArgs(instanceId: string): void;
  editSecrets(instanceId: string): void;
  /** Connections without a mouse: a dialog listing inputs and compatible outputs. */
  editConnections(instanceId: string): void;
  openTerminal(instanceId: string): void;
  openPage(instanceId: string): void;
  rename(instanceId: string): void;
  remove(nodeIds: string[]): void;
  showLogs(instanceId: string): void;
  showOutputs(instanceId: string): void;
  toggleCollapsed(instanceId: string): void;
  copyText(text: string, what: string): void;
}

export const CanvasActionsContext = createContext<CanvasActions | null>(null);

export function useCanvasActions(): CanvasActions {
  const actions = useContext(CanvasActionsContext);
  if (!actions) throw new Error("useCanvasActions() is used outside the canvas");
  return actions;
}
