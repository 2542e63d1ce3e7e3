import type { RawData, WebSocket } from "ws";
import type { TerminalControlMessage } from "./protocol.js";
import type { TerminalProcess } from "./terminal-process.js";

/** Flow control and liveness settings of a terminal bridge. */
export interface TerminalBridgeOptions {
  /** Bytes queued on the socket above which terminal output is paused. Default 1 MiB. */
  highWaterMark?: number;
  /** Bytes queued on the socket below which paused output resumes. Default 256 KiB. */
  lowWaterMark?: number;
  /** Interval of WebSocket pings; a client that misses two is dropped (freeing the terminal). Default 30 s, 0 disables. */
  pingIntervalMs?: number;
}

/** Counters of one bridge, for tests and benchmarks. */
export interface TerminalBridgeStats {
  /** Terminal output bytes sent to the socket. */
  bytesOut: number;
  /** Input bytes received from the socket. */
  bytesIn: number;
  /** The largest `ws.bufferedAmount` seen right after queuing output. */
  maxBufferedAmount: number;
  /** How many times output was paused because the socket was behind. */
  pauses: number;
}

/** A running bridge between one terminal and one WebSocket. */
export interface TerminalBridge {
  readonly stats: TerminalBridgeStats;
  /** Resolves once the socket is closed and the terminal has exited and freed its resources. */
  readonly closed: Promise<void>;
}

/**
 * Connects a terminal to an already authenticated WebSocket: binary frames carry bytes both ways,
 * text frames carry {@link TerminalControlMessage} JSON (`resize`, `pause`, `resume` from the client;
 * `error` and `exit` from the server). Output pauses while the socket has more than `highWaterMark` bytes queued and
 * resumes below `lowWaterMark`, so a flood of output neither floods the browser nor grows memory.
 * Closing either side closes the other.
 */
export function bridgeTerminal(terminal: TerminalProcess, ws: WebSocket, options: TerminalBridgeOptions = {}): TerminalBridge {
  const highWaterMark = options.highWaterMark ?? 1024 * 1024;
  const lowWaterMark = Math.min(options.lowWaterMark ?? 256 * 1024, highWaterMark);
  const stats: TerminalBridgeStats = { bytesOut: 0, bytesIn: 0, maxBufferedAmount: 0, pauses: 0 };
  // Output flows only while neither the socket (send buffer above the high-water mark) nor the client
  // (its renderer is behind and it sent `pause`) holds it back.
  let throttled = false;
  let clientPaused = false;
  let inputBlocked = false;
  const updateFlow = () => {
    if (throttled || clientPaused) terminal.pause();
    else terminal.resume();
  };

  const sendControl = (message: TerminalControlMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const onSent = (error?: Error) => {
    if (error) return;
    if (throttled && ws.bufferedAmount <= lowWaterMark) {
      throttled = false;
      updateFlow();
    }
  };
  const onData = (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    stats.bytesOut += chunk.length;
    ws.send(chunk, { binary: true }, onSent);
    const buffered = ws.bufferedAmount;
    if (buffered > stats.maxBufferedAmount) stats.maxBufferedAmount = buffered;
    if (!throttled && buffered > highWaterMark) {
      throttled = true;
      stats.pauses++;
      updateFlow();
    }
  };
  const onDrain = () => {
    if (inputBlocked) {
      inputBlocked = false;
      ws.resume();
    }
  };
  const onMessage = (data: RawData, isBinary: boolean) => {
    const bytes = toBuffer(data);
    if (isBinary) {
      stats.bytesIn += bytes.length;
      if (!terminal.write(bytes) && !inputBlocked) {
        inputBlocked = true;
        ws.pause();
      }
      return;
    }
    const message = parseControl(bytes.toString("utf8"));
    if (message?.type === "resize") terminal.resize({ cols: message.cols, rows: message.rows });
    else if (message?.type === "pause" || message?.type === "resume") {
      clientPaused = message.type === "pause";
      updateFlow();
    } else
      sendControl({
        type: "error",
        message: `Unknown terminal control message ${JSON.stringify(bytes.toString("utf8").slice(0, 100))}; expected {"type":"resize","cols":…,"rows":…}, {"type":"pause"} or {"type":"resume"}.`,
      });
  };

  let socketClosed: () => void = () => {};
  const socketClosedPromise = new Promise<void>((resolve) => {
    socketClosed = resolve;
  });
  const onExit = (exit: { code: number | null; signal?: string | null; error?: Error }) => {
    if (exit.error) sendControl({ type: "error", message: exit.error.message });
    sendControl({ type: "exit", code: exit.code, signal: exit.signal ?? null });
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, "terminal exited");
  };

  let pingTimer: NodeJS.Timeout | undefined;
  if ((options.pingIntervalMs ?? 30_000) > 0) {
    let alive = true;
    ws.on("pong", () => {
      alive = true;
    });
    pingTimer = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      if (ws.readyState === ws.OPEN) ws.ping();
    }, options.pingIntervalMs ?? 30_000);
    pingTimer.unref();
  }

  ws.on("close", () => {
    clearInterval(pingTimer);
    terminal.off("data", onData);
    socketClosed();
    void terminal.close();
  });
  ws.on("error", () => ws.terminate());
  ws.on("message", onMessage);
  terminal.on("data", onData);
  terminal.on("drain", onDrain);

  const exitedPromise = new Promise<void>((resolve) => {
    if (terminal.exited) {
      onExit(terminal.exited);
      resolve();
    } else
      terminal.once("exit", (exit) => {
        onExit(exit);
        resolve();
      });
  });
  if (!terminal.exited) updateFlow();

  return { stats, closed: Promise.all([socketClosedPromise, exitedPromise]).then(() => undefined) };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function parseControl(text: string): TerminalControlMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (value.type === "resize" && Number.isFinite(value.cols) && Number.isFinite(value.rows)) {
      return { type: "resize", cols: Number(value.cols), rows: Number(value.rows) };
    }
    if (value.type === "pause" || value.type === "resume") return { type: value.type };
  } catch {
    // Not JSON: reported to the client as an unknown message.
  }
  return undefined;
}
