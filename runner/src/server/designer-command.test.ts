/**
 * `highstate designer` as a user runs it: a real child process, a real port, real signals.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { OperationInfo, ProjectSnapshot } from "@highstate/project/api";
import { beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { main } from "../cli/main.js";
import { installPackage } from "../registry/__fixtures__/plugin-workspace.js";
import { ApiClient } from "./__fixtures__/client.js";
import { ensureContractBuilt, fixtureWorkspace } from "./__fixtures__/workspace.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const cliScript = join(import.meta.dirname, "__fixtures__", "highstate-cli.ts");
/** tsx's loader by absolute URL: the child runs in the workspace, where `tsx` does not resolve. */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

interface RunningDesigner {
  child: ChildProcess;
  url: URL;
  client: ApiClient;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `highstate designer --port 0` in `workspace` and waits for the URL it prints. */
async function startDesignerProcess(workspace: string, env: Record<string, string> = {}, args: string[] = []): Promise<RunningDesigner> {
  const child = spawn(
    process.execPath,
    ["--conditions=@highstate/source", "--import", tsxLoader, cliScript, "designer", "--port", "0", ...args],
    {
      cwd: workspace,
      env: { ...process.env, HIGHSTATE_ENGINE: "fake", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /Open (http:\/\/\S+)/.exec(stdout);
    if (match) {
      const url = new URL(match[1]!);
      return {
        child,
        url,
        client: new ApiClient(Number(url.port), new URLSearchParams(url.hash.slice(1)).get("token")!),
        stdout: () => stdout,
        stderr: () => stderr,
        exited,
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the designer did not start:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Files under `dir` (node_modules left out), relative. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .filter((path) => !path.startsWith("node_modules"))
    .sort();
}

function capture() {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

describe("highstate designer", () => {
  test("prints a token URL on loopback and serves the API with that token only", async () => {
    const workspace = await fixtureWorkspace();
    const designer = await startDesignerProcess(workspace);
    expect(designer.url.hostname).toBe("127.0.0.1");
    expect(designer.url.hash).toMatch(/^#token=[A-Za-z0-9_-]{43}$/);
    expect(designer.url.search).toBe("");
    expect(designer.stdout()).toContain(`Highstate designer for "${workspace}"`);
    const registry = await designer.client.get<{ components: Record<string, unknown> }>("/api/registry");
    expect(Object.keys(registry.components)).toContain("acme.machine.v1");
    expect((await new ApiClient(designer.client.port, "wrong").request("GET", "/api/registry")).status).toBe(401);
  });

  test("problems of installed packages are reported on stderr while the server runs", async () => {
    const workspace = await fixtureWorkspace();
    await installPackage(join(workspace, "node_modules"), {
      name: "@acme/broken",
      version: "2.0.0",
      source: 'throw new Error("definitions exploded");\n',
    });
    const designer = await startDesignerProcess(workspace);
    const registry = await designer.client.get<{ components: Record<string, unknown> }>("/api/registry");
    expect(Object.keys(registry.components)).toContain("acme.machine.v1");
    // Printed while the registry loads; the pipe may deliver it later than the HTTP answer on a busy machine.
    for (const deadline = Date.now() + 30_000; !designer.stderr().includes("definitions exploded") && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(designer.stderr()).toMatch(/Error: .*"@acme\/broken@2\.0\.0".*definitions exploded/);
  });

  test("a second designer on the same workspace fails naming the holder", async () => {
    const workspace = await fixtureWorkspace();
    const first = await startDesignerProcess(workspace);
    const stdout = capture();
    const stderr = capture();
    const code = await main(["designer", "--port", "0", "--cwd", workspace], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      stdin: process.stdin,
      env: { HIGHSTATE_ENGINE: "fake" },
      cwd: workspace,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toContain(`in use by process ${first.child.pid} ("highstate designer")`);
    expect(stdout.text()).not.toContain("Open http");
    // The first one is unaffected.
    expect((await first.client.request("GET", "/api/session")).status).toBe(200);
  });

  test("a non-loopback host is refused without --allow-remote", async () => {
    const workspace = await fixtureWorkspace();
    const stderr = capture();
    const code = await main(["designer", "--host", "0.0.0.0", "--port", "0", "--cwd", workspace], {
      stdout: capture().stream,
      stderr: stderr.stream,
      stdin: process.stdin,
      env: { HIGHSTATE_ENGINE: "fake" },
      cwd: workspace,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toContain("--allow-remote");
    await expect(readFile(join(workspace, ".highstate", "workspace.lock"))).rejects.toThrow();
  });

  test("a closed terminal (SIGHUP) stops the server cleanly and releases the lock", async () => {
    const workspace = await fixtureWorkspace();
    const designer = await startDesignerProcess(workspace);
    expect((await designer.client.request("GET", "/api/session")).status).toBe(200);
    designer.child.kill("SIGHUP");
    expect(await designer.exited).toBe(0);
    expect(designer.stderr()).toContain("the workspace lock is released");
    expect(await listFiles(workspace)).not.toContain(join(".highstate", "workspace.lock"));
  });

  test("--allow-remote binds every interface and prints a warning", async () => {
    const workspace = await fixtureWorkspace();
    const designer = await startDesignerProcess(workspace, {}, ["--host", "0.0.0.0", "--allow-remote"]);
    expect(designer.stderr()).toContain("Warning: the designer listens on 0.0.0.0");
    expect(designer.url.hostname).toBe("127.0.0.1");
    expect((await designer.client.request("GET", "/api/session")).status).toBe(200);
    expect(
      (await designer.client.request("GET", "/api/session", undefined, { host: `rebind.example:${designer.client.port}` })).status,
    ).toBe(421);
  });

  test("Ctrl+C cancels the running operation gracefully, releases the lock and leaves no partial files", async () => {
    const workspace = await fixtureWorkspace();
    const designer = await startDesignerProcess(workspace, {
      HIGHSTATE_FAKE_ENGINE_DELAY_MS: "20000",
      HIGHSTATE_FAKE_ENGINE_RESOURCES: "4",
    });
    const { client } = designer;
    const lock = JSON.parse(await readFile(join(workspace, ".highstate", "workspace.lock"), "utf8")) as { pid: number; command: string };
    expect(lock).toMatchObject({ pid: designer.child.pid, command: "highstate designer" });

    expect((await client.request("POST", "/api/projects", { name: "demo", password: "correct horse battery" })).status).toBe(201);
    const added = await client.request("POST", "/api/projects/demo/mutations", {
      revision: 1,
      mutations: [{ op: "add-instance", type: "acme.machine.v1", name: "a", args: { endpoint: "a.example" } }],
    });
    expect(added.status).toBe(200);
    await client.request("PUT", "/api/projects/demo/instances/acme.machine.v1%3Aa/secrets", { set: { password: "SIGINT-SENTINEL-5d1e" } });
    const operation = (
      await client.request("POST", "/api/projects/demo/operations", { type: "up", instanceIds: ["acme.machine.v1:a"] })
    ).json<OperationInfo>();
    expect(operation.state).toBe("running");
    // Wait until the unit is actually running.
    for (let attempt = 0; attempt < 200; attempt++) {
      const snapshot = await client.get<ProjectSnapshot>("/api/projects/demo");
      if (snapshot.statuses["acme.machine.v1:a"]?.state === "running") break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    designer.child.kill("SIGINT");
    expect(await designer.exited).toBe(0);
    expect(designer.stderr()).toContain("cancelling 1 running operation");
    expect(designer.stderr()).toContain("the workspace lock is released");

    const files = await listFiles(workspace);
    expect(files).not.toContain(join(".highstate", "workspace.lock"));
    expect(files.filter((path) => path.endsWith(".tmp") || path.includes(".recover"))).toEqual([]);
    expect(JSON.parse(await readFile(join(workspace, "projects", "demo.json"), "utf8")).instances).toHaveLength(1);
    for (const path of files) expect(await readFile(join(workspace, path), "utf8"), path).not.toContain("SIGINT-SENTINEL-5d1e");
    // The cancelled run was recorded: the instance state says what happened.
    const states = files.filter((path) => path.startsWith(join(".highstate", "instances", "demo")));
    expect(states).toHaveLength(1);
    const state = JSON.parse(await readFile(join(workspace, states[0]!), "utf8")) as { log: Array<{ operation: string; result: string }> };
    expect(state.log.at(-1)).toMatchObject({ operation: "up", result: "cancelled" });

    // The workspace is free again: another designer starts.
    const again = await startDesignerProcess(workspace);
    expect((await again.client.request("GET", "/api/projects")).status).toBe(200);
  });
});
