/** Registers the `terminal` dock panel kind, opened with `openTerminal(instanceId, name)` from the dock store. */
import { registerDockPanel } from "../dock/dock-store.js";
import { TerminalPanel } from "./TerminalPanel.js";

registerDockPanel("terminal", TerminalPanel);

export { TerminalPanel } from "./TerminalPanel.js";
export {
  sameHostSocketUrl,
  TerminalConnection,
  type TerminalConnectionOptions,
  type TerminalConnectionState,
} from "./terminal-connection.js";
