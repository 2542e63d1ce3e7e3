import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TerminalControlMessage, TerminalSession } from "@highstate/project/api";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket as ServerSocket, WebSocketServer } from "ws";
import { TerminalConnection, type TerminalConnectionState } from "./terminal-connection.js";

interface Harness {
  url: (path: string) => string;
  socket: Promise<ServerSocket>;
  received: Array<{ binary: boolean; data: Buffer }>;
  close(): Promise<void>;
}

let harness: Harness | undefined;

/** A WebSocket server standing in for the runner's terminal bridge; it records what the client sends. */
async function startBridge(): Promise<Harness> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server });
  const received: Harness["received"] = [];
  const socket = new Promise<ServerSocket>((resolve) =>
    wss.once("connection", (ws) => {
      ws.on("message", (data, binary) => received.push({ binary, data: data as Buffer }));
      resolve(ws);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    socket,
    received,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const session: TerminalSession = { sessionId: "s1", url: "/api/terminals/s1", title: "root@web" };

function controls(h: Harness): TerminalControlMessage[] {
  return h.received.filter((item) => !item.binary).map((item) => JSON.parse(item.data.toString("utf8")) as TerminalControlMessage);
}

describe("TerminalConnection", () => {
  it("opens the session with the terminal's size, sends keystrokes as UTF-8 binary frames and only changed sizes", async () => {
    harness = await startBridge();
    const h = harness;
    const states: TerminalConnectionState[] = [];
    const requested: Array<{ cols: number; rows: number }> = [];
    const connection = new TerminalConnection({
      openSession: async (size) => {
        requested.push(size);
        return session;
      },
      onOutput: (_bytes, done) => done(),
      onState: (state) => states.push(state),
      socketUrl: h.url,
    });
    await connection.open({ cols: 100, rows: 30 });
    await h.socket;
    await expect.poll(() => connection.state.phase).toBe("open");
    expect(requested).toEqual([{ cols: 100, rows: 30 }]);
    expect(states).toEqual([{ phase: "open", title: "root@web" }]);
    connection.sendText("ls ü\r");
    connection.sendBinaryString("\x1b[M\xff!");
    connection.resize(100, 30);
    connection.resize(120, 40);
    connection.resize(120, 40);
    await expect.poll(() => h.received.length).toBe(3);
    expect(h.received[0]).toEqual({ binary: true, data: Buffer.from("ls ü\r", "utf8") });
    expect(h.received[1]).toEqual({ binary: true, data: Buffer.from([0x1b, 0x5b, 0x4d, 0xff, 0x21]) });
    expect(controls(h)).toEqual([{ type: "resize", cols: 120, rows: 40 }]);
    connection.close();
  });

  it("asks the server to pause while output waits to be drawn and to resume once it is drawn", async () => {
    harness = await startBridge();
    const h = harness;
    const pending: Array<() => void> = [];
    const connection = new TerminalConnection({
      openSession: async () => session,
      onOutput: (_bytes, done) => pending.push(done),
      onState: () => {},
      socketUrl: h.url,
      highWaterMark: 64 * 1024,
      lowWaterMark: 16 * 1024,
    });
    await connection.open({ cols: 80, rows: 24 });
    const server = await h.socket;
    await expect.poll(() => connection.state.phase).toBe("open");
    for (let index = 0; index < 10; index += 1) server.send(Buffer.alloc(10 * 1024, 0x61));
    await expect.poll(() => pending.length).toBe(10);
    expect(connection.undrawnBytes).toBe(100 * 1024);
    expect(connection.outputPaused).toBe(true);
    await expect.poll(() => controls(h)).toEqual([{ type: "pause" }]);
    // Drawing brings the backlog down: resume is sent once, when it drops below the low-water mark.
    for (const done of pending.splice(0, 8)) done();
    expect(connection.undrawnBytes).toBe(20 * 1024);
    expect(connection.outputPaused).toBe(true);
    pending.shift()?.();
    expect(connection.outputPaused).toBe(false);
    pending.shift()?.();
    await expect.poll(() => controls(h)).toEqual([{ type: "pause" }, { type: "resume" }]);
    expect(connection.undrawnBytes).toBe(0);
    connection.close();
  });

  it("frees a session that was closed while it was opening", async () => {
    harness = await startBridge();
    const h = harness;
    let release: (value: TerminalSession) => void = () => {};
    const connection = new TerminalConnection({
      openSession: () => new Promise<TerminalSession>((resolve) => (release = resolve)),
      onOutput: (_b, done) => done(),
      onState: () => {},
      socketUrl: h.url,
    });
    const opening = connection.open({ cols: 80, rows: 24 });
    connection.close();
    release(session);
    await opening;
    const server = await h.socket;
    await new Promise((resolve) => server.once("close", resolve));
    expect(connection.state.phase).toBe("connecting");
  });

  it("reports the exit, a server error, a refused session and a dropped connection", async () => {
    harness = await startBridge();
    const h = harness;
    const states: TerminalConnectionState[] = [];
    const connection = new TerminalConnection({
      openSession: async () => session,
      onOutput: (_b, done) => done(),
      onState: (state) => states.push(state),
      socketUrl: h.url,
    });
    await connection.open({ cols: 80, rows: 24 });
    const server = await h.socket;
    await expect.poll(() => connection.state.phase).toBe("open");
    server.send(JSON.stringify({ type: "exit", code: 3, signal: null }));
    server.close(1000, "terminal exited");
    await expect.poll(() => connection.state).toEqual({ phase: "exited", code: 3, signal: null });

    const refused = new TerminalConnection({
      openSession: async () => {
        throw new Error('SSH server "10.0.0.5:22" refused user "root" with the private key.');
      },
      onOutput: (_b, done) => done(),
      onState: () => {},
    });
    await refused.open({ cols: 80, rows: 24 });
    expect(refused.state).toEqual({ phase: "failed", message: 'SSH server "10.0.0.5:22" refused user "root" with the private key.' });

    await h.close();
    harness = await startBridge();
    const second = harness;
    const dropped = new TerminalConnection({
      openSession: async () => session,
      onOutput: (_b, done) => done(),
      onState: () => {},
      socketUrl: second.url,
    });
    await dropped.open({ cols: 80, rows: 24 });
    const socket = await second.socket;
    await expect.poll(() => dropped.state.phase).toBe("open");
    socket.send(JSON.stringify({ type: "error", message: 'SSH session with "web:22" failed: the server stopped answering keepalives.' }));
    socket.send(JSON.stringify({ type: "exit", code: null, signal: null }));
    socket.terminate();
    await expect
      .poll(() => dropped.state)
      .toEqual({ phase: "failed", message: 'SSH session with "web:22" failed: the server stopped answering keepalives.' });
  });
});
