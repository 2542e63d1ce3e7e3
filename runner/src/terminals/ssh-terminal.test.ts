import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { Socket } from "node:net";
import { promisify } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { freePort, sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { HostKeyMismatchError, SshAuthenticationError, SshCredentialsError, SshUnreachableError } from "./errors.js";
import { parseHostKey } from "./host-key.js";
import type { SshTerminalSpec } from "./ssh-terminal.js";
import { startTerminalTestServer, TerminalTestClient, type TerminalTestServer } from "./testing/harness.js";

const run = promisify(execFile);
const unavailable = sshdUnavailableReason();
if (unavailable) console.warn(`Skipping SSH terminal tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("SSH terminals through the WebSocket bridge", () => {
  let sshd: TestSshd;
  let server: TerminalTestServer;

  const spec = (overrides: Partial<SshTerminalSpec> = {}): SshTerminalSpec => ({ ...sshd.sshTerminal("shell"), ...overrides });

  const connect = async (overrides: Partial<SshTerminalSpec> = {}, size = { cols: 80, rows: 24 }) => {
    const session = await server.manager.open(spec(overrides), size);
    const client = new TerminalTestClient(`${server.baseUrl}${session.url}`);
    await client.opened;
    return { session, client };
  };

  beforeAll(async () => {
    sshd = await startTestSshd();
    server = await startTerminalTestServer({ bridge: { pingIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.stop();
    await sshd?.stop();
  });

  // Sessions of the previous test finish closing in the background; each test starts with none.
  beforeEach(async () => {
    await expect.poll(() => server.manager.size, { timeout: 10_000 }).toBe(0);
  });

  it("runs commands in a PTY of the browser's size and follows resizes", async () => {
    const { session, client } = await connect({ title: "Test shell" }, { cols: 91, rows: 27 });
    expect(session.title).toBe("Test shell");
    expect(session.url).toBe(`/api/terminals/${session.sessionId}`);
    client.type("echo hello-$((6*7))\r");
    await client.waitForOutput(/hello-42/);
    client.type("stty size; echo size-done\r");
    expect((await client.waitForOutput(/(\d+) (\d+)\r\nsize-done/)).slice(1)).toEqual(["27", "91"]);
    client.resize(132, 43);
    client.type("stty size; echo resized-$((1+1))\r");
    expect((await client.waitForOutput(/(\d+) (\d+)\r\nresized-2/)).slice(1)).toEqual(["43", "132"]);
    client.type("exit 7\r");
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(client.controls).toContainEqual({ type: "exit", code: 7, signal: null });
    await expect.poll(() => server.manager.size).toBe(0);
  });

  it("turns Nagle's algorithm off on the SSH socket and the browser's socket, so keystrokes are not held back", async () => {
    // With Nagle on, each keystroke waits for the ACK of the previous one, which the peer delays by ~40 ms.
    const calls: { socket: Socket; enabled: boolean | undefined }[] = [];
    const original = Socket.prototype.setNoDelay;
    const spy = vi.spyOn(Socket.prototype, "setNoDelay").mockImplementation(function (this: Socket, enabled?: boolean) {
      calls.push({ socket: this, enabled });
      return original.call(this, enabled);
    });
    try {
      const { client } = await connect();
      client.type("echo nodelay-$((2*3))\r");
      await client.waitForOutput(/nodelay-6/);
      const serverPort = Number(new URL(server.baseUrl).port);
      const noDelayOn = (match: (socket: Socket) => boolean) => calls.some((call) => call.enabled !== false && match(call.socket));
      expect(noDelayOn((socket) => socket.remotePort === sshd.port)).toBe(true);
      expect(noDelayOn((socket) => socket.localPort === serverPort)).toBe(true);
      client.ws.close();
      await client.closed;
    } finally {
      spy.mockRestore();
    }
  });

  it("passes arbitrary bytes both ways", async () => {
    const { client } = await connect();
    // Every byte value 0x80–0xff through the remote `od`, which prints them back as numbers.
    // The bytes go out only once the terminal is raw (the marker is split so the command's echo cannot match it).
    client.type("stty raw -echo; echo raw-''ready; head -c 128 | od -An -tu1 -v | tr -s ' \\n' '  '; echo; echo bytes-done; stty sane\r");
    await client.waitForOutput(/raw-ready/);
    client.ws.send(Buffer.from(Array.from({ length: 128 }, (_, index) => 128 + index)), { binary: true });
    await client.waitForOutput(/\n\r?bytes-done/);
    // The line before the marker holds the numbers (parsed without a regex over the whole output, which could backtrack badly).
    const before = client.output.slice(0, client.output.search(/\r?\n\r?bytes-done/));
    const tokens = before.slice(before.lastIndexOf("\n") + 1).split(/\s+/);
    const numbers = tokens.filter((token) => /^\d+$/.test(token)).map(Number);
    expect(numbers).toEqual(Array.from({ length: 128 }, (_, index) => 128 + index));
    client.ws.close();
    await client.closed;
  });

  it("refuses a server whose host key differs from the pinned one and shows both fingerprints", async () => {
    const other = await sshd.generateKeyPair();
    const error = await server.manager.open(spec({ hostKey: other.publicKey }), { cols: 80, rows: 24 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    const mismatch = error as HostKeyMismatchError;
    expect(mismatch.expectedFingerprint).toBe(parseHostKey(other.publicKey).fingerprint);
    expect(mismatch.actualFingerprint).toBe(parseHostKey(sshd.hostKey).fingerprint);
    expect(mismatch.message).toContain(`expected ${mismatch.expectedFingerprint}, got ${mismatch.actualFingerprint}`);
    expect(mismatch.message).toContain(`"${sshd.host}:${sshd.port}"`);
    expect(server.manager.size).toBe(0);
  });

  it("refuses a key the server does not accept with a clear message", async () => {
    const other = await sshd.generateKeyPair();
    const error = await server.manager
      .open(spec({ credentials: { privateKey: other.privateKey } }), { cols: 80, rows: 24 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SshAuthenticationError);
    expect((error as Error).message).toBe(
      `SSH server "${sshd.host}:${sshd.port}" refused user "${sshd.user}" with the private key. ` +
        "Check the instance's SSH key pair or password and that the key is in the server's authorized_keys.",
    );
  });

  it("logs in with a password, and refuses a wrong one with a clear message", async () => {
    const { client } = await connect({ credentials: { password: sshd.password } });
    client.type("echo user-$(id -un)\r");
    await client.waitForOutput(new RegExp(`user-${sshd.user}`));
    client.ws.close();
    await client.closed;
    const error = await server.manager
      .open(spec({ credentials: { password: "wrong password" } }), { cols: 80, rows: 24 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SshAuthenticationError);
    expect((error as Error).message).toContain(`refused user "${sshd.user}"`);
    expect(server.manager.size).toBe(0);
  });

  it("explains a private key that cannot be parsed and missing credentials", async () => {
    await expect(server.manager.open(spec({ credentials: { privateKey: "not a key" } }), { cols: 80, rows: 24 })).rejects.toThrow(
      SshCredentialsError,
    );
    await expect(server.manager.open(spec({ credentials: {} }), { cols: 80, rows: 24 })).rejects.toThrow(
      /neither a private key nor a password/,
    );
  });

  it("says when the server is unreachable", async () => {
    const port = await freePort();
    const error = await server.manager.open(spec({ port }), { cols: 80, rows: 24 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SshUnreachableError);
    expect((error as Error).message).toBe(
      `Cannot reach SSH server "127.0.0.1:${port}": connection refused. Check that the server is up and the host and port are right.`,
    );
  });

  it("accepts an unpinned host key but warns with its fingerprint", async () => {
    const { client } = await connect({ hostKey: undefined });
    await client.waitForOutput(/not pinned; accepted SHA256:/);
    expect(client.output).toContain(parseHostKey(sshd.hostKey).fingerprint);
    client.ws.close();
    await client.closed;
  });

  it("ends the SSH session and frees the remote shell when the socket closes", async () => {
    const { session, client } = await connect();
    const terminal = server.manager.terminal(session.sessionId);
    client.type("echo shell-pid=$$\r");
    const pid = Number((await client.waitForOutput(/shell-pid=(\d+)/))[1]);
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    const exited = new Promise((resolve) => terminal?.once("exit", resolve));
    client.ws.close();
    await exited;
    await expect.poll(() => existsSync(`/proc/${pid}`), { timeout: 5_000 }).toBe(false);
    await expect.poll(() => server.manager.size).toBe(0);
  });

  it("notices through keepalives when the server stops answering, and says so", async () => {
    const watchful = await startTerminalTestServer({
      ssh: { keepaliveIntervalMs: 200, keepaliveCountMax: 2 },
      bridge: { pingIntervalMs: 0 },
    });
    const stopped: number[] = [];
    try {
      const session = await watchful.manager.open(spec(), { cols: 80, rows: 24 });
      const client = new TerminalTestClient(`${watchful.baseUrl}${session.url}`);
      await client.opened;
      client.type("echo alive-$((2*2))\r");
      await client.waitForOutput(/alive-4/);
      // Freeze the per-connection sshd processes (the privileged monitor and the user's session process
      // below it): the TCP connection stays up but nothing answers.
      for (const pid of await descendants(sshd.process.pid!)) {
        process.kill(pid, "SIGSTOP");
        stopped.push(pid);
      }
      expect(stopped.length).toBeGreaterThan(0);
      await client.waitFor((c) => c.controls.some((message) => message.type === "exit"), 10_000, "the exit message");
      expect(client.controls[0]).toEqual({
        type: "error",
        message: `SSH session with "${sshd.host}:${sshd.port}" failed: the server stopped answering keepalives.`,
      });
      expect(client.controls[1]).toEqual({ type: "exit", code: null, signal: null });
      expect((await client.closed).code).toBe(1000);
    } finally {
      for (const pid of stopped) process.kill(pid, "SIGCONT");
      await watchful.stop();
    }
  });

  it("closes a session that no socket attaches to", async () => {
    const short = await startTerminalTestServer({ attachTimeoutMs: 200 });
    try {
      const session = await short.manager.open(spec(), { cols: 80, rows: 24 });
      expect(short.manager.canAttach(session.sessionId)).toBe(true);
      await expect.poll(() => short.manager.size, { timeout: 5_000 }).toBe(0);
      const client = new TerminalTestClient(`${short.baseUrl}${session.url}`);
      await expect(client.opened).rejects.toThrow(/404/);
    } finally {
      await short.stop();
    }
  });

  it("keeps output flowing with bounded buffering while a slow client reads a flood", async () => {
    const highWaterMark = 1024 * 1024;
    const flood = await startTerminalTestServer({ bridge: { highWaterMark, lowWaterMark: 256 * 1024, pingIntervalMs: 0 } });
    try {
      const session = await flood.manager.open(spec(), { cols: 80, rows: 24 });
      const client = new TerminalTestClient(`${flood.baseUrl}${session.url}`, { keepOutput: false });
      await client.opened;
      client.type("stty -echo\r");
      await new Promise((resolve) => setTimeout(resolve, 200));
      // A reader that stops now and then: after every 8 MB it stops reading until the bridge has paused the
      // SSH stream once more (or, near the end, has nothing left to send for 3 s), then reads on. Whatever
      // pace SSH delivers at on a busy machine, the bridge must pause while the reader is stopped.
      const start = Date.now();
      let readUpTo = 8_000_000;
      client.ws.on("message", () => {
        if (client.bytes < readUpTo || client.ws.isPaused) return;
        client.ws.pause();
        const before = statsOf(flood, session.sessionId);
        let sent = before.bytesOut;
        let idleSince = Date.now();
        const waitForBridge = setInterval(() => {
          const now = statsOf(flood, session.sessionId);
          if (now.bytesOut !== sent) {
            sent = now.bytesOut;
            idleSince = Date.now();
          }
          if (now.pauses === before.pauses && Date.now() - idleSince < 3_000) return;
          clearInterval(waitForBridge);
          readUpTo = client.bytes + 8_000_000;
          client.ws.resume();
        }, 20);
      });
      // Live buffers (terminal data queued anywhere in this process: SSH stream, bridge, socket, client),
      // sampled after a full garbage collection so buffers already read and dropped do not count.
      const collect = garbageCollector();
      const liveBuffers = () => {
        collect();
        return process.memoryUsage().arrayBuffers;
      };
      const baseline = liveBuffers();
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, liveBuffers());
      }, 250);
      client.type("head -c 50000000 /dev/zero | base64; echo flood-$((40+2))\r");
      await client.waitFor((c) => c.tail.includes("flood-42"), 150_000, "the end of the flood");
      clearInterval(sampler);
      expect(flood.manager.size).toBe(1);
      // 50 MB of zeros in base64 is 66,666,668 characters plus 868,056 line breaks (as CR LF through the PTY).
      expect(client.bytes).toBeGreaterThanOrEqual(66_666_668 + 2 * 868_056);
      const stats = statsOf(flood, session.sessionId);
      const growth = peak - baseline;
      console.log(
        `flood: ${(client.bytes / 1e6).toFixed(1)} MB in ${Date.now() - start} ms, max buffered ${stats.maxBufferedAmount} B, ${stats.pauses} pauses, peak live buffer growth ${(growth / 1e6).toFixed(1)} MB`,
      );
      expect(stats.pauses).toBeGreaterThan(0);
      // Queued on the socket: at most the high-water mark plus one chunk of SSH data (≤ 2 MiB window).
      expect(stats.maxBufferedAmount).toBeLessThan(highWaterMark + 2 * 1024 * 1024);
      // Without back-pressure the socket alone holds ~57 MB of live buffers; with it, a few megabytes.
      expect(growth).toBeLessThan(16 * 1024 * 1024);
      client.ws.close();
      await client.closed;
    } finally {
      await flood.stop();
    }
  }, 200_000);
});

function statsOf(server: TerminalTestServer, sessionId: string) {
  const stats = server.manager.bridgeStats(sessionId);
  if (!stats) throw new Error(`no bridge for session ${sessionId}`);
  return stats;
}

/** The V8 garbage collector as a function, without starting the worker with --expose-gc. */
function garbageCollector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Every process below `pid` (children, grandchildren, …). */
async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await run("ps", ["-e", "-o", "pid=,ppid="]);
  const children = new Map<number, number[]>();
  for (const line of stdout.split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (child && parent) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
