/**
 * Runs a unit with the real `pulumi` CLI when one is installed; skipped with a printed reason otherwise
 * (the CLI cannot be installed on every machine that runs the tests).
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPassphraseCrypter } from "../secrets/index.js";
import { testdir } from "../test-utils/testdir.js";
import { AutomationEngine } from "./automation-engine.js";
import { checkPulumiCli } from "./pulumi-cli.js";
import type { EngineEvent, UnitRunRequest } from "./types.js";
import { defaultBackendUrl } from "./unit-workdir.js";

const check = await checkPulumiCli();
if (!check.ok) console.log(`Skipping the real Pulumi CLI tests: ${check.problem}`);

describe.skipIf(!check.ok)("AutomationEngine with the real pulumi CLI", () => {
  it("runs up, reads secret config and outputs, and destroys on the file backend", async () => {
    const workspace = await testdir({
      "package.json": JSON.stringify({ name: "real-ws", private: true }),
      "node_modules/@highstate/pulumi/package.json": JSON.stringify({
        name: "@highstate/pulumi",
        type: "module",
        exports: { ".": "./index.js" },
      }),
      "node_modules/@highstate/pulumi/index.js":
        'import * as pulumi from "@pulumi/pulumi";\n' +
        'export async function runUnit(unit) { const config = new pulumi.Config("highstate"); return { ...(await unit.run()), secrets: config.requireSecret("secrets"), args: config.require("args") }; }\n',
      "node_modules/@acme/units/package.json": JSON.stringify({
        name: "@acme/units",
        type: "module",
        exports: { "./thing": "./thing.js" },
      }),
      "node_modules/@acme/units/thing.js": "export default { run: async () => ({ hello: 'world' }) };\n",
    });
    // The program and the language host need @pulumi/pulumi (and its dependencies) from the workspace.
    const sdkDir = dirname(createRequire(import.meta.url).resolve("@pulumi/pulumi/package.json"));
    await mkdir(join(workspace, "node_modules/@pulumi"), { recursive: true });
    await symlink(sdkDir, join(workspace, "node_modules/@pulumi/pulumi"), "dir");
    await writeFile(join(workspace, ".gitignore"), ".highstate\n");

    const password = "real cli test password";
    const crypter = await createPassphraseCrypter(password);
    const events: EngineEvent[] = [];
    const base: Omit<UnitRunRequest, "operation"> = {
      workspaceRoot: workspace,
      project: "real",
      instance: { project: "real", id: "acme.thing.v1:one", type: "acme.thing.v1", name: "one", uid: "realcli01" },
      component: { type: "acme.thing.v1", source: { package: "@acme/units", path: "thing" }, outputs: [] },
      args: { size: 1 },
      inputs: {},
      secretInputs: {},
      secrets: { token: "real-secret-value" },
      invokedTriggers: [],
      password,
      encrypter: crypter,
      backendUrl: defaultBackendUrl(workspace),
      onEvent: (event) => events.push(event),
      signal: new AbortController().signal,
      forceSignal: new AbortController().signal,
    };
    const engine = new AutomationEngine({ pulumiHome: join(workspace, ".pulumi-home") });
    const up = await engine.runOperation({ ...base, operation: "up" });
    expect(up.outputs?.hello).toEqual({ value: "world", secret: false });
    expect(up.outputs?.secrets).toEqual({ value: JSON.stringify({ token: "real-secret-value" }), secret: true });
    expect(events.some((event) => event.type === "summary")).toBe(true);
    const destroyed = await engine.runOperation({ ...base, operation: "destroy" });
    expect(destroyed.resourceCount).toBe(0);
  }, 180_000);
});
