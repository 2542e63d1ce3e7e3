import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureContractBuilt } from "../../registry/__fixtures__/plugin-workspace.js";
import { cliWorkspace, runCli } from "../__fixtures__/cli-harness.js";

beforeAll(() => ensureContractBuilt(), 120_000);

/** A workspace with project "prod" holding five machines. */
async function fiveMachines(): Promise<{ dir: string; file: string; text: string }> {
  const dir = await cliWorkspace({ project: "prod" });
  for (const name of ["a", "b", "c", "d", "e"])
    expect((await runCli(["instances", "add", "acme.machine.v1", name], { cwd: dir })).code).toBe(0);
  const file = join(dir, "projects", "prod.json");
  return { dir, file, text: await readFile(file, "utf8") };
}

/** Every command that reads the project refuses it naming file, line and column, and nothing rewrites it. */
async function expectRefusedEverywhere(
  dir: string,
  file: string,
  damaged: string | Uint8Array,
  problem: RegExp,
  at: string,
): Promise<void> {
  await writeFile(file, damaged);
  const before = await readFile(file);
  for (const argv of [
    ["instances", "list"],
    ["plan"],
    ["instances", "add", "acme.machine.v1", "f"],
    ["instances", "remove", "a"],
    ["instances", "rename", "a", "z"],
  ]) {
    const run = await runCli(argv, { cwd: dir });
    expect(run.code, `${argv.join(" ")}: ${run.stdout}${run.stderr}`).toBe(1);
    expect(run.stderr).toContain(`Cannot read "${file}" (${at})`);
    expect(run.stderr).toMatch(problem);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }
  const doctor = await runCli(["doctor", "--json"], { cwd: dir });
  const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: Array<{ name: string; status: string; message: string }> };
  expect(report.ok).toBe(false);
  const check = report.checks.find((entry) => entry.name === join("projects", "prod.json"));
  expect(check).toMatchObject({ status: "error", message: expect.stringMatching(problem) });
  expect(report.checks.find((entry) => entry.name === "files")?.status).toBe("error");
  expect(Buffer.compare(await readFile(file), before)).toBe(0);
}

describe("damaged project files", () => {
  it('refuses a duplicate "instances" key instead of reading the last one (an empty project) and overwriting five instances', async () => {
    const { dir, file, text } = await fiveMachines();
    const damaged = text.replace(/\n}\n$/, ',\n  "instances": []\n}\n');
    const line = damaged.split("\n").indexOf('  "instances": []') + 1;
    await expectRefusedEverywhere(
      dir,
      file,
      damaged,
      /the key "instances" appears twice.*remove or rename one of them/,
      `line ${line}, column 3`,
    );
  });

  it("refuses a duplicate key inside an instance", async () => {
    const { dir, file, text } = await fiveMachines();
    const damaged = text.replace('"name": "c",', '"name": "c",\n      "name": "c2",');
    const line = damaged.split("\n").findIndex((row) => row.includes('"name": "c2"')) + 1;
    await expectRefusedEverywhere(dir, file, damaged, /the key "name" appears twice/, `line ${line}, column 7`);
  });

  it("refuses bytes that are not UTF-8 instead of turning them into U+FFFD", async () => {
    const { dir, file, text } = await fiveMachines();
    const [head, tail] = text.split('"name": "d"') as [string, string];
    const damaged = Buffer.concat([Buffer.from(`${head}"name": "d`), Buffer.from([0xc3, 0x28]), Buffer.from(`"${tail}`)]);
    const line = head.split("\n").length;
    await expectRefusedEverywhere(dir, file, damaged, /not valid UTF-8 \(the byte 0xc3/, `line ${line}, column 17`);
  });

  it("refuses an escaped lone surrogate", async () => {
    const { dir, file, text } = await fiveMachines();
    const damaged = text.replace('"name": "d"', '"name": "d\\udead"');
    const line = damaged.split("\n").findIndex((row) => row.includes("udead")) + 1;
    await expectRefusedEverywhere(dir, file, damaged, /lone surrogate/, `line ${line}, column 17`);
  });

  it("refuses 5,000-deep nesting with the file and place, without a stack overflow", async () => {
    const { dir, file, text } = await fiveMachines();
    const damaged = text.replace('"name": "e",', `"args": { "deep": ${"[".repeat(5000)}${"]".repeat(5000)} },\n      "name": "e",`);
    const rows = damaged.split("\n");
    const line = rows.findIndex((row) => row.includes('"deep"')) + 1;
    // The project, "instances", the instance and "args" are 4 levels: the 125th bracket is one too many.
    const column = rows[line - 1]!.indexOf("[") + 125;
    await expectRefusedEverywhere(dir, file, damaged, /nested more than 128 levels/, `line ${line}, column ${column}`);
  });
});

describe("Pulumi.<project>.yaml", () => {
  it("refuses an empty file instead of choosing a new salt and password", async () => {
    const { dir } = await fiveMachines();
    const file = join(dir, "Pulumi.prod.yaml");
    await writeFile(file, "");
    const set = await runCli(["secrets", "set", "a", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "new" }, stdin: "v" });
    expect(set.code).toBe(1);
    expect(set.stderr).toContain(`Cannot read "${file}": the file is empty (was it truncated?)`);
    expect(await readFile(file, "utf8")).toBe("");
  });

  it("does not delete a secret when the password is wrong", async () => {
    const { dir } = await fiveMachines();
    const file = join(dir, "Pulumi.prod.yaml");
    expect((await runCli(["secrets", "set", "a", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "right" }, stdin: "v" })).code).toBe(0);
    const before = await readFile(file, "utf8");
    const wrong = await runCli(["secrets", "delete", "a", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "wrong" } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password/i);
    expect(await readFile(file, "utf8")).toBe(before);
    const right = await runCli(["secrets", "delete", "a", "token"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "right" } });
    expect(right.code).toBe(0);
    expect(await readFile(file, "utf8")).not.toContain("token");
  });
});

describe("doctor and the workspace lock", () => {
  it("reports temp files left by processes killed while taking the lock, and a lock that is a folder", async () => {
    const { dir } = await fiveMachines();
    await mkdir(join(dir, ".highstate"), { recursive: true });
    await writeFile(join(dir, ".highstate", "workspace.lock.999999993.a1b2c3d4e5f6.tmp"), "{}");
    const report = JSON.parse((await runCli(["doctor", "--json"], { cwd: dir })).stdout) as {
      checks: Array<{ name: string; status: string; message: string }>;
    };
    expect(report.checks.filter((check) => check.name === "lock").map((check) => check.message)).toContainEqual(
      expect.stringContaining(
        '1 temp file left by processes killed while taking the lock (".highstate/workspace.lock.999999993.a1b2c3d4e5f6.tmp")',
      ),
    );
    // The next command that takes the lock removes it.
    expect((await runCli(["instances", "add", "acme.machine.v1", "f"], { cwd: dir })).code).toBe(0);
    await expect(readFile(join(dir, ".highstate", "workspace.lock.999999993.a1b2c3d4e5f6.tmp"))).rejects.toThrow();
    await mkdir(join(dir, ".highstate", "workspace.lock"));
    const broken = JSON.parse((await runCli(["doctor", "--json"], { cwd: dir })).stdout) as {
      ok: boolean;
      checks: Array<{ name: string; status: string; message: string }>;
    };
    expect(broken.ok).toBe(false);
    expect(broken.checks.find((check) => check.name === "lock")).toMatchObject({
      status: "error",
      message: expect.stringContaining("is a folder, not a lock file"),
    });
    const add = await runCli(["instances", "add", "acme.machine.v1", "g"], { cwd: dir });
    expect(add.code).toBe(1);
    expect(add.stderr).toContain("is a folder, not a lock file");
  });
});
