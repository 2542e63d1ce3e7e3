import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ensureContractBuilt, installPackage } from "../../registry/__fixtures__/plugin-workspace.js";
import { testdir } from "../../test-utils/testdir.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import { acquireWorkspaceLock } from "../../workspace/lock.js";
import { cliWorkspace, runCli } from "../__fixtures__/cli-harness.js";
import type { CliIo } from "../io.js";
import { main } from "../main.js";

beforeAll(() => ensureContractBuilt(), 120_000);

async function readProject(dir: string, name: string) {
  return JSON.parse(await readFile(join(dir, "projects", `${name}.json`), "utf8")) as {
    instances: Array<{ id: string; name: string; uid: string; args: Record<string, unknown>; inputs: Record<string, unknown> }>;
  };
}

describe("init", () => {
  it("creates the workspace files once", async () => {
    const dir = await testdir();
    const first = await runCli(["init", "--name", "infra"], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Initialised a Highstate workspace in "${dir}":\n  created package.json\n  created Pulumi.yaml\n  created projects\n  created .gitignore\n`,
    );
    expect(JSON.parse(await readFile(join(dir, "package.json"), "utf8")).name).toBe("infra");
    expect(await runCli(["init"], { cwd: dir })).toEqual({
      code: 0,
      stdout: `"${dir}" is already a Highstate workspace; nothing to do.\n`,
      stderr: "",
    });
  });
});

describe("registry", () => {
  it("lists installed components, as JSON too", async () => {
    const dir = await cliWorkspace();
    const human = await runCli(["registry"], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("acme-components 1.0.0  (2 components, 1 entity)\n");
    expect(human.stdout).toContain("  acme.app.v1      App  inputs: server  outputs: endpoint\n");
    const json = await runCli(["registry", "--json"], { cwd: dir });
    const parsed = JSON.parse(json.stdout) as { components: Record<string, { meta: { title: string } }>; problems: unknown[] };
    expect(Object.keys(parsed.components)).toEqual(["acme.app.v1", "acme.machine.v1"]);
    expect(parsed.problems).toEqual([]);
  });

  it("--no-cache shows fresh definitions and rewrites the cache for the next call", async () => {
    const dir = await cliWorkspace();
    expect((await runCli(["registry"], { cwd: dir })).code).toBe(0);
    // A stale cache under the current key: what the next plain call starts from.
    const cacheFile = join(dir, ".highstate", "cache", "registry.json");
    const cache = JSON.parse(await readFile(cacheFile, "utf8")) as {
      registry: { components: Record<string, { meta: { title: string } }> };
    };
    cache.registry.components["acme.app.v1"]!.meta.title = "Stale App";
    await writeFile(cacheFile, JSON.stringify(cache));
    expect((await runCli(["registry"], { cwd: dir })).stdout).toContain("  acme.app.v1      Stale App  inputs: server");

    const fresh = await runCli(["registry", "--no-cache"], { cwd: dir });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("  acme.app.v1      App  inputs: server  outputs: endpoint\n");
    expect(fresh.stdout).not.toContain("Stale App");
    const rewritten = JSON.parse(await readFile(cacheFile, "utf8")) as typeof cache;
    expect(rewritten.registry.components["acme.app.v1"]!.meta.title).toBe("App");
    expect((await runCli(["registry"], { cwd: dir })).stdout).toContain("  acme.app.v1      App  inputs: server  outputs: endpoint\n");
  });

  it("exits with 1 and names a package that fails to load", async () => {
    const dir = await cliWorkspace();
    await installPackage(join(dir, "node_modules"), { name: "broken-plugin", version: "2.0.0", source: 'throw new Error("kaboom");\n' });
    const run = await runCli(["registry"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /Problems:\n {2}error: Could not load the definitions of package "broken-plugin@2\.0\.0" from ".*": kaboom; reinstall or update the package\n$/,
    );
  });
});

describe("projects", () => {
  it("creates, lists and renames projects", async () => {
    const dir = await cliWorkspace();
    expect(await runCli(["projects", "create", "prod"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "project password 1" } })).toEqual({
      code: 0,
      stdout: 'Created project "prod" (projects/prod.json, secrets in Pulumi.prod.yaml).\n',
      stderr: "",
    });
    expect(await readFile(join(dir, "Pulumi.prod.yaml"), "utf8")).toMatch(
      /^encryptionsalt: v1:[A-Za-z0-9+/=]+:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/m,
    );
    expect(
      (await runCli(["projects", "create", "dev"], { cwd: join(dir, "projects"), env: { HIGHSTATE_PASSWORD: "project password 1" } })).code,
    ).toBe(0);
    expect((await runCli(["projects", "list"], { cwd: dir })).stdout).toBe("dev   0 instances, 0 hubs\nprod  0 instances, 0 hubs\n");
    expect((await runCli(["projects", "rename", "dev", "staging"], { cwd: dir })).stdout).toBe('Renamed project "dev" to "staging".\n');
    expect(JSON.parse((await runCli(["projects", "list", "--json"], { cwd: dir })).stdout)).toEqual([
      { name: "prod", instanceCount: 0, hubCount: 0 },
      { name: "staging", instanceCount: 0, hubCount: 0 },
    ]);
  });

  it("needs the new project's password and keeps the password of a secrets file left behind", async () => {
    const dir = await cliWorkspace();
    const noPassword = await runCli(["projects", "create", "prod"], { cwd: dir });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain("HIGHSTATE_PASSWORD");
    expect(existsSync(join(dir, "projects", "prod.json"))).toBe(false);
    expect((await runCli(["projects", "create", "prod"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "project password 1" } })).code).toBe(0);
    const secretsFile = await readFile(join(dir, "Pulumi.prod.yaml"), "utf8");
    await rm(join(dir, "projects", "prod.json"));
    const wrong = await runCli(["projects", "create", "prod"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "another password" } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password/i);
    expect(existsSync(join(dir, "projects", "prod.json"))).toBe(false);
    expect(await readFile(join(dir, "Pulumi.prod.yaml"), "utf8")).toBe(secretsFile);
    expect((await runCli(["projects", "create", "prod"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "project password 1" } })).code).toBe(0);
    expect(await readFile(join(dir, "Pulumi.prod.yaml"), "utf8")).toBe(secretsFile);
  });

  it("reports bad names, taken names, missing projects and unreadable files", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    const bad = await runCli(["projects", "create", "Prod"], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'Error: "Prod" is not a valid project name: use lower-case letters, digits and dashes, starting with a letter (at most 63 characters).\n',
    ]);
    const taken = await runCli(["projects", "create", "prod"], { cwd: dir });
    expect([taken.code, taken.stderr]).toEqual([
      2,
      `Error: Project "prod" already exists ("${join(dir, "projects", "prod.json")}"); choose another name.\n`,
    ]);
    const missing = await runCli(["projects", "rename", "nope", "other"], { cwd: dir });
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `Error: Project "nope" does not exist (no "${join(dir, "projects", "nope.json")}"); create it first or check the name.\n`,
    ]);
    await writeFile(join(dir, "projects", "broken.json"), "{ not json");
    const list = await runCli(["projects", "list"], { cwd: dir });
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(
      /^broken {2}unreadable: Cannot read ".*broken\.json" \(line 1, column 3\): .*\nprod {4}0 instances, 0 hubs\n$/,
    );
  });

  it("needs a workspace", async () => {
    const dir = await testdir();
    expect(await runCli(["projects", "list"], { cwd: dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: `Error: No Highstate workspace in "${dir}" or above it; run \`highstate init\` to create one there, or pass --cwd <workspace>\n`,
    });
  });

  it("refuses to write while another process holds the workspace lock", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    onTestFinished(() => {
      holder.kill();
    });
    const lock = {
      pid: holder.pid,
      command: "highstate designer",
      hostname: hostname(),
      since: "2026-01-01T00:00:00.000Z",
      token: "t0k3n",
    };
    await writeFile(join(dir, ".highstate", "workspace.lock"), JSON.stringify(lock)).catch(async () => {
      const { mkdir } = await import("node:fs/promises");
      await mkdir(join(dir, ".highstate"));
      await writeFile(join(dir, ".highstate", "workspace.lock"), JSON.stringify(lock));
    });
    const run = await runCli(["projects", "create", "dev"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "project password 1" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Error: The workspace "${dir}" is in use by process ${holder.pid} ("highstate designer") on host "${hostname()}" since 2026-01-01T00:00:00.000Z. Wait for it to finish or stop it; if that process no longer runs, delete "${join(dir, ".highstate", "workspace.lock")}". To wait for it instead, run the command again with --wait <duration> (e.g. --wait 5m).\n`,
    );
    // Read-only commands do not need the lock.
    expect((await runCli(["projects", "list"], { cwd: dir })).code).toBe(0);
    expect((await runCli(["plan", "--project", "prod"], { cwd: dir })).code).toBe(0);
    expect((await runCli(["instances", "list", "--project", "prod"], { cwd: dir })).code).toBe(0);
    expect((await runCli(["doctor"], { cwd: dir })).stderr).not.toContain("in use by process");

    // --wait gives up after its time, naming the holder; without a terminal the countdown is a plain line.
    const waited = await runCli(["projects", "create", "dev", "--wait", "1s"], {
      cwd: dir,
      env: { HIGHSTATE_PASSWORD: "project password 1" },
    });
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain(`Waiting for the workspace, in use by process ${holder.pid} ("highstate designer"): giving up in 1s`);
    expect(waited.stderr).toContain(
      `Error: Gave up after waiting 1s for the workspace: it is still in use by process ${holder.pid} ("highstate designer")`,
    );
    expect(existsSync(join(dir, "projects", "dev.json"))).toBe(false);
  });

  it("waits for the workspace with --wait and goes on once the holder is gone", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    const lock = await acquireWorkspaceLock(dir, { command: "highstate designer" });
    let stderr = "";
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      stdin: Readable.from([]) as CliIo["stdin"],
      env: { HIGHSTATE_PASSWORD: "project password 1" },
      cwd: dir,
    };
    const run = main(["projects", "create", "dev", "--wait", "10m"], io);
    // Released only once the command has said that it waits.
    await expect
      .poll(() => stderr)
      .toContain(`Waiting for the workspace, in use by process ${process.pid} ("highstate designer"): giving up in 10m 00s`);
    expect(existsSync(join(dir, "projects", "dev.json"))).toBe(false);
    await lock.release();
    expect(await run).toBe(0);
    expect(stderr).toContain("The workspace is free; going on.");
    expect(existsSync(join(dir, "projects", "dev.json"))).toBe(true);
  });

  it("rejects a --wait that is not a duration", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    const run = await runCli(["projects", "create", "dev", "--wait", "soon"], {
      cwd: dir,
      env: { HIGHSTATE_PASSWORD: "project password 1" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--wait takes a duration like 90s, 5m or 1h, not "soon"');
  });
});

describe("instances", () => {
  it("adds instances with args and inputs, lists, renames and removes them", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    expect(await runCli(["instances", "add", "acme.machine.v1", "web", "--arg", "size=3"], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'Added "acme.machine.v1:web".\n',
      stderr: "",
    });
    const app = await runCli(["instances", "add", "acme.app.v1", "shop", "--args", '{"replicas":2}', "--input", "server=web.server"], {
      cwd: dir,
    });
    expect(app.code).toBe(0);
    let project = await readProject(dir, "prod");
    // The project file keeps instances sorted by id.
    expect(project.instances.map((instance) => [instance.id, instance.args, instance.inputs ?? {}])).toEqual([
      ["acme.app.v1:shop", { replicas: 2 }, { server: [{ instanceId: "acme.machine.v1:web", output: "server" }] }],
      ["acme.machine.v1:web", { size: 3 }, {}],
    ]);

    const list = await runCli(["instances", "list"], { cwd: dir });
    expect(list.stdout).toBe("acme.app.v1:shop     not created             App\nacme.machine.v1:web  not created             Machine\n");

    expect((await runCli(["instances", "rename", "web", "db"], { cwd: dir })).stdout).toBe(
      'Renamed "acme.machine.v1:web" to "acme.machine.v1:db".\n',
    );
    project = await readProject(dir, "prod");
    expect(project.instances[0]!.inputs).toEqual({ server: [{ instanceId: "acme.machine.v1:db", output: "server" }] });

    expect((await runCli(["instances", "remove", "acme.machine.v1:db"], { cwd: dir })).stdout).toBe('Removed "acme.machine.v1:db".\n');
    project = await readProject(dir, "prod");
    expect(project.instances.map((instance) => [instance.id, instance.inputs ?? {}])).toEqual([["acme.app.v1:shop", {}]]);
    expect(JSON.parse((await runCli(["instances", "list", "--json"], { cwd: dir })).stdout)).toEqual([
      {
        kind: "instance",
        id: "acme.app.v1:shop",
        type: "acme.app.v1",
        name: "shop",
        uid: project.instances[0]!.uid,
        title: "App",
        state: "not-created",
        resourceCount: 0,
      },
    ]);
  });

  it("lists the project's hubs with what they bundle, as JSON too", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    expect((await runCli(["instances", "add", "acme.machine.v1", "web"], { cwd: dir })).code).toBe(0);
    const file = join(dir, "projects", "prod.json");
    const project = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown> & { hubs?: unknown[] };
    project.hubs = [
      { id: "hub:base", inputs: [], injectionInputs: [], position: { x: 0, y: 0 } },
      {
        id: "hub:edge",
        title: "Edge servers",
        inputs: [{ instanceId: "acme.machine.v1:web", output: "server" }],
        injectionInputs: ["hub:base"],
        position: { x: 0, y: 0 },
      },
    ];
    await writeFile(file, JSON.stringify(project, null, 2));
    expect((await runCli(["instances", "add", "acme.app.v1", "shop", "--inject", "hub:edge"], { cwd: dir })).code).toBe(0);

    const list = await runCli(["instances", "list"], { cwd: dir });
    expect(list.stdout).toBe(
      [
        "acme.app.v1:shop     not created             App",
        "acme.machine.v1:web  not created             Machine",
        "hub:base             hub, 0 outputs",
        "hub:edge             hub, 1 output, 1 hub    Edge servers",
        "",
      ].join("\n"),
    );
    const rows = JSON.parse((await runCli(["instances", "list", "--json"], { cwd: dir })).stdout) as Array<{ kind: string; id: string }>;
    expect(rows.map((row) => [row.kind, row.id])).toEqual([
      ["instance", "acme.app.v1:shop"],
      ["instance", "acme.machine.v1:web"],
      ["hub", "hub:base"],
      ["hub", "hub:edge"],
    ]);
    expect(rows[3]).toEqual({
      kind: "hub",
      id: "hub:edge",
      title: "Edge servers",
      outputs: [{ instanceId: "acme.machine.v1:web", output: "server" }],
      injectedHubs: ["hub:base"],
      usedBy: ["acme.app.v1:shop"],
    });
    expect(rows[2]).toMatchObject({ title: null, outputs: [], injectedHubs: [], usedBy: [] });
  });

  it("lists a project that has only hubs", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    const file = join(dir, "projects", "prod.json");
    const project = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(
      file,
      JSON.stringify({ ...project, hubs: [{ id: "hub:lonely", inputs: [], injectionInputs: [], position: { x: 0, y: 0 } }] }),
    );
    expect((await runCli(["instances", "list"], { cwd: dir })).stdout).toBe("hub:lonely  hub, 0 outputs\n");
  });

  it("reports invalid args, unknown components, bad inputs and unknown instances", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    const badArg = await runCli(["instances", "add", "acme.machine.v1", "web", "--arg", "size=0"], { cwd: dir });
    expect(badArg.code).toBe(2);
    expect(badArg.stderr).toMatch(/^Error: .*"acme\.machine\.v1:web".*size.*\n$/);
    const unknownArg = await runCli(["instances", "add", "acme.machine.v1", "web", "--arg", "colour=red"], { cwd: dir });
    expect(unknownArg.stderr).toContain('unknown arg "colour"');
    const unknownType = await runCli(["instances", "add", "acme.nope.v1", "x"], { cwd: dir });
    expect([unknownType.code, unknownType.stderr]).toEqual([
      2,
      'Error: Component "acme.nope.v1" is not installed: add the package that provides it to the workspace (npm install <package>) and start again\n',
    ]);
    const badInput = await runCli(["instances", "add", "acme.app.v1", "shop", "--input", "server"], { cwd: dir });
    expect([badInput.code, badInput.stderr]).toEqual([
      2,
      'Error: --input expects <input>=<instance>.<output> or <input>=hub:<name>, got "server"\n',
    ]);
    const missingSource = await runCli(["instances", "add", "acme.app.v1", "shop", "--input", "server=ghost.server"], { cwd: dir });
    expect([missingSource.code, missingSource.stderr]).toEqual([
      2,
      'Error: Project "prod" has no instance "ghost"; `highstate instances list` shows them\n',
    ]);
    expect((await readProject(dir, "prod")).instances).toEqual([]);
    const rename = await runCli(["instances", "rename", "ghost", "spirit"], { cwd: dir });
    expect([rename.code, rename.stderr]).toEqual([
      2,
      'Error: Project "prod" has no instance "ghost"; `highstate instances list` shows them\n',
    ]);
  });

  it("refuses to remove an instance whose stack has resources unless forced", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    await runCli(["instances", "add", "acme.machine.v1", "web"], { cwd: dir });
    const { uid } = (await readProject(dir, "prod")).instances[0]!;
    const now = new Date().toISOString();
    await new InstanceStateStore(dir, "prod").record(uid, {
      instanceId: "acme.machine.v1:web",
      operation: "up",
      result: "succeeded",
      startedAt: now,
      finishedAt: now,
      resourceCount: 4,
    });
    const refused = await runCli(["instances", "remove", "web"], { cwd: dir });
    expect([refused.code, refused.stderr]).toEqual([
      1,
      'Error: Instance "acme.machine.v1:web" still has 4 resources; destroy it first, or pass --force to abandon them\n',
    ]);
    expect((await runCli(["instances", "list"], { cwd: dir })).stdout).toContain("created (4 resources)");
    const forced = await runCli(["instances", "remove", "web", "--force"], { cwd: dir });
    expect(forced).toEqual({
      code: 0,
      stdout: 'Removed "acme.machine.v1:web".\n',
      stderr: "Its resources were abandoned; its Pulumi stack is still in the state backend.\n",
    });
    expect(await new InstanceStateStore(dir, "prod").get(uid)).toBeUndefined();
  });

  it("asks which project when there are several", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    await runCli(["projects", "create", "dev"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "project password 1" } });
    const run = await runCli(["instances", "list"], { cwd: dir });
    expect([run.code, run.stderr]).toEqual([
      2,
      'Error: The workspace has several projects ("dev", "prod"); choose one with --project <name> or HIGHSTATE_PROJECT\n',
    ]);
    expect((await runCli(["instances", "list", "-p", "dev"], { cwd: dir })).code).toBe(0);
    expect((await runCli(["instances", "list"], { cwd: dir, env: { HIGHSTATE_PROJECT: "dev" } })).stdout).toContain(
      'Project "dev" has no instances',
    );
  });
});
