import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ProjectStateCache } from "../../engine/project-state.js";
import { planProject } from "../../planner/plan.js";
import { ensureContractBuilt } from "../../registry/__fixtures__/plugin-workspace.js";
import { loadWorkspaceRegistry } from "../../registry/workspace-registry.js";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import { ProjectStore } from "../../workspace/project-store.js";
import { cliWorkspace, runCli } from "../__fixtures__/cli-harness.js";

beforeAll(() => ensureContractBuilt(), 120_000);

/** A workspace with project "prod": machine "web" and app "shop" fed by it. */
async function populated(): Promise<string> {
  const dir = await cliWorkspace({ project: "prod" });
  expect((await runCli(["instances", "add", "acme.machine.v1", "web"], { cwd: dir })).code).toBe(0);
  expect((await runCli(["instances", "add", "acme.app.v1", "shop", "--input", "server=web.server"], { cwd: dir })).code).toBe(0);
  return dir;
}

describe("secrets", () => {
  it("sets a secret from piped stdin, lists it, reads it back and never writes it in plaintext", async () => {
    const dir = await populated();
    const env = { HIGHSTATE_PASSWORD: "correct horse" };
    const set = await runCli(["secrets", "set", "web", "token"], { cwd: dir, env, stdin: "s3cr3t-value\n" });
    expect(set).toEqual({
      code: 0,
      stdout: 'Set secret "token" of "acme.machine.v1:web".\n',
      stderr: 'Project "prod" is now protected by this password; keep it safe, its secrets cannot be read without it.\n',
    });
    const file = await readFile(join(dir, "Pulumi.prod.yaml"), "utf8");
    expect(file).toContain("acme.machine.v1:web:");
    expect(file).not.toContain("s3cr3t-value");
    expect(await runCli(["secrets", "list"], { cwd: dir })).toEqual({ code: 0, stdout: "acme.machine.v1:web: token\n", stderr: "" });
    expect(await runCli(["secrets", "get", "web", "token"], { cwd: dir, env })).toEqual({ code: 0, stdout: "s3cr3t-value\n", stderr: "" });
  });

  it("asks for the password and the value without echo in a terminal", async () => {
    const dir = await populated();
    // A new password is asked twice; typed-ahead input carries over to the next prompt.
    const set = await runCli(["secrets", "set", "web", "token"], { cwd: dir, tty: "pw1\rpw1\rtyped-secret\r" });
    expect(set.code).toBe(0);
    expect(set.stderr).toBe(
      'Project "prod" has no password yet; choose one: \nRepeat it: \nValue of secret "token" of "acme.machine.v1:web": \nProject "prod" is now protected by this password; keep it safe, its secrets cannot be read without it.\n',
    );
    expect(`${set.stdout}${set.stderr}`).not.toContain("typed-secret");
    expect(`${set.stdout}${set.stderr}`).not.toContain("pw1");
    const get = await runCli(["secrets", "get", "web", "token"], { cwd: dir, tty: "pwx\u007f1\r" });
    expect(get).toEqual({ code: 0, stdout: "typed-secret\n", stderr: 'Password of project "prod": \n' });
    const cancelled = await runCli(["secrets", "get", "web", "token"], { cwd: dir, tty: "\u0003" });
    expect([cancelled.code, cancelled.stderr]).toEqual([130, 'Password of project "prod": \nError: Cancelled\n']);
  });

  it("reports a wrong password, a missing password, an undeclared secret and a secret that is not set", async () => {
    const dir = await populated();
    await runCli(["secrets", "set", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "right" }, stdin: "v" });
    const wrong = await runCli(["secrets", "get", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "wrong" } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^Error: .*password.*\n$/i);
    expect(wrong.stdout).toBe("");
    const none = await runCli(["secrets", "get", "web", "token"], { cwd: dir });
    expect([none.code, none.stderr]).toEqual([
      2,
      'Error: The password of project "prod" is needed but there is no terminal to ask for it; set HIGHSTATE_PASSWORD in the environment\n',
    ]);
    const undeclared = await runCli(["secrets", "set", "shop", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "right" }, stdin: "v" });
    expect([undeclared.code, undeclared.stderr]).toEqual([1, 'Error: Component "acme.app.v1" has no secret "token" (it has no secrets)\n']);
    const unset = await runCli(["secrets", "get", "shop", "password"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "right" } });
    expect([unset.code, unset.stderr]).toEqual([
      1,
      'Error: Secret "password" of "acme.app.v1:shop" is not set; set it with `highstate secrets set acme.app.v1:shop password`\n',
    ]);
  });

  it("changes the password, keeping the last-success fingerprint of unchanged secrets", async () => {
    const dir = await populated();
    await runCli(["secrets", "set", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "old" }, stdin: "tok" });
    // Record a successful up of "web" with the fingerprint the orchestrator would record.
    const store = new ProjectStore(dir);
    const project = await store.load("prod");
    const registry = await loadWorkspaceRegistry(dir);
    const secrets = await ProjectSecrets.open(store.paths.projectSecretsFile("prod"));
    await secrets.unlock("old");
    const states = new InstanceStateStore(dir, "prod");
    const cache = new ProjectStateCache(states);
    const context = { name: "prod", project, registry: registry.registry, secrets, password: "old" };
    const plan = planProject({ project, registry: registry.registry, secretsDigests: (await cache.secretsDigests(context))! });
    const web = plan.instances.find((item) => item.id === "acme.machine.v1:web")!;
    const now = new Date().toISOString();
    await states.record(project.instances.find((instance) => instance.id === web.id)!.uid, {
      instanceId: web.id,
      operation: "up",
      result: "succeeded",
      startedAt: now,
      finishedAt: now,
      resourceCount: 1,
      outputs: { server: { value: { host: "10.0.0.1" }, secret: false } },
      fingerprint: web.fingerprint!,
    });
    const before = JSON.parse((await runCli(["plan", "--json"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "old" } })).stdout) as {
      outdated: Record<string, string[]>;
    };
    expect(before.outdated).toEqual({});

    const change = await runCli(["secrets", "change-password"], {
      cwd: dir,
      env: { HIGHSTATE_PASSWORD: "old", HIGHSTATE_NEW_PASSWORD: "new" },
    });
    expect(change).toEqual({ code: 0, stdout: 'Changed the password of project "prod".\n', stderr: "" });
    expect((await runCli(["secrets", "get", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "new" } })).stdout).toBe("tok\n");
    expect((await runCli(["secrets", "get", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "old" } })).code).toBe(2);
    const after = JSON.parse((await runCli(["plan", "--json"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "new" } })).stdout) as {
      outdated: Record<string, string[]>;
    };
    expect(after.outdated).toEqual({});
    await runCli(["secrets", "set", "web", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "new" }, stdin: "other" });
    const changed = JSON.parse((await runCli(["plan", "--json"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "new" } })).stdout) as {
      outdated: Record<string, string[]>;
    };
    expect(changed.outdated).toEqual({ "acme.machine.v1:web": ["secrets changed"] });
  });
});

describe("plan", () => {
  it("shows what would run in which layer", async () => {
    const dir = await populated();
    await runCli(["instances", "add", "acme.machine.v1", "db"], { cwd: dir });
    const run = await runCli(["plan"], { cwd: dir });
    expect(run).toEqual({
      code: 0,
      stdout: [
        'Project "prod": 3 instances, 3 to run in 2 layers.',
        "",
        "Layer 1:",
        "  + acme.machine.v1:db   not created",
        "  + acme.machine.v1:web  not created",
        "",
        "Layer 2:",
        "  + acme.app.v1:shop  not created",
        "",
      ].join("\n"),
      stderr: "",
    });
    const json = JSON.parse((await runCli(["plan", "--json"], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      project: "prod",
      layers: [["acme.machine.v1:db", "acme.machine.v1:web"], ["acme.app.v1:shop"]],
      outdated: {},
      blocked: {},
      cycles: [],
      problems: [],
      secretsChecked: true,
    });
  });

  it("exits with 1 and names a dependency cycle", async () => {
    const dir = await populated();
    await runCli(["instances", "add", "acme.app.v1", "loop", "--input", "server=shop.endpoint"], { cwd: dir });
    const file = join(dir, "projects", "prod.json");
    const project = JSON.parse(await readFile(file, "utf8")) as { instances: Array<{ id: string; inputs?: Record<string, unknown> }> };
    project.instances.find((instance) => instance.id === "acme.app.v1:shop")!.inputs = {
      server: [{ instanceId: "acme.app.v1:loop", output: "endpoint" }],
    };
    await writeFile(file, JSON.stringify(project, null, 2));
    const run = await runCli(["plan"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Error: Instances depend on each other in a cycle: "acme.app.v1:loop" → "acme.app.v1:shop" → "acme.app.v1:loop"; remove one of these connections\n',
    );
    expect(run.stdout).toContain(
      '  ! acme.app.v1:loop  it is part of a dependency cycle: "acme.app.v1:loop" → "acme.app.v1:shop" → "acme.app.v1:loop"\n',
    );
    expect((await runCli(["plan", "--json"], { cwd: dir })).code).toBe(1);
  });

  it("shows blocked instances and unknown components", async () => {
    const dir = await populated();
    const file = join(dir, "projects", "prod.json");
    const project = JSON.parse(await readFile(file, "utf8")) as { instances: Array<Record<string, unknown>> };
    project.instances.push({
      id: "gone.thing.v1:old",
      type: "gone.thing.v1",
      name: "old",
      uid: "gone0000old1",
      args: {},
      position: { x: 0, y: 0 },
    });
    project.instances.find((instance) => instance.id === "acme.app.v1:shop")!.inputs = {};
    await writeFile(file, JSON.stringify(project, null, 2));
    const run = await runCli(["plan"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '  ! acme.app.v1:shop  input "server" of "acme.app.v1:shop" is required: connect an output of type "acme.server.v1"\n',
    );
    expect(run.stdout).toContain(
      '  ! gone.thing.v1:old  component "gone.thing.v1" is not installed; install the package that provides it\n',
    );
  });
});

describe("doctor", () => {
  it("reports a missing workspace and a workspace without components", async () => {
    const { testdir } = await import("../../test-utils/testdir.js");
    const empty = await testdir();
    const none = JSON.parse((await runCli(["doctor", "--json"], { cwd: empty })).stdout) as {
      checks: Array<{ name: string; status: string; message: string }>;
    };
    expect(none.checks.find((check) => check.name === "workspace")).toMatchObject({
      status: "error",
      message: `no Highstate workspace in "${empty}" or above it`,
    });
    expect((await runCli(["init"], { cwd: empty })).code).toBe(0);
    const bare = await runCli(["doctor", "--json"], { cwd: empty });
    const report = JSON.parse(bare.stdout) as { checks: Array<{ name: string; status: string; message: string; hint?: string }> };
    expect(report.checks.find((check) => check.name === "components")).toEqual({
      name: "components",
      status: "warning",
      message: "0 components from 0 packages",
      hint: "install component packages, e.g. `npm install @highstate/common`",
    });
  });

  it("reports the pulumi CLI, the lock, unreadable files and unknown components", async () => {
    const dir = await populated();
    await writeFile(join(dir, "projects", "broken.json"), '{"version": 99}');
    await mkdir(join(dir, ".highstate"), { recursive: true });
    const project = JSON.parse(await readFile(join(dir, "projects", "prod.json"), "utf8")) as { instances: Array<Record<string, unknown>> };
    project.instances.push({
      id: "gone.thing.v1:old",
      type: "gone.thing.v1",
      name: "old",
      uid: "gone0000old1",
      args: {},
      position: { x: 0, y: 0 },
    });
    await writeFile(join(dir, "projects", "prod.json"), JSON.stringify(project, null, 2));

    const run = await runCli(["doctor", "--json"], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: Array<{ name: string; status: string; message: string; hint?: string }>;
    };
    const byName = (name: string) => report.checks.filter((check) => check.name === name);
    expect(report.ok).toBe(false);
    expect(byName("node")[0]!.status).toBe("ok");
    expect(byName("pulumi")[0]!.status).toMatch(/^(ok|warning|error)$/);
    if (byName("pulumi")[0]!.status === "error") expect(byName("pulumi")[0]!.hint).toBeTruthy();
    expect(byName("workspace")[0]).toEqual({ name: "workspace", status: "ok", message: dir });
    expect(byName("lock")[0]).toEqual({ name: "lock", status: "ok", message: "the workspace is not locked" });
    expect(byName(join("projects", "broken.json"))[0]!.status).toBe("error");
    expect(byName(join("projects", "broken.json"))[0]!.message).toContain(join(dir, "projects", "broken.json"));
    expect(byName("components")[0]).toEqual({ name: "components", status: "ok", message: "2 components from 1 package" });
    expect(byName("project prod")[0]).toMatchObject({
      status: "warning",
      message: 'instance "gone.thing.v1:old" uses component "gone.thing.v1", which is not installed (the instance is kept as it is)',
    });

    const human = await runCli(["doctor"], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`[FAIL] ${join("projects", "broken.json")}: Cannot read`);
    expect(human.stdout).toMatch(/Some checks failed\.\n$/);
  });
});
