/**
 * Terminals: SSH (ssh2) and local (node-pty) terminals from unit outputs, bridged to a WebSocket for
 * the designer or to the user's own terminal for `highstate terminal`.
 */
export { bridgeTerminal, type TerminalBridge, type TerminalBridgeOptions, type TerminalBridgeStats } from "./bridge.js";
export * from "./errors.js";
export { fingerprintOf, type PinnedHostKey, parseHostKey } from "./host-key.js";
export { LocalTerminal, type LocalTerminalOptions, type LocalTerminalSpec, openLocalTerminal } from "./local-terminal.js";
export { openTerminalProcess, TerminalManager, type TerminalManagerOptions } from "./manager.js";
export { openSshTerminal, SshTerminal, type SshTerminalOptions, type SshTerminalSpec } from "./ssh-terminal.js";
export { attachToStdio, type StdioAttachOptions, type StdioInput, type StdioOutput } from "./stdio.js";
export { normalizeSize, type TerminalExit, TerminalProcess, type TerminalProcessEvents, type TerminalSize } from "./terminal-process.js";
