/**
 * The terminal part of the designer API (session and socket frame types) lives in
 * `@highstate/project/api` (library/project/src/terminal-protocol.ts), which the terminals and the
 * designer both import; re-exported here for the terminals' modules.
 */
export type { TerminalControlMessage, TerminalSession } from "@highstate/project/api";
