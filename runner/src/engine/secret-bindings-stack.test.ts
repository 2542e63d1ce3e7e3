/**
 * Bindings live only in the project's `Pulumi.<project>.yaml`: the stack config a unit's Pulumi run
 * sees is built from the decrypted values and keeps exactly the keys of the unit config contract.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeUnitConfig } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createPassphraseCrypter } from "../secrets/index.js";
import { testdir } from "../test-utils/testdir.js";
import { installFakePulumi } from "./__fixtures__/fake-pulumi-cli.js";
import { chainProject, M, testContext } from "./__fixtures__/test-project.js";
import { writeUnitWorkspace } from "./__fixtures__/unit-workspace.js";
import { AutomationEngine } from "./automation-engine.js";
import { Orchestrator } from "./orchestrator.js";

describe("secret bindings and the stack config Pulumi sees", () => {
  it("a bound project runs with the same stack config keys as before, secure values Pulumi's algorithm decrypts", async () => {
    const root = await testdir();
    const workspace = join(root, "ws");
    await writeUnitWorkspace(workspace);
    const fake = await installFakePulumi(root);
    const orchestrator = new Orchestrator({
      workspaceRoot: workspace,
      engine: new AutomationEngine({ cli: { path: fake.binDir, homeDir: join(root, "home") } }),
    });
    const project = chainProject();
    const context = await testContext(workspace, project);
    await context.secrets.set(M("m1"), "password", "the machine password");
    const projectFile = parse(await readFile(join(workspace, "Pulumi.demo.yaml"), "utf8")) as { config: Record<string, unknown> };
    expect(Object.keys(projectFile.config)).toContain("highstate:secretBindings");

    const up = await orchestrator.run(context, { type: "up", instanceIds: [M("m1")] });
    expect(up.state).toBe("completed");

    const stackFiles = (await fake.records())
      .flatMap((record) => Object.entries(record.files))
      .filter(([name]) => /^Pulumi\..+\.yaml$/.test(name) && name !== "Pulumi.yaml");
    expect(stackFiles.length).toBeGreaterThan(0);
    const contractKeys = Object.keys(
      encodeUnitConfig({
        instance: { project: "demo", id: "x", type: "x", name: "x", uid: "x" },
        args: {},
        inputs: {},
        secretInputs: {},
        secrets: {},
      }).values,
    ).sort();
    for (const [, text] of stackFiles) {
      const stack = parse(text) as { encryptionsalt: string; config: Record<string, string | { secure: string }> };
      expect(Object.keys(stack.config).sort()).toEqual(contractKeys);
      expect(text).not.toContain("secretBindings");
      expect(text).not.toContain("hmac-sha256:");
      const crypter = await createPassphraseCrypter(context.password, stack.encryptionsalt);
      const secrets = JSON.parse(crypter.decrypt((stack.config["highstate:secrets"] as { secure: string }).secure)) as Record<
        string,
        unknown
      >;
      expect(secrets.password).toBe("the machine password");
    }
  });
});
