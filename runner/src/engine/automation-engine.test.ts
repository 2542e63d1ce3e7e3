import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createPassphraseCrypter, type PassphraseCrypter } from "../secrets/index.js";
import { testdir } from "../test-utils/testdir.js";
import { installFakePulumi } from "./__fixtures__/fake-pulumi-cli.js";
import { acmeThingSource, writeUnitWorkspace } from "./__fixtures__/unit-workspace.js";
import { AutomationEngine } from "./automation-engine.js";
import { PulumiCliNotFoundError, StackLockedError, UnitRunCancelledError, UnitRunError } from "./errors.js";
import type { EngineEvent, OperationType, UnitRunRequest } from "./types.js";
import { defaultBackendUrl, unitEntrySource, unitWorkDir } from "./unit-workdir.js";

const password = "correct horse battery staple";
let crypter: PassphraseCrypter;

beforeAll(async () => {
  crypter = await createPassphraseCrypter(password);
});

async function setup() {
  const root = await testdir();
  const workspace = join(root, "ws");
  await writeUnitWorkspace(workspace);
  const fake = await installFakePulumi(root);
  const home = join(root, "home");
  await mkdir(home);
  const engine = new AutomationEngine({ cli: { path: fake.binDir, homeDir: home } });
  return { root, workspace, fake, engine, home };
}

function request(workspace: string, overrides: Partial<UnitRunRequest> & { operation: OperationType }) {
  const events: EngineEvent[] = [];
  const controller = new AbortController();
  const force = new AbortController();
  const req: UnitRunRequest = {
    workspaceRoot: workspace,
    project: "demo",
    instance: { project: "demo", id: "acme.thing.v1:one", type: "acme.thing.v1", name: "one", uid: "abcd1234" },
    component: { type: "acme.thing.v1", source: acmeThingSource, outputs: ["thing"] },
    args: { size: 3 },
    inputs: {},
    secretInputs: {},
    secrets: {},
    invokedTriggers: [],
    password,
    encrypter: crypter,
    backendUrl: defaultBackendUrl(workspace),
    onEvent: (event) => events.push(event),
    signal: controller.signal,
    forceSignal: force.signal,
    ...overrides,
  };
  return { req, events, controller, force };
}

describe("AutomationEngine against a fake pulumi CLI", () => {
  it("runs up in a generated work dir with the file backend, the passphrase only in the env and secrets only encrypted", async () => {
    const { workspace, fake, engine } = await setup();
    const secret = `S3NT1NEL-${randomBytes(8).toString("hex")}`;
    const upstreamSecret = `UPSTREAM-${randomBytes(8).toString("hex")}`;
    const { req, events } = request(workspace, {
      operation: "up",
      secrets: { apiToken: secret },
      inputs: { cluster: [{ instanceId: "k8s.cluster.v1:main", output: "cluster", value: { name: "main" } }] },
      secretInputs: { credentials: [{ instanceId: "acme.creds.v1:c", output: "creds", value: { token: upstreamSecret } }] },
    });
    // The CLI's password variable of the runner must not reach Pulumi's processes.
    process.env.HIGHSTATE_PASSWORD = password;
    const result = await engine.runOperation(req).finally(() => {
      delete process.env.HIGHSTATE_PASSWORD;
    });

    expect(result.resourceCount).toBe(2);
    expect(result.changes).toEqual({ create: 3 });
    expect(result.outputs?.echo).toEqual({
      value: { args: { size: 3 }, inputs: req.inputs, invokedTriggers: [] },
      secret: false,
    });
    expect(result.outputs?.secretEcho).toEqual({ value: { secrets: { apiToken: secret }, secretInputs: req.secretInputs }, secret: true });

    // Work dir: Pulumi.yaml, package.json (ESM), the exact entry with resolved file URLs.
    const workDir = unitWorkDir(workspace, "demo", "abcd1234");
    expect(workDir).toBe(join(workspace, ".highstate", "units", "demo", "abcd1234"));
    const projectYaml = parse(await readFile(join(workDir, "Pulumi.yaml"), "utf8"));
    expect(projectYaml).toMatchObject({ name: "demo", runtime: { name: "nodejs", options: { typescript: false } }, main: "entry.js" });
    expect(JSON.parse(await readFile(join(workDir, "package.json"), "utf8"))).toMatchObject({ type: "module", private: true });
    const entry = await readFile(join(workDir, "entry.js"), "utf8");
    const runtimeUrl = pathToFileURL(join(workspace, "node_modules/@highstate/pulumi/dist/index.js")).href;
    const unitUrl = pathToFileURL(join(workspace, "node_modules/@acme/units/dist/thing.js")).href;
    expect(entry).toBe(unitEntrySource(runtimeUrl, unitUrl));
    expect(entry).toBe(`import { runUnit } from "${runtimeUrl}";\nimport unit from "${unitUrl}";\nexport default () => runUnit(unit);\n`);
    // The entry really works as an ES module resolving the workspace's packages.
    const entryModule = (await import(pathToFileURL(join(workDir, "entry.js")).href)) as { default: () => Promise<unknown> };
    await expect(entryModule.default()).resolves.toEqual({ hello: "world" });

    // Stack yaml: the project's encryptionsalt; secrets and secret inputs only as secure values.
    const stackYamlText = await readFile(join(workDir, "Pulumi.abcd1234.yaml"), "utf8");
    const stackYaml = parse(stackYamlText);
    expect(stackYaml.encryptionsalt).toBe(crypter.encryptionSalt);
    expect(stackYaml.config["highstate:format"]).toBe("1");
    expect(JSON.parse(stackYaml.config["highstate:instance"])).toEqual(req.instance);
    expect(JSON.parse(stackYaml.config["highstate:args"])).toEqual({ size: 3 });
    expect(JSON.parse(stackYaml.config["highstate:inputs"])).toEqual(req.inputs);
    expect(JSON.parse(stackYaml.config["highstate:invokedTriggers"])).toEqual([]);
    expect(Object.keys(stackYaml.config["highstate:secrets"])).toEqual(["secure"]);
    expect(JSON.parse(crypter.decrypt(stackYaml.config["highstate:secrets"].secure))).toEqual({ apiToken: secret });
    expect(JSON.parse(crypter.decrypt(stackYaml.config["highstate:secretInputs"].secure))).toEqual(req.secretInputs);
    expect(stackYamlText).not.toContain(secret);
    expect(stackYamlText).not.toContain(upstreamSecret);

    // What the CLI saw: the commands, the backend URL and passphrase in its env, no secret in argv or env.
    const records = await fake.records();
    const commands = records.map((record) => record.argv.filter((arg) => !arg.startsWith("tcp://")).join(" "));
    expect(commands[0]).toBe("version");
    expect(commands).toContain("stack select --stack abcd1234 --non-interactive");
    expect(commands).toContain("stack init abcd1234 --non-interactive");
    expect(commands.find((command) => command.startsWith("up "))).toBe(
      "up --yes --skip-preview --color never --exec-kind auto.local --event-log --stack abcd1234 --non-interactive",
    );
    for (const record of records.slice(1)) {
      expect(record.cwd).toBe(workDir);
      expect(record.env.PULUMI_BACKEND_URL).toBe(`file://${join(workspace, ".highstate", "state")}`);
      expect(record.env.PULUMI_CONFIG_PASSPHRASE).toBe(password);
      expect(record.env.HIGHSTATE_PASSWORD).toBeUndefined();
      expect(record.env.PATH?.split(":")[0]).toBe(fake.binDir);
      expect(record.files["Pulumi.abcd1234.yaml"]).toBe(stackYamlText);
    }
    for (const record of records) {
      const argv = record.argv.join(" ");
      expect(argv).not.toContain(secret);
      expect(argv).not.toContain(upstreamSecret);
      expect(argv).not.toContain(password);
      const { PULUMI_CONFIG_PASSPHRASE: _passphrase, ...env } = record.env;
      expect(JSON.stringify(env)).not.toContain(secret);
      expect(JSON.stringify(env)).not.toContain(password);
    }
    // State is in the file backend layout under .highstate/state, no login needed.
    expect(existsSync(join(workspace, ".highstate/state/.pulumi/stacks/demo/abcd1234.json"))).toBe(true);

    // Events: resource steps without the root stack and default providers, the program's diagnostic, the summary.
    const resources = events.filter((event) => event.type === "resource");
    expect(resources.map((event) => `${event.name}:${event.op}:${event.status}`)).toEqual([
      "thing-1:create:started",
      "thing-1:create:done",
      "thing-2:create:started",
      "thing-2:create:done",
    ]);
    expect(events).toContainEqual({ type: "diagnostic", severity: "info", message: "fake program of demo/abcd1234 ran" });
    expect(events).toContainEqual({ type: "summary", changes: { create: 3 }, resourceCount: 2, durationMs: 1000 });
  });

  it("selects the existing stack on the next run, reports unchanged resources, then destroys", async () => {
    const { workspace, fake, engine } = await setup();
    await engine.runOperation(request(workspace, { operation: "up" }).req);
    const second = await engine.runOperation(request(workspace, { operation: "up" }).req);
    expect(second.changes).toEqual({ same: 3 });
    expect(second.resourceCount).toBe(2);
    const inits = (await fake.records()).filter((record) => record.argv[0] === "stack" && record.argv[1] === "init");
    expect(inits).toHaveLength(1);

    const preview = await engine.runOperation(request(workspace, { operation: "preview" }).req);
    expect(preview).toEqual({
      changes: { same: 3 },
      resourceCount: 2,
      preview: { changes: [], counts: { create: 0, update: 0, replace: 0, delete: 0, import: 0 }, unchanged: 2 },
    });

    const refresh = await engine.runOperation(request(workspace, { operation: "refresh" }).req);
    expect(refresh.changes).toEqual({ refresh: 3 });
    expect(refresh.outputs?.echo?.secret).toBe(false);

    const destroyed = await engine.runOperation(request(workspace, { operation: "destroy" }).req);
    expect(destroyed).toEqual({ changes: { delete: 3 }, resourceCount: 0 });
  });

  it("checks drift with a refresh preview: drifted resources by property name, nothing written, no secret values", async () => {
    const { workspace, fake, engine } = await setup();
    const args = { size: 3, fakeResources: 3, fakeDrift: { "thing-1": ["size", "tags"], "thing-3": null } };
    await engine.runOperation(request(workspace, { operation: "up", args }).req);
    const stateFile = join(workspace, ".highstate/state/.pulumi/stacks/demo/abcd1234.json");
    const stateBefore = await readFile(stateFile, "utf8");

    const { req, events } = request(workspace, { operation: "refresh", detectDrift: true, args, secrets: { apiToken: "DRIFT-S3CRET" } });
    const result = await engine.runOperation(req);
    expect(result.drift).toEqual([
      {
        urn: "urn:pulumi:abcd1234::demo::fake:index:Thing::thing-1",
        type: "fake:index:Thing",
        name: "thing-1",
        change: "changed",
        properties: ["size", "tags"],
      },
      {
        urn: "urn:pulumi:abcd1234::demo::fake:index:Thing::thing-3",
        type: "fake:index:Thing",
        name: "thing-3",
        change: "deleted",
        properties: [],
      },
    ]);
    expect(result.changes).toEqual({ same: 2, update: 1, delete: 1 });
    expect(result.outputs).toBeUndefined();
    expect(events.filter((event) => event.type === "diagnostic" && event.severity === "warning")).toEqual([]);

    const refreshes = (await fake.records()).filter((record) => record.argv[0] === "refresh");
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.argv).toContain("--preview-only");
    expect(await readFile(stateFile, "utf8")).toBe(stateBefore);
    expect(JSON.stringify(result)).not.toContain("DRIFT-S3CRET");

    // A stack that was never created has nothing to check.
    const other = request(workspace, {
      operation: "refresh",
      detectDrift: true,
      instance: { project: "demo", id: "acme.thing.v1:two", type: "acme.thing.v1", name: "two", uid: "efgh5678" },
    });
    expect(await engine.runOperation(other.req)).toEqual({ changes: {}, resourceCount: 0, drift: [] });
  });

  it("collects a preview's replacement from the CLI's engine events, with property names and no values", async () => {
    const { workspace, engine } = await setup();
    await engine.runOperation(request(workspace, { operation: "up", args: { size: 3 } }).req);
    const { req, events } = request(workspace, { operation: "preview", args: { size: 4, fakeReplace: "size" } });
    const result = await engine.runOperation(req);
    expect(result.preview).toEqual({
      changes: [
        {
          kind: "replace",
          urn: "urn:pulumi:abcd1234::demo::fake:index:Thing::thing-1",
          type: "fake:index:Thing",
          name: "thing-1",
          changedKeys: ["size"],
          replaceKeys: ["size"],
        },
      ],
      counts: { create: 0, update: 0, replace: 1, delete: 0, import: 0 },
      unchanged: 1,
    });
    expect(result.changes).toEqual({ same: 2, replace: 1 });
    // The CLI's events carried the old and new inputs; neither the result nor the events passed on hold them.
    expect(JSON.stringify(result)).not.toContain("value-of-replaced-thing");
    expect(JSON.stringify(events)).not.toContain("value-of-replaced-thing");
  });

  it("keeps finding the stack after the Highstate project was renamed (its work dirs move along)", async () => {
    const { workspace, fake, engine } = await setup();
    await engine.runOperation(request(workspace, { operation: "up" }).req);
    await rename(join(workspace, ".highstate/units/demo"), join(workspace, ".highstate/units/renamed"));
    const renamed = request(workspace, {
      operation: "up",
      project: "renamed",
      instance: { project: "renamed", id: "acme.thing.v1:one", type: "acme.thing.v1", name: "one", uid: "abcd1234" },
    });
    const result = await engine.runOperation(renamed.req);
    expect(result.changes).toEqual({ same: 3 });
    const workDir = unitWorkDir(workspace, "renamed", "abcd1234");
    expect(parse(await readFile(join(workDir, "Pulumi.yaml"), "utf8")).name).toBe("demo");
    expect(JSON.parse(parse(await readFile(join(workDir, "Pulumi.abcd1234.yaml"), "utf8")).config["highstate:instance"]).project).toBe(
      "renamed",
    );
    expect((await fake.records()).filter((record) => record.argv[0] === "stack" && record.argv[1] === "init")).toHaveLength(1);
  });

  it("destroys a stack that was never created without running the CLI's destroy", async () => {
    const { workspace, fake, engine } = await setup();
    const result = await engine.runOperation(request(workspace, { operation: "destroy" }).req);
    expect(result).toEqual({ changes: {}, resourceCount: 0 });
    expect((await fake.records()).some((record) => record.argv[0] === "destroy")).toBe(false);
  });

  it("reports the program's error diagnostics as the failure", async () => {
    const { workspace, engine } = await setup();
    const { req, events } = request(workspace, { operation: "up", args: { fakeFail: 'resource "db" failed: quota exceeded' } });
    const error = await engine.runOperation(req).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitRunError);
    expect((error as Error).message).toBe('resource "db" failed: quota exceeded');
    expect(events).toContainEqual(
      expect.objectContaining({ type: "diagnostic", severity: "error", message: 'resource "db" failed: quota exceeded' }),
    );
    // The stack lock was released by the failed run.
    expect(await readdir(join(workspace, ".highstate/state/.pulumi/locks/organization/demo/abcd1234"))).toEqual([]);
  });

  it("fails with Pulumi's message when the password does not match the stack's encryptionsalt", async () => {
    const { workspace, engine } = await setup();
    const other = await createPassphraseCrypter("another password");
    const error = await engine
      .runOperation(request(workspace, { operation: "up", encrypter: other }).req)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitRunError);
    expect((error as Error).message).toContain("incorrect passphrase");
  });

  it("cancels gracefully: SIGINT to the CLI, which unlocks the stack", async () => {
    const { workspace, engine } = await setup();
    const { req, events, controller } = request(workspace, { operation: "up", args: { fakeHang: true } });
    const running = engine.runOperation(req);
    await waitFor(() => events.some((event) => event.type === "diagnostic"));
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(UnitRunCancelledError);
    expect(await readdir(join(workspace, ".highstate/state/.pulumi/locks/organization/demo/abcd1234"))).toEqual([]);
  });

  it("force-cancels a run that ignores SIGINT and releases its stack lock with pulumi cancel", async () => {
    const { workspace, fake, engine } = await setup();
    const { req, events, controller, force } = request(workspace, { operation: "up", args: { fakeHang: true, fakeIgnoreSigint: true } });
    const running = engine.runOperation(req);
    await waitFor(() => events.some((event) => event.type === "diagnostic"));
    const lockDir = join(workspace, ".highstate/state/.pulumi/locks/organization/demo/abcd1234");
    expect(await readdir(lockDir)).toHaveLength(1);
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    force.abort();
    await expect(running).rejects.toBeInstanceOf(UnitRunCancelledError);
    expect(events.at(-1)).toEqual({ type: "log", message: "Released the stack lock of the stopped run." });
    expect((await fake.records()).some((record) => record.argv.join(" ") === "cancel --yes --stack abcd1234 --non-interactive")).toBe(true);
    expect(existsSync(lockDir) ? await readdir(lockDir) : []).toEqual([]);
    expect((await engine.runOperation(request(workspace, { operation: "up" }).req)).resourceCount).toBe(2);
  });

  it("recovers a stale lock left by a run that was killed (its pid is gone) before running", async () => {
    const { workspace, engine } = await setup();
    await engine.runOperation(request(workspace, { operation: "up" }).req);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const lockDir = join(workspace, ".highstate/state/.pulumi/locks/organization/demo/abcd1234");
    await mkdir(lockDir, { recursive: true });
    const lockFile = join(lockDir, "00000000-1111-2222-3333-444444444444.json");
    await writeFile(
      lockFile,
      JSON.stringify({ pid: Number(dead.stdout), username: "me", hostname: hostname(), timestamp: "2026-01-01T00:00:00Z" }),
    );
    const next = request(workspace, { operation: "up" });
    const result = await engine.runOperation(next.req);
    expect(result.changes).toEqual({ same: 3 });
    expect(next.events[0]).toEqual({
      type: "log",
      message: `Removed a stale lock of the stack left by a run that no longer exists (pid ${dead.stdout}).`,
    });
    expect(existsSync(lockFile)).toBe(false);
  });

  it("refuses to run while a live process holds the stack lock", async () => {
    const { workspace, engine } = await setup();
    await engine.runOperation(request(workspace, { operation: "up" }).req);
    const lockDir = join(workspace, ".highstate/state/.pulumi/locks/organization/demo/abcd1234");
    await writeFile(
      join(lockDir, "11111111-2222-3333-4444-555555555555.json"),
      JSON.stringify({ pid: process.pid, username: "someone", hostname: hostname(), timestamp: "2026-01-01T00:00:00Z" }),
    );
    const error = await engine.runOperation(request(workspace, { operation: "up" }).req).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StackLockedError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
  });
});

describe("AutomationEngine without a pulumi CLI", () => {
  it("fails every run at once with a message saying how to install it", async () => {
    const root = await testdir();
    await writeUnitWorkspace(join(root, "ws"));
    const engine = new AutomationEngine({ cli: { path: join(root, "empty"), homeDir: join(root, "home") } });
    await expect(engine.preflight()).rejects.toBeInstanceOf(PulumiCliNotFoundError);
    const error = await engine.runOperation(request(join(root, "ws"), { operation: "up" }).req).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PulumiCliNotFoundError);
    expect((error as Error).message).toContain("highstate install-pulumi");
    expect((error as Error).message).toContain("https://get.pulumi.com");
    // Nothing was written: the run failed before preparing the work dir.
    expect(existsSync(join(root, "ws", ".highstate"))).toBe(false);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
