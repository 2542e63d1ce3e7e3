/**
 * A third party's path, end to end: `highstate create-package` writes a package outside the
 * repository; it builds, its tests pass and it packs; a fresh workspace gets it from its tarball next
 * to the packed `@highstate/contract` and `@highstate/pulumi`, and the runner discovers it
 * (`registry --json`) and plans an instance of its component (`plan`).
 *
 * To keep the run short and offline, the scaffolded package's development dependencies (tsup,
 * vitest, typescript, @pulumi/pulumi, zod) come from this repository's node_modules through a link,
 * and tarballs are unpacked into the workspace's node_modules the way npm lays them out; the runner
 * is this repository's build, linked.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "./workspace-packages.js";

const exec = promisify(execFile);
const cli = join(repositoryRoot, "runner/bin/highstate.js");
const packageName = "@acme/highstate-greetings";

let scratch: string;

type Env = Record<string, string | undefined>;

/** `process.env` with `env` laid over it; a key set to `undefined` is removed. */
function environment(env: Env): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  return merged;
}

/** The variables std-env (Vitest's CI detection) reads, so a run can be made to look local. */
const ciVariables = Object.keys(process.env).filter((key) =>
  /^(CI|CONTINUOUS_INTEGRATION|BUILD_ID|BUILD_NUMBER|RUN_ID|GITHUB_ACTIONS|GITLAB_CI|BUILDKITE|CIRCLECI|TRAVIS|JENKINS_URL|TF_BUILD|TEAMCITY_VERSION|DRONE|APPVEYOR|BITBUCKET_COMMIT|CODEBUILD_BUILD_ARN|WOODPECKER)$|^CI_/.test(
    key,
  ),
);
const asLocal: Env = Object.fromEntries(ciVariables.map((key) => [key, undefined]));

async function run(command: string, args: string[], cwd: string, env: Env = {}) {
  try {
    const result = await exec(command, args, { cwd, env: environment(env), maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
    return { code: 0, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return {
      code: typeof failure.code === "number" ? failure.code : 1,
      stdout: failure.stdout ?? "",
      stderr: failure.stderr ?? String(error),
    };
  }
}

async function ok(command: string, args: string[], cwd: string, env: Env = {}) {
  const result = await run(command, args, cwd, env);
  expect(result.code, `${command} ${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

const highstate = (args: string[], cwd: string, env: Env = {}) =>
  run(process.execPath, [cli, ...args], cwd, { HIGHSTATE_PASSWORD: "", PATH: "/usr/bin:/bin", ...env });

/** Unpacks a tarball into `<nodeModules>/<name>`, as npm installs a package. */
async function unpack(tarball: string, nodeModules: string, name: string): Promise<void> {
  const target = join(nodeModules, ...name.split("/"));
  await mkdir(target, { recursive: true });
  await ok("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], nodeModules);
}

describe("highstate create-package", () => {
  beforeAll(async () => {
    for (const built of ["runner/dist/cli/main.js", "library/contract/dist/build/index.js", "library/pulumi/dist/test/index.js"]) {
      if (!existsSync(join(repositoryRoot, built)))
        throw new Error(`${built} is missing: build first (\`npm run build\`; \`npm test\` does it)`);
    }
    scratch = await mkdtemp(join(tmpdir(), "highstate-create-package-"));
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("scaffolds a package that builds, passes its tests, packs, and is discovered and planned in a workspace", async () => {
    // 1. Scaffold outside the repository.
    const created = await highstate(["create-package", packageName, "--json"], scratch);
    expect(created.code, created.stderr).toBe(0);
    const { dir, files } = JSON.parse(created.stdout) as { dir: string; files: string[] };
    expect(dir).toBe(join(scratch, "highstate-greetings"));
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "tsup.config.ts",
        "vitest.config.ts",
        "src/index.ts",
        "src/components/message/program.test.ts",
      ]),
    );
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(manifest.highstate).toEqual({ definitions: "./dist/index.js" });
    expect(manifest.peerDependencies).toMatchObject({ "@pulumi/pulumi": expect.any(String), zod: expect.any(String) });
    expect(await readFile(join(dir, "tsup.config.ts"), "utf8")).not.toContain("..");
    // A second run into the same directory refuses instead of overwriting.
    const again = await highstate(["create-package", packageName], scratch);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining("is not empty")]);

    // 2. Build, test, pack.
    await symlink(join(repositoryRoot, "node_modules"), join(dir, "node_modules"), "dir");
    await ok("npm", ["run", "build", "--silent"], dir);
    expect(existsSync(join(dir, "dist/components/message/program.js"))).toBe(true);
    // The author's first run, on their machine, writes the registry snapshot...
    const tests = await ok("npm", ["test", "--silent"], dir, { ...asLocal, NO_COLOR: "1", FORCE_COLOR: "0" });
    expect(`${tests.stdout}${tests.stderr}`).toMatch(/Tests\s+5 passed/);
    expect(await readFile(join(dir, "src/__snapshots__/registry.json"), "utf8")).toContain('"description": "Who the message is for."');
    // ...and their CI, where Vitest writes no new snapshot, passes against the committed one.
    const inCi = await ok("npm", ["test", "--silent"], dir, { CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" });
    expect(`${inCi.stdout}${inCi.stderr}`).toMatch(/Tests\s+5 passed/);
    const tarballs = join(scratch, "tarballs");
    await mkdir(tarballs);
    await ok(
      "npm",
      [
        "pack",
        "--ignore-scripts",
        "--silent",
        "--pack-destination",
        tarballs,
        dir,
        join(repositoryRoot, "library/contract"),
        join(repositoryRoot, "library/pulumi"),
      ],
      scratch,
    );
    const packed = (await readdir(tarballs)).sort();
    expect(packed).toEqual([
      expect.stringMatching(/^acme-highstate-greetings-0\.1\.0\.tgz$/),
      expect.stringMatching(/^highstate-contract-/),
      expect.stringMatching(/^highstate-pulumi-/),
    ]);
    const listing = (await ok("tar", ["-tzf", join(tarballs, packed[0]!)], scratch)).stdout;
    expect(listing).toContain("package/dist/components/message/program.js");
    expect(listing).not.toContain(".test.ts");

    // 3. A workspace with the tarballs installed.
    const workspace = join(scratch, "infra");
    await mkdir(workspace);
    await writeFile(
      join(workspace, "package.json"),
      `${JSON.stringify({ name: "infra", private: true, dependencies: { [packageName]: "^0.1.0" } }, null, 2)}\n`,
    );
    const nodeModules = join(workspace, "node_modules");
    await unpack(join(tarballs, packed[0]!), nodeModules, packageName);
    await unpack(join(tarballs, packed[1]!), nodeModules, "@highstate/contract");
    await unpack(join(tarballs, packed[2]!), nodeModules, "@highstate/pulumi");
    await symlink(join(repositoryRoot, "node_modules/zod"), join(nodeModules, "zod"), "dir");
    await symlink(join(repositoryRoot, "node_modules/@pulumi"), join(nodeModules, "@pulumi"), "dir");
    await symlink(join(repositoryRoot, "runner"), join(nodeModules, "@highstate/runner"), "dir");
    await ok(process.execPath, [cli, "init"], workspace);

    const registry = await highstate(["registry", "--json"], workspace);
    expect(registry.code, registry.stdout + registry.stderr).toBe(0);
    const catalogue = JSON.parse(registry.stdout) as {
      components: Record<
        string,
        { package: { name: string }; source: unknown; problems?: unknown; args: { properties: Record<string, { description?: string }> } }
      >;
      problems: unknown[];
    };
    expect(catalogue.problems).toEqual([]);
    const message = catalogue.components["greetings.message.v1"]!;
    expect(message.package.name).toBe(packageName);
    expect(message.source).toEqual({ package: packageName, path: "message" });
    expect(message.problems).toBeUndefined();
    expect(message.args.properties.recipient?.description).toBe("Who the message is for.");

    await ok(process.execPath, [cli, "projects", "create", "home"], workspace, { HIGHSTATE_PASSWORD: "correct horse battery staple" });
    const add = await highstate(
      ["instances", "add", "greetings.message.v1", "hello", "--project", "home", "--arg", "recipient=world"],
      workspace,
    );
    expect(add.code, add.stderr).toBe(0);
    const plan = await highstate(["plan", "--project", "home", "--json"], workspace);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(plan.stdout) as { notCreated: string[]; blocked?: Record<string, string>; problems: unknown[] };
    expect(planned.notCreated).toEqual(["greetings.message.v1:hello"]);
    expect(planned.blocked ?? {}).toEqual({});
    expect(planned.problems).toEqual([]);
  }, 300_000);
});
