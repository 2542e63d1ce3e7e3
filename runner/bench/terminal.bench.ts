/**
 * Terminal benchmark: keystroke echo round trip through the WebSocket bridge → ssh2 → a loopback sshd →
 * `cat` in a raw PTY and back (target p50 < 20 ms), the same through a local node-pty terminal, and the
 * output throughput of a 50 MB flood (`head -c 50000000 /dev/zero | base64`) with a client that keeps up.
 */
import { performance } from "node:perf_hooks";
import type { TerminalSpecInput } from "@highstate/contract";
import { sshdUnavailableReason, startTestSshd } from "@highstate/test-support/sshd";
import { startTerminalTestServer, TerminalTestClient, type TerminalTestServer } from "../src/terminals/testing/harness.js";

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function connect(server: TerminalTestServer, spec: TerminalSpecInput): Promise<TerminalTestClient> {
  const session = await server.manager.open(spec, { cols: 120, rows: 40 });
  const client = new TerminalTestClient(`${server.baseUrl}${session.url}`, { keepOutput: false });
  await client.opened;
  return client;
}

/** Types `count` keystrokes one at a time, each after the previous one came back, and returns the round trips in ms. */
async function echoRoundTrips(client: TerminalTestClient, count: number): Promise<number[]> {
  client.type("stty raw -echo; echo cat-ready; exec cat\r");
  await client.waitFor((c) => c.tail.includes("cat-ready\r\n") || c.tail.endsWith("cat-ready\n"), 10_000, "cat to start");
  await new Promise((resolve) => setTimeout(resolve, 200));
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const key = String.fromCharCode(97 + (index % 26));
    const before = client.bytes;
    const start = performance.now();
    client.type(key);
    await client.waitFor((c) => c.bytes > before && c.tail.endsWith(key), 5_000, `the echo of "${key}"`);
    times.push(performance.now() - start);
  }
  return times;
}

function report(label: string, times: number[]): void {
  const warm = times.slice(20).sort((a, b) => a - b);
  const p50 = percentile(warm, 0.5);
  console.log(
    `${label}: ${warm.length} keystrokes, p50 ${p50.toFixed(2)} ms, p90 ${percentile(warm, 0.9).toFixed(2)} ms, p99 ${percentile(warm, 0.99).toFixed(2)} ms, max ${warm.at(-1)!.toFixed(2)} ms`,
  );
}

async function main(): Promise<void> {
  const server = await startTerminalTestServer({ bridge: { pingIntervalMs: 0 } });
  try {
    const local = await connect(server, { type: "local", name: "bench", command: ["/bin/sh"] });
    report("local pty echo round trip", await echoRoundTrips(local, 520));
    local.ws.close();

    const unavailable = sshdUnavailableReason();
    if (unavailable) {
      console.log(`ssh echo round trip: skipped (${unavailable})`);
      return;
    }
    const sshd = await startTestSshd();
    try {
      const spec: TerminalSpecInput = sshd.sshTerminal("bench");
      const openStart = performance.now();
      const ssh = await connect(server, spec);
      console.log(
        `ssh session open (connect, key exchange, auth, PTY) and socket attach: ${(performance.now() - openStart).toFixed(1)} ms`,
      );
      const times = await echoRoundTrips(ssh, 520);
      report("ssh echo round trip (WebSocket → ssh2 → loopback sshd → cat → back)", times);
      const p50 = percentile(
        times.slice(20).sort((a, b) => a - b),
        0.5,
      );
      console.log(`target p50 < 20 ms: ${p50 < 20 ? "met" : "NOT met"}`);
      ssh.ws.close();

      const flood = await connect(server, spec);
      flood.type("stty -echo; echo flood-ready\r");
      await flood.waitFor((c) => c.tail.includes("flood-ready"), 10_000, "the shell");
      const before = flood.bytes;
      const start = performance.now();
      flood.type("head -c 50000000 /dev/zero | base64; echo flood-$((40+2))\r");
      await flood.waitFor((c) => c.tail.includes("flood-42"), 120_000, "the end of the flood");
      const seconds = (performance.now() - start) / 1000;
      const megabytes = (flood.bytes - before) / 1e6;
      console.log(`ssh flood: ${megabytes.toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(megabytes / seconds).toFixed(1)} MB/s`);
      flood.ws.close();
    } finally {
      await sshd.stop();
    }
  } finally {
    await server.stop();
  }
}

await main();
