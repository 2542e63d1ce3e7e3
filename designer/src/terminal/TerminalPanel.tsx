/**
 * A terminal in the dock: xterm.js sized to the panel (fit addon), connected to the instance's
 * terminal session. Hidden tabs stay mounted, so each open terminal keeps its session. Copy with
 * Ctrl+Shift+C (or the Copy button), paste with Ctrl+Shift+V, Ctrl+V or the Paste button.
 */
import "@xterm/xterm/css/xterm.css";
import "./terminal.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import type { DockPanelProps } from "../dock/dock-store.js";
import { UiIcon } from "../icons/Icon.js";
import { toast } from "../ui/toasts.js";
import { TerminalConnection, type TerminalConnectionState } from "./terminal-connection.js";

const theme = {
  background: "#141517",
  foreground: "#e6e6e6",
  cursor: "#e6e6e6",
  selectionBackground: "#4c8dff66",
  black: "#1b1c1f",
  brightBlack: "#6e7681",
};

function describe(state: TerminalConnectionState): string {
  switch (state.phase) {
    case "connecting":
      return "Connecting…";
    case "open":
      return `Connected: ${state.title}`;
    case "exited":
      return state.signal ? `Ended by signal ${state.signal}` : `Exited with code ${state.code ?? "unknown"}`;
    case "failed":
      return state.message;
  }
}

export function TerminalPanel({ panel, store, api, active }: DockPanelProps) {
  const host = useRef<HTMLElement>(null);
  const terminalRef = useRef<{ terminal: Terminal; fit: () => void } | undefined>(undefined);
  const [state, setState] = useState<TerminalConnectionState>({ phase: "connecting" });
  const [attempt, setAttempt] = useState(0);
  const name = panel.name ?? "";

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the reconnect trigger
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new Terminal({
      fontFamily: '"JetBrains Mono", "DejaVu Sans Mono", ui-monospace, monospace',
      fontSize: 13,
      cursorBlink: true,
      scrollback: 5000,
      theme,
    });
    const fitAddon = new FitAddon();
    terminal.loadAddon(fitAddon);
    terminal.open(element);
    // A hidden panel has no size; fitting it would shrink the terminal to nothing.
    const fit = () => {
      if (element.clientWidth > 0 && element.clientHeight > 0) fitAddon.fit();
      // The grid size, for people and tests inspecting the page.
      element.dataset.cols = String(terminal.cols);
      element.dataset.rows = String(terminal.rows);
    };
    fit();
    terminalRef.current = { terminal, fit };

    const connection = new TerminalConnection({
      openSession: (size) => api.openTerminal(store.name, panel.instanceId, name, size),
      onOutput: (bytes, done) => terminal.write(bytes, done),
      onState: (next) => {
        setState(next);
        if (next.phase === "exited") terminal.write(`\r\n\x1b[90m[${describe(next).toLowerCase()}]\x1b[0m\r\n`);
        if (next.phase === "failed") terminal.write(`\r\n\x1b[31m${next.message}\x1b[0m\r\n`);
      },
    });
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === "KeyC") {
        if (terminal.hasSelection()) void copyText(terminal.getSelection());
        event.preventDefault();
        return false;
      }
      // Ctrl+Shift+V: let the browser's paste event reach xterm, which sends the text.
      return event.code !== "KeyV";
    });
    const subscriptions = [
      terminal.onData((data) => connection.sendText(data)),
      terminal.onBinary((data) => connection.sendBinaryString(data)),
      terminal.onResize(({ cols, rows }) => connection.resize(cols, rows)),
    ];
    void connection.open({ cols: terminal.cols, rows: terminal.rows });
    const observer = new ResizeObserver(() => fit());
    observer.observe(element);
    return () => {
      observer.disconnect();
      for (const subscription of subscriptions) subscription.dispose();
      connection.close();
      terminal.dispose();
      terminalRef.current = undefined;
    };
  }, [api, store.name, panel.instanceId, name, attempt]);

  useEffect(() => {
    if (!active) return;
    terminalRef.current?.fit();
    terminalRef.current?.terminal.focus();
  }, [active]);

  const copy = () => {
    const selection = terminalRef.current?.terminal.getSelection() ?? "";
    if (selection === "") toast("info", "Nothing to copy", "Select text in the terminal first.");
    else void copyText(selection);
  };
  const paste = async () => {
    try {
      const text = await navigator.clipboard.readText();
      terminalRef.current?.terminal.paste(text);
      terminalRef.current?.terminal.focus();
    } catch {
      toast("info", "The browser did not allow reading the clipboard", "Paste with Ctrl+Shift+V or Ctrl+V in the terminal instead.");
    }
  };
  const ended = state.phase === "exited" || state.phase === "failed";

  return (
    <div className="terminal-panel">
      <div className="terminal-toolbar">
        <span className={`terminal-status terminal-status-${state.phase}`} role="status" data-phase={state.phase}>
          {describe(state)}
        </span>
        <span className="dock-spacer" />
        <button
          type="button"
          className="icon-button"
          title="Copy the selection (Ctrl+Shift+C)"
          aria-label="Copy the selection"
          onClick={copy}
        >
          <UiIcon name="content-copy" size={16} />
        </button>
        <button
          type="button"
          className="button"
          title="Paste from the clipboard (Ctrl+Shift+V)"
          onClick={() => void paste()}
          disabled={state.phase !== "open"}
        >
          Paste
        </button>
        {ended && (
          <button type="button" className="button" onClick={() => setAttempt((value) => value + 1)}>
            <UiIcon name="refresh" size={16} /> Reconnect
          </button>
        )}
      </div>
      <section
        ref={host}
        className="terminal-screen"
        aria-label={`Terminal ${panel.title}`}
        data-terminal={`${panel.instanceId}:${name}`}
      />
    </div>
  );
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    toast("info", "The browser did not allow writing to the clipboard", "Copy with the browser's own shortcut instead.");
  }
}
