import { describe, expect, it } from "vitest";
import { InvalidProjectNameError } from "./errors.js";
import { workspacePaths } from "./paths.js";

describe("workspacePaths", () => {
  it("lays out the committable files and the local .highstate directory", () => {
    const paths = workspacePaths("/ws/infra/");
    expect(paths.root).toBe("/ws/infra");
    expect(paths.projectFile("prod")).toBe("/ws/infra/projects/prod.json");
    expect(paths.projectSecretsFile("prod")).toBe("/ws/infra/Pulumi.prod.yaml");
    expect(paths.pulumiYaml).toBe("/ws/infra/Pulumi.yaml");
    expect(paths.stateBackendUrl).toBe("file:///ws/infra/.highstate/state");
    expect(paths.unitWorkDir("prod", "abcdef123456")).toBe("/ws/infra/.highstate/units/prod/abcdef123456");
    expect(paths.instanceStateFile("prod", "abcdef123456")).toBe("/ws/infra/.highstate/instances/prod/abcdef123456.json");
    expect(paths.instanceLogsDir("prod", "abcdef123456")).toBe("/ws/infra/.highstate/logs/prod/abcdef123456");
    expect(paths.lockFile).toBe("/ws/infra/.highstate/workspace.lock");
  });

  it("refuses names that could escape the workspace", () => {
    const paths = workspacePaths("/ws");
    for (const name of ["../x", "Prod", "a/b", "", "x.json"]) expect(() => paths.projectFile(name)).toThrow(InvalidProjectNameError);
    expect(() => paths.unitWorkDir("prod", "../../etc")).toThrow(/not a valid instance uid/);
  });
});
