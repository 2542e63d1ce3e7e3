/**
 * The sentinel test: a full run (orchestrator → Automation API → fake pulumi CLI) with a secret
 * `S3NT1NEL-<random>` flowing through instance secrets, a secret output, a downstream secret input,
 * generated `$secrets`, the stack yaml, the state backend, the instance state and logs — and then a
 * search of every byte under the workspace (`.highstate/` included) and of everything the CLI saw
 * (argv, env, files) finds it nowhere in plaintext.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { installFakePulumi } from "./__fixtures__/fake-pulumi-cli.js";
import { chainProject, K, M, testContext } from "./__fixtures__/test-project.js";
import { writeUnitWorkspace } from "./__fixtures__/unit-workspace.js";
import { AutomationEngine } from "./automation-engine.js";
import type { OrchestratorEvent } from "./event-hub.js";
import { Orchestrator } from "./orchestrator.js";

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe("secrets never appear in plaintext", () => {
  it("finds the sentinel nowhere after a full run, except where it is expected encrypted", async () => {
    const root = await testdir();
    const workspace = join(root, "ws");
    await writeUnitWorkspace(workspace);
    const fake = await installFakePulumi(root);
    const engine = new AutomationEngine({ cli: { path: fake.binDir, homeDir: join(root, "home") } });
    const orchestrator = new Orchestrator({ workspaceRoot: workspace, engine, parallelism: 2 });
    const events: OrchestratorEvent[] = [];
    orchestrator.subscribe((event) => events.push(event));

    const sentinel = `S3NT1NEL-${randomBytes(12).toString("hex")}`;
    const project = chainProject();
    project.instances[0]!.args = { fakeSecretOutput: "server" };
    const context = await testContext(workspace, project);
    await context.secrets.set(M("m1"), "password", sentinel);

    const up = await orchestrator.run(context, { type: "up", instanceIds: [K("k1")], includeDependencies: true });
    expect(up.state).toBe("completed");
    // The secret really flowed: m1's secret output reached k1 as a secret input, and back out as k1's secret output.
    const store = orchestrator.stateStore("demo");
    const k1State = (await store.get(project.instances[1]!.uid))!;
    const k1Outputs = store.outputs(k1State, context.secrets.crypter);
    expect(k1Outputs.secretEcho).toEqual({
      value: { secrets: {}, secretInputs: { server: [{ instanceId: M("m1"), output: "server", value: { host: sentinel } }] } },
      secret: true,
    });
    // A generated secret was merged into Pulumi.demo.yaml.
    const generated = context.secrets.get(M("m1"), "generated");
    expect(generated).toMatch(/^generated-[0-9a-f]{12}$/);

    const preview = await orchestrator.run(context, { type: "preview", instanceIds: [M("m1")] });
    expect(preview.state).toBe("completed");
    const destroy = await orchestrator.run(context, { type: "destroy", instanceIds: [M("m1")], cascade: true });
    expect(destroy.state).toBe("completed");

    const needles = [sentinel, generated!];
    const files = await filesUnder(workspace);
    expect(files.some((file) => file.includes(".highstate/state/.pulumi/stacks"))).toBe(true);
    expect(files.some((file) => file.includes(".highstate/instances"))).toBe(true);
    expect(files.some((file) => file.includes(".highstate/logs"))).toBe(true);
    expect(files.some((file) => file.endsWith("Pulumi.demo.yaml"))).toBe(true);
    for (const file of files) {
      const content = await readFile(file);
      for (const needle of needles) {
        if (content.includes(needle)) throw new Error(`"${file}" contains a secret in plaintext`);
      }
    }

    // Everything the CLI was given: argv, the whole environment but the passphrase, the files it saw.
    const records = await fake.records();
    expect(records.length).toBeGreaterThan(10);
    for (const record of records) {
      const { PULUMI_CONFIG_PASSPHRASE: passphrase, ...env } = record.env;
      if (record.argv[0] !== "version") expect(passphrase).toBe(context.password);
      const seen = JSON.stringify({ argv: record.argv, env, files: record.files });
      for (const needle of needles) expect(seen).not.toContain(needle);
    }
    const everything = JSON.stringify(events);
    for (const needle of needles) expect(everything).not.toContain(needle);
  });
});
