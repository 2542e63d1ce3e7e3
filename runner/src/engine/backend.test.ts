import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnreadableFileError } from "../fs/index.js";
import { testdir } from "../test-utils/testdir.js";
import { AutomationEngine } from "./automation-engine.js";
import { resolveBackendUrl } from "./backend.js";
import { createEngine, UnknownEngineError } from "./create-engine.js";
import { FakeEngine } from "./fake-engine.js";
import { Orchestrator } from "./orchestrator.js";

describe("resolveBackendUrl", () => {
  it("defaults to the file backend under .highstate/state", async () => {
    const root = await testdir({ "Pulumi.yaml": "name: ws\nruntime: nodejs\n" });
    expect(await resolveBackendUrl(root, {})).toBe(`file://${join(root, ".highstate", "state")}`);
  });

  it("takes backend.url from the workspace's Pulumi.yaml, and HIGHSTATE_BACKEND_URL over it", async () => {
    const root = await testdir({ "Pulumi.yaml": "name: ws\nruntime: nodejs\nbackend:\n  url: s3://team-state/highstate\n" });
    expect(await resolveBackendUrl(root, {})).toBe("s3://team-state/highstate");
    expect(await resolveBackendUrl(root, { HIGHSTATE_BACKEND_URL: "file://shared/state" })).toBe(`file://${join(root, "shared/state")}`);
    expect(await resolveBackendUrl(root, { HIGHSTATE_BACKEND_URL: "file:///abs/state" })).toBe("file:///abs/state");
  });

  it("names the file when Pulumi.yaml is broken", async () => {
    const root = await testdir({ "Pulumi.yaml": "backend:\n  url: 42\n" });
    await expect(resolveBackendUrl(root, {})).rejects.toBeInstanceOf(UnreadableFileError);
  });
});

describe("createEngine", () => {
  it("selects the fake engine with HIGHSTATE_ENGINE=fake, configured from the environment", async () => {
    const engine = createEngine({ HIGHSTATE_ENGINE: "fake", HIGHSTATE_FAKE_ENGINE_DELAY_MS: "0", HIGHSTATE_FAKE_ENGINE_FAIL: "a.b.v1:x" });
    expect(engine).toBeInstanceOf(FakeEngine);
    expect(createEngine({})).toBeInstanceOf(AutomationEngine);
    expect(() => createEngine({ HIGHSTATE_ENGINE: "terraform" })).toThrow(UnknownEngineError);
    const root = await testdir();
    const orchestrator = await Orchestrator.forWorkspace(root, { env: { HIGHSTATE_ENGINE: "fake" }, parallelism: 3 });
    expect(orchestrator.engine.name).toBe("fake");
    expect(orchestrator.parallelism).toBe(3);
    expect(orchestrator.backendUrl).toBe(`file://${join(root, ".highstate", "state")}`);
  });
});
