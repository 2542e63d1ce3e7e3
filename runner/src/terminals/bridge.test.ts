import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTerminalTestServer, TerminalTestClient, type TerminalTestServer } from "./testing/harness.js";

describe("terminal bridge control messages", () => {
  let server: TerminalTestServer;

  beforeAll(async () => {
    server = await startTerminalTestServer({ bridge: { pingIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  const open = async () => {
    const session = await server.manager.open({ type: "local", name: "sh", command: ["/bin/sh"] }, { cols: 80, rows: 24 });
    const client = new TerminalTestClient(`${server.baseUrl}${session.url}`);
    await client.opened;
    return { client, terminal: server.manager.terminal(session.sessionId)! };
  };

  it("holds output back while the client has paused it and delivers it after resume", async () => {
    const { client, terminal } = await open();
    client.type("echo ready-$((1+1))\r");
    await client.waitForOutput(/ready-2/);
    client.ws.send(JSON.stringify({ type: "pause" }));
    await expect.poll(() => terminal.paused).toBe(true);
    client.type("echo held-$((2+2))\r");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.output).not.toMatch(/held-4/);
    client.ws.send(JSON.stringify({ type: "resume" }));
    await client.waitForOutput(/held-4/);
    expect(terminal.paused).toBe(false);
    client.ws.close();
    await client.closed;
  });

  it("answers an unknown control message with an error message and keeps the session", async () => {
    const { client } = await open();
    client.ws.send("not json");
    await client.waitFor((c) => c.controls.length > 0, 5_000, "an error message");
    expect(client.controls[0]).toMatchObject({
      type: "error",
      message: expect.stringContaining('Unknown terminal control message "not json"'),
    });
    client.type("echo still-$((3+3))\r");
    await client.waitForOutput(/still-6/);
    client.ws.close();
    await client.closed;
  });

  it("refuses a second socket for the same session", async () => {
    const session = await server.manager.open({ type: "local", name: "sh", command: ["/bin/sh"] }, { cols: 80, rows: 24 });
    const first = new TerminalTestClient(`${server.baseUrl}${session.url}`);
    await first.opened;
    const second = new TerminalTestClient(`${server.baseUrl}${session.url}`);
    await expect(second.opened).rejects.toThrow(/409/);
    first.ws.close();
    await first.closed;
  });
});
