import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Registry } from "@highstate/contract";
import type { SessionInfo } from "@highstate/project/api";
import { beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { AutomationEngine } from "../engine/index.js";
import { PINNED_PULUMI_VERSION } from "../engine/pulumi-cli.js";
import { FakeEngine } from "../testing/index.js";
import { ApiClient, rawRequest } from "./__fixtures__/client.js";
import { ensureContractBuilt, fixtureWorkspace } from "./__fixtures__/workspace.js";
import { type DesignerServerOptions, startDesignerServer } from "./designer-server.js";
import { NoSuchWorkspaceError, RemoteAccessNotAllowedError } from "./errors.js";

beforeAll(() => ensureContractBuilt(), 120_000);

async function start(options: Partial<DesignerServerOptions> = {}) {
  const workspace = options.workspace ?? (await fixtureWorkspace());
  const server = await startDesignerServer({ workspace, port: 0, ...options });
  onTestFinished(() => server.close());
  return { server, workspace, client: new ApiClient(server.port, server.token) };
}

describe("startDesignerServer", () => {
  test("listens on loopback, prints a token URL and serves the registry to token holders only", async () => {
    const { server, client } = await start();
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{43}$`));
    expect((await rawRequest(server.port, { path: "/api/registry" })).status).toBe(401);
    const registry = await client.get<Registry>("/api/registry");
    expect(Object.keys(registry.components)).toEqual(["acme.kube.v1", "acme.machine.v1"]);
    expect(registry.components["acme.kube.v1"]!.inputs.servers).toEqual({ entity: "acme.server.v1", required: true, multiple: true });
    expect(registry.entities["acme.server.v1"]!.meta.title).toBe("Server");
  });

  test("the session names the workspace and the runner version", async () => {
    const { client, workspace } = await start();
    const session = await client.get<SessionInfo>("/api/session");
    expect(session.workspace).toBe(workspace);
    expect(session.runnerVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(session.registryProblems).toEqual([]);
  });

  test("the session reports whether the engine can run: no pulumi CLI gives the reason and the install command", async () => {
    const home = await mkdtemp(join(tmpdir(), "highstate-no-pulumi-"));
    onTestFinished(() => rm(home, { recursive: true, force: true }));
    const { client } = await start({ engine: new AutomationEngine({ cli: { path: join(home, "bin"), homeDir: home } }) });
    const session = await client.get<SessionInfo>("/api/session");
    expect(session.engine).toMatchObject({ name: "pulumi", ready: false, pinnedVersion: PINNED_PULUMI_VERSION });
    expect(session.engine!.problem).toMatch(/Pulumi CLI/i);
    expect(session.engine!.installHint).toContain("highstate install-pulumi");
    const fake = await start({ engine: new FakeEngine() });
    expect((await fake.client.get<SessionInfo>("/api/session")).engine).toEqual({ name: "fake", ready: true });
  });

  test("the session and the registry show a broken package's problems", async () => {
    const workspace = await fixtureWorkspace();
    const manifest = join(workspace, "node_modules/@acme/servers/package.json");
    const pkg = JSON.parse(await readFile(manifest, "utf8")) as { exports: Record<string, string> };
    pkg.exports = { ".": "./dist/index.js", "./machine": "./dist/machine.js" };
    await writeFile(manifest, JSON.stringify(pkg));
    const { client } = await start({ workspace });
    const session = await client.get<SessionInfo>("/api/session");
    expect(session.registryProblems).toEqual([
      {
        package: "@acme/servers",
        message: expect.stringContaining('Component "acme.kube.v1" of package "@acme/servers@1.0.0" has source.path "kube"'),
      },
    ]);
    const registry = await client.get<Registry>("/api/registry");
    expect(registry.components["acme.kube.v1"]!.problems?.[0]?.code).toBe("source-path-not-exported");
  });

  test("two servers never share a token", async () => {
    const { server: a } = await start();
    const { server: b } = await start();
    expect(a.token).not.toBe(b.token);
    expect((await rawRequest(a.port, { path: "/api/session", headers: { authorization: `Bearer ${b.token}` } })).status).toBe(401);
  });

  test("a missing workspace folder is refused before anything is created", async () => {
    const workspace = await fixtureWorkspace();
    const missing = join(workspace, "nope");
    await expect(startDesignerServer({ workspace: missing, port: 0 })).rejects.toBeInstanceOf(NoSuchWorkspaceError);
    await expect(stat(missing)).rejects.toThrow();
  });

  test("a non-loopback address is refused without allowRemote", async () => {
    const workspace = await fixtureWorkspace();
    await expect(startDesignerServer({ workspace, host: "0.0.0.0", port: 0 })).rejects.toBeInstanceOf(RemoteAccessNotAllowedError);
    await expect(startDesignerServer({ workspace, host: "0.0.0.0", port: 0 })).rejects.toThrow(/--allow-remote/);
  });

  test("with allowRemote it binds to every interface and still checks the Host", async () => {
    const { server, client } = await start({ host: "0.0.0.0", allowRemote: true });
    expect(server.url.startsWith(`http://127.0.0.1:${server.port}/#token=`)).toBe(true);
    expect((await client.request("GET", "/api/session")).status).toBe(200);
    expect((await client.request("GET", "/api/session", undefined, { host: `attacker.example:${server.port}` })).status).toBe(421);
  });
});
