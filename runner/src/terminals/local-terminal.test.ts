import { existsSync, statSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalTerminalError } from "./errors.js";
import { openLocalTerminal } from "./local-terminal.js";
import { startTerminalTestServer, TerminalTestClient, type TerminalTestServer } from "./testing/harness.js";

/** A `${file:<name>}` placeholder of a local terminal spec. */
const fileRef = (name: string) => `\${file:${name}}`;

const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n";

describe("local terminals", () => {
  let tempRoot: string;
  let server: TerminalTestServer;

  beforeAll(async () => {
    tempRoot = await mkdtemp(join(tmpdir(), "highstate-local-terminal-test-"));
    server = await startTerminalTestServer({ local: { tempRoot, cwd: tempRoot }, bridge: { pingIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(tempRoot, { recursive: true, force: true });
  });

  it("sets KUBECONFIG to a private 0600 file that is removed when the terminal closes", async () => {
    const session = await server.manager.open(
      {
        type: "local",
        name: "kubectl",
        title: "kubectl (test cluster)",
        command: ["/bin/sh"],
        env: { KUBECONFIG: fileRef("kubeconfig"), GREETING: "hi" },
        files: [{ name: "kubeconfig", content: kubeconfig }],
      },
      { cols: 100, rows: 30 },
    );
    expect(session.title).toBe("kubectl (test cluster)");
    const client = new TerminalTestClient(`${server.baseUrl}${session.url}`);
    await client.opened;
    client.type('echo "K=[$KUBECONFIG] G=[$GREETING] T=[$TERM]"; stat -c mode=%a "$KUBECONFIG"; stty size; cat "$KUBECONFIG"; pwd\r');
    const path = (await client.waitForOutput(/K=\[([^\]]+)\] G=\[hi\] T=\[xterm-256color\]/))[1] as string;
    const cwd = (await client.waitForOutput(/mode=600\r\n30 100\r\napiVersion: v1\r\nkind: Config\r\nclusters: \[\]\r\n(.*)\r\n/))[1];
    expect(path).toMatch(new RegExp(`^${tempRoot}/highstate-terminal-[^/]+/kubeconfig$`));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(await readdir(dirname(path))).toEqual(["kubeconfig"]);
    expect(cwd).toBe(tempRoot);

    client.ws.close();
    await client.closed;
    await expect.poll(() => existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
    await expect.poll(() => server.manager.size).toBe(0);
  });

  it("reports the command's exit code and closes the socket", async () => {
    const session = await server.manager.open(
      { type: "local", name: "fail", command: ["/bin/sh", "-c", "echo bye; exit 3"] },
      { cols: 80, rows: 24 },
    );
    const client = new TerminalTestClient(`${server.baseUrl}${session.url}`);
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(client.output).toContain("bye");
    expect(client.controls).toEqual([{ type: "exit", code: 3, signal: null }]);
  });

  it("uses the user's $SHELL when the spec has no command, and /bin/sh when $SHELL is unusable", async () => {
    for (const [shell, expected] of [
      ["/bin/bash", "/bin/bash"],
      ["/nonexistent/shell", "/bin/sh"],
    ] as const) {
      const terminal = await openLocalTerminal(
        { type: "local", name: "shell", command: [], env: {}, files: [] },
        { cols: 80, rows: 24 },
        { baseEnv: { SHELL: shell, PATH: "/usr/bin:/bin" } },
      );
      let output = "";
      terminal.on("data", (chunk) => {
        output += chunk.toString();
      });
      terminal.resume();
      terminal.write("echo shell=$0; exit\r");
      await new Promise((resolve) => terminal.once("exit", resolve));
      expect(output).toContain(`shell=${expected}`);
    }
  });

  it("refuses placeholders that name no file and commands that do not exist", async () => {
    await expect(
      openLocalTerminal(
        {
          type: "local",
          name: "bad",
          command: [],
          env: { KUBECONFIG: fileRef("kube") },
          files: [{ name: "kubeconfig", content: "", mode: 0o600 }],
        },
        { cols: 80, rows: 24 },
      ),
    ).rejects.toThrow(`Cannot start local terminal "bad": "${fileRef("kube")}" names no file of the terminal; the files are "kubeconfig".`);
    const error = await openLocalTerminal(
      { type: "local", name: "missing", command: ["no-such-command-xyz"], env: {}, files: [{ name: "f", content: "x", mode: 0o600 }] },
      { cols: 80, rows: 24 },
      { tempRoot },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LocalTerminalError);
    expect((error as Error).message).toMatch(/"no-such-command-xyz" was not found on PATH/);
    // The files written before the failure are gone.
    expect((await readdir(tempRoot)).filter((name) => name.startsWith("highstate-terminal-"))).toEqual([]);
  });

  it("removes the files when the manager closes every session", async () => {
    const other = await startTerminalTestServer({ local: { tempRoot } });
    await other.manager.open(
      { type: "local", name: "k", command: ["/bin/sh"], files: [{ name: "a", content: "secret" }] },
      { cols: 80, rows: 24 },
    );
    expect((await readdir(tempRoot)).filter((name) => name.startsWith("highstate-terminal-"))).toHaveLength(1);
    await other.stop();
    expect((await readdir(tempRoot)).filter((name) => name.startsWith("highstate-terminal-"))).toEqual([]);
  });
});
