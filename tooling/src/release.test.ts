/**
 * The release flow through a real npm registry: a Verdaccio server on loopback stands in for the public
 * registry. `npm run release` publishes every package to it; fresh workspaces outside the repository
 * install Highstate from it with npm and with Yarn 4, create a project and run an instance (fake engine);
 * a newer `@highstate/common` is released (`changeset version` + the release script), `npm update` /
 * `yarn up '@highstate/*'` install it, and the runner shows the instance outdated because of it. A
 * third-party package published to the same registry is discovered the same way.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@highstate/test-support/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ESM script without declarations
import { referencedFiles } from "../bin/release.mjs";
import { repositoryRoot, workspaceFolders } from "./workspace-packages.js";

const exec = promisify(execFile);
const releaseScript = join(repositoryRoot, "tooling/bin/release.mjs");
const changesetCli = join(repositoryRoot, "node_modules/@changesets/cli/bin.js");
const verdaccioCli = join(repositoryRoot, "node_modules/verdaccio/bin/verdaccio");
const password = "correct horse battery staple";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  try {
    const result = await exec(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    const failure = error as { code: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === "number" ? failure.code : 1,
      stdout: failure.stdout ?? "",
      stderr: failure.stderr ?? String(error),
    };
  }
}

async function ok(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0)
    throw new Error(`\`${command} ${args.join(" ")}\` failed in ${cwd} (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let scratch: string;
let registry: string;
let verdaccio: ChildProcess | undefined;
/** npm settings that publish to the test registry. */
let publishEnv: Record<string, string>;
let yarnJs: string;

/**
 * Yarn ignores npm's `cafile` and Node's `NODE_EXTRA_CA_CERTS`: behind a TLS-intercepting proxy (as on
 * CI) it must be given the same CA bundle npm uses, or every request to the public registry fails with
 * "self-signed certificate in certificate chain".
 */
function yarnCaSetting(): string {
  const candidates = [process.env.npm_config_cafile, process.env.NODE_EXTRA_CA_CERTS, process.env.SSL_CERT_FILE];
  try {
    const fromNpm = execFileSync("npm", ["config", "get", "cafile"], { encoding: "utf8" }).trim();
    if (fromNpm && fromNpm !== "null" && fromNpm !== "undefined") candidates.unshift(fromNpm);
  } catch {
    // npm's own setting is optional; the environment variables follow.
  }
  const file = candidates.find((candidate) => candidate && existsSync(candidate));
  return file ? `httpsCaFilePath: ${JSON.stringify(file)}\n` : "";
}
let stepStarted = Date.now();

/** Prints how long each step of the flow took (the figures help keep the test fast). */
function step(name: string): void {
  console.log(`release flow: ${name} (previous step ${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
  stepStarted = Date.now();
}

async function startVerdaccio(): Promise<void> {
  const port = await freePort();
  registry = `http://127.0.0.1:${port}/`;
  const config = join(scratch, "verdaccio.yaml");
  const access = "    access: $all\n    publish: $authenticated\n";
  await writeFile(
    config,
    [
      `storage: ${join(scratch, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(scratch, "htpasswd")}`,
      "    max_users: 10",
      "packages:",
      `  "@highstate/*":\n${access}`,
      `  "@acme/*":\n${access}`,
      `  "**":\n${access}`,
      "log: { type: stdout, format: pretty, level: error }",
      "",
    ].join("\n"),
  );
  verdaccio = spawn(process.execPath, [verdaccioCli, "--config", config, "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  verdaccio.stdout!.on("data", (chunk) => (output += chunk));
  verdaccio.stderr!.on("data", (chunk) => (output += chunk));
  for (let attempt = 0; ; attempt += 1) {
    const answer = await fetch(`${registry}-/ping`).catch(() => undefined);
    if (answer?.ok) break;
    if (verdaccio.exitCode !== null || attempt > 600) throw new Error(`Verdaccio did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const user = await fetch(`${registry}-/user/org.couchdb.user:release`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "release", password: "release-password", type: "user", roles: [] }),
  });
  const { token } = (await user.json()) as { token: string };
  const npmrc = join(scratch, "publish.npmrc");
  await writeFile(npmrc, `registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  publishEnv = { npm_config_userconfig: npmrc, npm_config_registry: registry };
}

/** A workspace's `.npmrc`: Highstate and the third party from the test registry, everything else as usual. */
function scopedNpmrc(): string {
  return `@highstate:registry=${registry}\n@acme:registry=${registry}\n`;
}

async function publishedVersions(name: string): Promise<Record<string, { dist: { tarball: string } }>> {
  const answer = await fetch(`${registry}${name.replace("/", "%2f")}`);
  if (!answer.ok) throw new Error(`${name} is not on the test registry (${answer.status})`);
  return ((await answer.json()) as { versions: Record<string, { dist: { tarball: string } }> }).versions;
}

async function highstate(dir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return run(process.execPath, [join(dir, "node_modules/@highstate/runner/bin/highstate.js"), ...args], dir, {
    HIGHSTATE_PASSWORD: password,
    HIGHSTATE_ENGINE: "fake",
    HIGHSTATE_FAKE_ENGINE_DELAY_MS: "0",
    ...env,
  });
}

async function planOf(runCommand: (args: string[]) => Promise<Run>) {
  const plan = await runCommand(["plan", "--project", "home", "--json"]);
  expect(plan.code, plan.stderr).toBe(0);
  return JSON.parse(plan.stdout) as { outdated: Record<string, string[]>; notCreated: string[]; problems: unknown[] };
}

/** Creates the project with one instance and runs it with the fake engine. */
async function createProjectAndRun(runCommand: (args: string[]) => Promise<Run>): Promise<void> {
  expect((await runCommand(["projects", "create", "home"])).code).toBe(0);
  const add = await runCommand(["instances", "add", "common.ssh-key-pair.v1", "admin", "--project", "home"]);
  expect(add.code, add.stderr).toBe(0);
  const up = await runCommand(["up", "common.ssh-key-pair.v1:admin", "--project", "home"]);
  expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  const plan = await planOf(runCommand);
  expect(plan).toMatchObject({ outdated: {}, notCreated: [], problems: [] });
}

describe("releasing through a real npm registry", () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "highstate-release-"));
    await startVerdaccio();
    // Yarn 4 from the npm registry, run with Node (no corepack).
    await mkdir(join(scratch, "yarn"));
    const packed = (await ok("npm", ["pack", "@yarnpkg/cli-dist@4", "--silent"], join(scratch, "yarn"))).trim().split("\n").at(-1)!;
    await ok("tar", ["xzf", packed], join(scratch, "yarn"));
    yarnJs = join(scratch, "yarn/package/bin/yarn.js");
  }, 240_000);

  afterAll(async () => {
    verdaccio?.kill("SIGTERM");
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("refuses to publish a package whose tarball would lack a file its package.json points at", async () => {
    const repo = join(scratch, "broken-repo");
    await mkdir(join(repo, "packages/widgets/dist"), { recursive: true });
    await writeFile(join(repo, "package.json"), JSON.stringify({ name: "broken", private: true, workspaces: ["packages/*"] }));
    await writeFile(
      join(repo, "packages/widgets/package.json"),
      JSON.stringify({
        name: "@acme/widgets",
        version: "1.0.0",
        type: "module",
        files: ["dist"],
        exports: { ".": "./dist/index.js", "./cli": "./dist/cli.js" },
      }),
    );
    await writeFile(join(repo, "packages/widgets/dist/index.js"), "export {};\n");
    const result = await run(process.execPath, [releaseScript, "--cwd", repo, "--skip-build", "--no-publint"], repo, publishEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Release stopped: "@acme/widgets@1.0.0" would be published without "dist/cli.js", which its package.json points at.',
    );
    expect(await fetch(`${registry}@acme%2fwidgets`).then((answer) => answer.status)).toBe(404);
  }, 60_000);

  it("publishes every package, installs it with npm and Yarn 4, and picks up a newer release", async () => {
    step("release");
    // 1. `npm run release` (already built by `npm test`): every public package, dependencies first.
    const release = await run(process.execPath, [releaseScript, "--skip-build", "--no-publint"], repositoryRoot, publishEnv);
    expect(release.code, `${release.stdout}\n${release.stderr}`).toBe(0);
    expect(release.stdout).toMatch(/Published \d+ packages: /);
    const names = workspaceFolders(repositoryRoot).flatMap((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string; private?: boolean };
      return pkg.private ? [] : [pkg];
    });
    for (const pkg of names) {
      const versions = await publishedVersions(pkg.name);
      expect(Object.keys(versions), pkg.name).toContain(pkg.version);
      // The tarball as published holds every file its package.json points at.
      const tarball = join(scratch, `${pkg.name.replace("/", "-")}.tgz`);
      await writeFile(tarball, Buffer.from(await (await fetch(versions[pkg.version]!.dist.tarball)).arrayBuffer()));
      const listed = new Set((await ok("tar", ["tzf", tarball], scratch)).split("\n").map((line) => line.replace(/^package\//, "")));
      const manifest = JSON.parse((await ok("tar", ["xzOf", tarball, "package/package.json"], scratch)) as string);
      for (const file of referencedFiles(manifest) as string[]) expect(listed.has(file), `${pkg.name}: ${file}`).toBe(true);
    }
    // Running it again publishes nothing: every version is already there.
    const again = await run(process.execPath, [releaseScript, "--skip-build", "--no-publint"], repositoryRoot, publishEnv);
    expect(again.stdout).toContain("Published 0 packages.");

    step("third-party release");
    // 2. A third party publishes its own component package to the same registry.
    const third = join(scratch, "acme-repo");
    await mkdir(join(third, "packages/acme-dns"), { recursive: true });
    await writeFile(join(third, "package.json"), JSON.stringify({ name: "acme-repo", private: true, workspaces: ["packages/*"] }));
    await writeFile(
      join(third, "packages/acme-dns/package.json"),
      JSON.stringify({
        name: "@acme/highstate-dns",
        version: "1.0.0",
        type: "module",
        files: ["index.js", "dns.js"],
        exports: { ".": "./index.js", "./dns": "./dns.js", "./package.json": "./package.json" },
        highstate: { definitions: "./index.js" },
        dependencies: { "@highstate/contract": "^0.1.0" },
        // The test never runs the program, so the unit runtime is an optional peer here.
        peerDependencies: { "@highstate/pulumi": "^0.1.0", zod: "^4.1.0" },
        peerDependenciesMeta: { "@highstate/pulumi": { optional: true } },
      }),
    );
    await writeFile(
      join(third, "packages/acme-dns/dns.js"),
      'import { defineUnit } from "@highstate/pulumi";\nimport { dns } from "./index.js";\n\nexport default defineUnit(dns, ({ args }) => ({ zone: { name: args.zone } }));\n',
    );
    await writeFile(
      join(third, "packages/acme-dns/index.js"),
      [
        'import { defineComponent, defineEntity } from "@highstate/contract";',
        'import { z } from "zod";',
        'export const zone = defineEntity({ type: "acme.zone.v1", schema: z.object({ name: z.string() }), meta: { title: "Zone" } });',
        'export const dns = defineComponent({ type: "acme.dns.v1", args: { zone: z.string().default("example.com") }, outputs: { zone }, meta: { title: "Acme DNS" }, source: { package: "@acme/highstate-dns", path: "dns" } });',
        "",
      ].join("\n"),
    );
    const thirdRelease = await run(process.execPath, [releaseScript, "--cwd", third, "--skip-build", "--no-publint"], third, publishEnv);
    expect(thirdRelease.code, thirdRelease.stderr).toBe(0);

    step("npm workspace");
    // 3. npm: install, init, a project with an instance, run it.
    const npmWorkspace = join(scratch, "infra-npm");
    await mkdir(npmWorkspace);
    await writeFile(join(npmWorkspace, "package.json"), JSON.stringify({ name: "infra-npm", private: true, type: "module" }));
    await writeFile(join(npmWorkspace, ".npmrc"), scopedNpmrc());
    await ok(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "@highstate/runner@^0.1.0",
        "@highstate/common@^0.1.0",
        "@acme/highstate-dns@^1.0.0",
        "zod@^4",
      ],
      npmWorkspace,
    );
    expect((await highstate(npmWorkspace, ["init"])).code).toBe(0);
    const npmRegistry = JSON.parse((await highstate(npmWorkspace, ["registry", "--json"])).stdout) as {
      components: Record<string, unknown>;
    };
    expect(Object.keys(npmRegistry.components)).toEqual(expect.arrayContaining(["common.ssh-key-pair.v1", "acme.dns.v1"]));
    await createProjectAndRun((args) => highstate(npmWorkspace, args));

    step("yarn workspace");
    // 4. Yarn 4: add (Plug'n'Play by default), init switches the linker, install, init again, the same project.
    const yarnWorkspace = join(scratch, "infra-yarn");
    await mkdir(yarnWorkspace);
    await writeFile(join(yarnWorkspace, "package.json"), JSON.stringify({ name: "infra-yarn", private: true, type: "module" }));
    await writeFile(
      join(yarnWorkspace, ".yarnrc.yml"),
      `npmRegistryServer: "https://registry.npmjs.org"\nnpmScopes:\n  highstate:\n    npmRegistryServer: "${registry}"\n    npmMinimalAgeGate: 0\n  acme:\n    npmRegistryServer: "${registry}"\n    npmMinimalAgeGate: 0\nunsafeHttpWhitelist: ["127.0.0.1"]\nnpmMinimalAgeGate: 0\nenableTelemetry: false\nenableGlobalCache: true\n${yarnCaSetting()}`,
    );
    const yarn = (args: string[], env: Record<string, string> = {}) =>
      run(process.execPath, [yarnJs, ...args], yarnWorkspace, {
        HIGHSTATE_PASSWORD: password,
        HIGHSTATE_ENGINE: "fake",
        HIGHSTATE_FAKE_ENGINE_DELAY_MS: "0",
        ...env,
      });
    const added = await yarn(["add", "@highstate/runner@^0.1.0", "@highstate/common@^0.1.0"]);
    expect(added.code, added.stdout).toBe(0);
    expect(existsSync(join(yarnWorkspace, ".pnp.cjs"))).toBe(true);
    const refused = await yarn(["highstate", "registry"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("uses Yarn Plug'n'Play");
    const firstInit = await yarn(["highstate", "init"]);
    expect(firstInit.stdout).toContain("Next: run `yarn install`");
    expect(await readFile(join(yarnWorkspace, ".yarnrc.yml"), "utf8")).toContain("nodeLinker: node-modules");
    expect((await yarn(["install"])).code).toBe(0);
    expect(existsSync(join(yarnWorkspace, "node_modules/@highstate/common/package.json"))).toBe(true);
    expect((await yarn(["highstate", "init"])).stdout).toContain("Initialised a Highstate workspace");
    await createProjectAndRun((args) => yarn(["highstate", ...args]));

    step("newer common");
    // 5. A newer @highstate/common: `changeset version` bumps it in a release checkout, the release script publishes it.
    const releaseRepo = join(scratch, "release-repo");
    await mkdir(join(releaseRepo, ".changeset"), { recursive: true });
    await writeFile(join(releaseRepo, "package.json"), JSON.stringify({ name: "release-repo", private: true, workspaces: ["packages/*"] }));
    cpSync(join(repositoryRoot, ".changeset/config.json"), join(releaseRepo, ".changeset/config.json"));
    // Changesets finds an npm workspace by its lockfile.
    await writeFile(join(releaseRepo, "package-lock.json"), '{ "lockfileVersion": 3 }\n');
    await mkdir(join(releaseRepo, "packages"));
    await ok("tar", ["xzf", join(scratch, "@highstate-common.tgz"), "-C", join(releaseRepo, "packages")], scratch);
    await ok("mv", ["packages/package", "packages/common"], releaseRepo);
    await writeFile(
      join(releaseRepo, ".changeset/common-fix.md"),
      '---\n"@highstate/common": patch\n---\n\nA fix users get with `npm update`.\n',
    );
    await ok(process.execPath, [changesetCli, "version"], releaseRepo);
    expect(JSON.parse(await readFile(join(releaseRepo, "packages/common/package.json"), "utf8")).version).toBe("0.1.1");
    expect(await readFile(join(releaseRepo, "packages/common/CHANGELOG.md"), "utf8")).toContain("A fix users get with `npm update`.");
    const patch = await run(
      process.execPath,
      [releaseScript, "--cwd", releaseRepo, "--skip-build", "--no-publint"],
      releaseRepo,
      publishEnv,
    );
    expect(patch.code, patch.stderr).toBe(0);
    expect(patch.stdout).toContain("Published 1 package: @highstate/common@0.1.1.");

    step("update");
    // 6. Updating installs it, and the runner's next start shows the instance outdated because of it.
    const reason = 'component package "@highstate/common" updated (0.1.0 → 0.1.1)';
    await ok("npm", ["update", "--prefer-offline", "--no-audit", "--no-fund"], npmWorkspace);
    expect(JSON.parse(await readFile(join(npmWorkspace, "node_modules/@highstate/common/package.json"), "utf8")).version).toBe("0.1.1");
    const npmPlan = await planOf((args) => highstate(npmWorkspace, args));
    expect(npmPlan.outdated).toEqual({ "common.ssh-key-pair.v1:admin": [reason] });
    const up = await yarn(["up", "@highstate/*"]);
    expect(up.code, up.stdout).toBe(0);
    expect(JSON.parse(await readFile(join(yarnWorkspace, "node_modules/@highstate/common/package.json"), "utf8")).version).toBe("0.1.1");
    const yarnPlan = await planOf((args) => yarn(["highstate", ...args]));
    expect(yarnPlan.outdated).toEqual({ "common.ssh-key-pair.v1:admin": [reason] });
    step("done");
  }, 900_000);
});
