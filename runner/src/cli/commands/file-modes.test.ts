import { chmod, stat } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureContractBuilt } from "../../registry/__fixtures__/plugin-workspace.js";
import { cliWorkspace, runCli } from "../__fixtures__/cli-harness.js";

beforeAll(() => ensureContractBuilt(), 120_000);

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe("file modes", () => {
  it("creates Pulumi.<project>.yaml 0600, keeps a mode the user chose, and keeps .highstate private", async () => {
    const dir = await cliWorkspace({ project: "prod" });
    expect((await runCli(["instances", "add", "acme.machine.v1", "web"], { cwd: dir })).code).toBe(0);
    const env = { HIGHSTATE_PASSWORD: "correct horse" };
    const file = join(dir, "Pulumi.prod.yaml");
    expect((await runCli(["secrets", "set", "web", "token"], { cwd: dir, env, stdin: "one" })).code).toBe(0);
    expect(await mode(file)).toBe(0o600);
    await chmod(file, 0o640);
    expect((await runCli(["secrets", "set", "web", "token"], { cwd: dir, env, stdin: "two" })).code).toBe(0);
    expect(await mode(file)).toBe(0o640);
    await chmod(file, 0o600);
    expect((await runCli(["secrets", "set", "web", "token"], { cwd: dir, env, stdin: "three" })).code).toBe(0);
    expect(await mode(file)).toBe(0o600);
    // The workspace lock and the registry cache live in .highstate, which only the user may enter.
    expect(await mode(join(dir, ".highstate"))).toBe(0o700);
  });
});
