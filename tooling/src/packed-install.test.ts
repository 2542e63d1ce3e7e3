/**
 * What users install is what `npm pack` produces: every publishable package is packed, and the
 * tarballs are installed into fresh workspaces outside the repository — one with every package, one
 * with only the runner, `@highstate/common` and `@highstate/k3s` (and the Highstate packages those
 * depend on) — holding a copy of the homelab example's project. The packed runner lists the registry
 * and plans the project in both: with everything installed there is no problem; with two component
 * packages the other instances are kept and reported as unknown components, and the project file is
 * not changed (not even by a command that writes the project). Then a newer `@highstate/common` is
 * packed from a copy with its version bumped and installed over the old one: the runner picks it up
 * and shows the instances made from it outdated because of it.
 *
 * Offline and quick: the Highstate tarballs are unpacked into `node_modules/@highstate/<name>` the way
 * npm lays them out, and their third-party dependencies (zod, the Pulumi SDKs, …) are links to this
 * repository's `node_modules`, as npm would have installed the same versions from the lockfile. The
 * release flow through a real registry with npm and Yarn is tooling/src/release.test.ts.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot, workspacePackages } from "./workspace-packages.js";

const exec = promisify(execFile);
const example = join(repositoryRoot, "examples/homelab");
const password = "correct horse battery staple";

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  try {
    const result = await exec(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 });
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

async function ok(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`\`${command} ${args.join(" ")}\` failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let scratch: string;
/** Package name → its tarball and the manifest inside it. */
const tarballs = new Map<string, { file: string; manifest: Manifest }>();

/** Packs the packages of `dirs` into `destination` with one `npm pack` and returns what it wrote. */
async function pack(dirs: string[], cwd: string, destination: string): Promise<Array<{ name: string; file: string }>> {
  const out = await ok("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", destination, ...dirs], cwd);
  const packed = JSON.parse(out) as Array<{ name: string; filename: string }>;
  return packed.map((entry) => ({ name: entry.name, file: join(destination, entry.filename) }));
}

async function manifestOf(tarball: string): Promise<Manifest> {
  return JSON.parse(await ok("tar", ["-xzOf", tarball, "package/package.json"], scratch)) as Manifest;
}

/** Unpacks a tarball as npm installs it: into `node_modules/<name>`, replacing what was there. */
async function unpack(tarball: string, workspace: string, name: string): Promise<void> {
  const target = join(workspace, "node_modules", ...name.split("/"));
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await ok("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], workspace);
}

/**
 * A fresh workspace outside the repository with the named packages and the Highstate packages they
 * depend on installed from their tarballs, the homelab project and a package.json listing `names`.
 */
async function installWorkspace(label: string, names: string[]): Promise<string> {
  const workspace = await mkdtemp(join(scratch, `${label}-`));
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    const entry = tarballs.get(name);
    if (!entry) throw new Error(`${name} is not a packed package`);
    wanted.add(name);
    for (const dependency of Object.keys(entry.manifest.dependencies ?? {})) if (tarballs.has(dependency)) visit(dependency);
  };
  for (const name of names) visit(name);
  const thirdParty = new Set<string>();
  for (const name of wanted) {
    const { file, manifest } = tarballs.get(name)!;
    await unpack(file, workspace, name);
    for (const dependency of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]) {
      if (!dependency.startsWith("@highstate/")) thirdParty.add(dependency);
    }
  }
  for (const dependency of thirdParty) {
    const source = join(repositoryRoot, "node_modules", dependency);
    if (!existsSync(source)) continue; // an optional peer nobody here installed
    await mkdir(join(workspace, "node_modules", ...dependency.split("/").slice(0, -1)), { recursive: true });
    await symlink(source, join(workspace, "node_modules", dependency), "dir");
  }
  const dependencies = Object.fromEntries(names.map((name) => [name, `^${tarballs.get(name)!.manifest.version}`]));
  await writeFile(
    join(workspace, "package.json"),
    `${JSON.stringify({ name: label, private: true, type: "module", dependencies }, null, 2)}\n`,
  );
  await cp(join(example, "projects"), join(workspace, "projects"), { recursive: true });
  await cp(join(example, "Pulumi.yaml"), join(workspace, "Pulumi.yaml"));
  await writeFile(join(workspace, ".gitignore"), ".highstate/\nnode_modules/\n");
  return workspace;
}

/** The packed runner of a workspace (fake engine: no pulumi CLI here). */
function highstate(workspace: string, args: string[]): Promise<Run> {
  return run(process.execPath, [join(workspace, "node_modules/@highstate/runner/bin/highstate.js"), ...args], workspace, {
    HIGHSTATE_PASSWORD: password,
    HIGHSTATE_ENGINE: "fake",
    HIGHSTATE_FAKE_ENGINE_DELAY_MS: "0",
    PATH: "/usr/bin:/bin",
  });
}

async function json<T>(workspace: string, args: string[]): Promise<T> {
  const result = await highstate(workspace, [...args, "--json"]);
  expect(result.code, `highstate ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

interface RegistryJson {
  components: Record<string, { package: string; version?: string }>;
  packages: Array<{ name: string; version: string }>;
  problems: unknown[];
}

interface PlanJson {
  problems: Array<{ code: string; instanceId?: string; message: string }>;
  notCreated: string[];
  outdated: Record<string, string[]>;
  layers: string[][];
}

const project = JSON.parse(await readFile(join(example, "projects/homelab.json"), "utf8")) as {
  instances: Array<{ id: string; type: string }>;
};
const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

describe("the packed packages, installed into fresh workspaces", () => {
  beforeAll(async () => {
    const publishable = workspacePackages().filter((pkg) => !pkg.json.private);
    const unbuilt = publishable.filter((pkg) => !existsSync(join(pkg.dir, "dist")));
    if (unbuilt.length > 0)
      throw new Error(`build first (\`npm run build\`; \`npm test\` does it): ${unbuilt.map((pkg) => pkg.json.name).join(", ")}`);
    scratch = await mkdtemp(join(tmpdir(), "highstate-packed-"));
    await mkdir(join(scratch, "tarballs"));
    const packed = await pack(
      publishable.map((pkg) => pkg.dir),
      repositoryRoot,
      join(scratch, "tarballs"),
    );
    expect(packed.map((entry) => entry.name).sort()).toEqual(publishable.map((pkg) => pkg.json.name).sort());
    for (const entry of packed) tarballs.set(entry.name, { file: entry.file, manifest: await manifestOf(entry.file) });
  }, 240_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("with every package: the registry has every component of the homelab project, which plans without a problem", async () => {
    const componentPackages = [...tarballs.keys()].filter(
      (name) => !["@highstate/contract", "@highstate/pulumi", "@highstate/designer"].includes(name),
    );
    const workspace = await installWorkspace("everything", componentPackages);
    const registry = await json<RegistryJson>(workspace, ["registry"]);
    expect(registry.problems).toEqual([]);
    for (const instance of project.instances) expect(Object.keys(registry.components), instance.id).toContain(instance.type);
    // Every component comes from the packed copy in this workspace, at the version that was packed.
    for (const pkg of registry.packages) expect(pkg.version, pkg.name).toBe(tarballs.get(pkg.name)?.manifest.version);
    const plan = await json<PlanJson>(workspace, ["plan", "--project", "homelab"]);
    expect(plan.problems).toEqual([]);
    expect([...plan.notCreated].sort()).toEqual(project.instances.map((instance) => instance.id).sort());
  }, 180_000);

  it("with only common and k3s: the other instances are kept and reported, the project file unchanged; a newer common is picked up", async () => {
    const workspace = await installWorkspace("common-k3s", ["@highstate/runner", "@highstate/common", "@highstate/k3s"]);
    const file = join(workspace, "projects/homelab.json");
    const before = await sha256(file);
    const registry = await json<RegistryJson>(workspace, ["registry"]);
    expect(registry.problems).toEqual([]);
    expect(new Set(registry.packages.map((pkg) => pkg.name))).toEqual(new Set(["@highstate/common", "@highstate/k8s", "@highstate/k3s"]));

    const known = new Set(Object.keys(registry.components));
    const unknown = project.instances.filter((instance) => !known.has(instance.type));
    const installed = project.instances.filter((instance) => known.has(instance.type));
    expect(unknown.length).toBeGreaterThan(10);
    expect(installed.map((instance) => instance.id).sort()).toEqual([
      "common.existing-server.v1:node-1",
      "common.ssh-key-pair.v1:admin",
      "k3s.cluster.v1:home",
      "k8s.access-point.v1:public", // @highstate/k8s comes with k3s
    ]);

    const plan = await json<PlanJson>(workspace, ["plan", "--project", "homelab"]);
    const reported = new Set(plan.problems.filter((problem) => problem.code === "unknown-component").map((problem) => problem.instanceId));
    for (const instance of unknown) expect(reported.has(instance.id), `${instance.id} is reported as an unknown component`).toBe(true);
    // The instances whose packages are here still plan, in order.
    const layerOf = (id: string) => plan.layers.findIndex((layer) => layer.includes(id));
    expect(layerOf("common.ssh-key-pair.v1:admin")).toBeLessThan(layerOf("common.existing-server.v1:node-1"));
    expect(layerOf("common.existing-server.v1:node-1")).toBeLessThan(layerOf("k3s.cluster.v1:home"));
    expect(await sha256(file)).toBe(before);

    // Running instances writes the workspace (state, a password, generated secrets), never the project's unknown instances away.
    const up = await highstate(workspace, [
      "up",
      "common.ssh-key-pair.v1:admin",
      "common.existing-server.v1:node-1",
      "--project",
      "homelab",
    ]);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(await sha256(file)).toBe(before);
    const added = await highstate(workspace, ["instances", "add", "common.ssh-key-pair.v1", "ci", "--project", "homelab"]);
    expect(added.code, added.stderr).toBe(0);
    const after = JSON.parse(await readFile(file, "utf8")) as typeof project;
    // Kept as they were (empty `args`, `inputs`, `injectionInputs` and a position at the origin are not written by the runner).
    const normal = (instance: object) => ({ args: {}, inputs: {}, injectionInputs: [], position: { x: 0, y: 0 }, ...instance });
    for (const instance of project.instances) expect(after.instances.map(normal), instance.id).toContainEqual(normal(instance));
    expect(after.instances.length).toBe(project.instances.length + 1);
    const settled = await json<PlanJson>(workspace, ["plan", "--project", "homelab"]);
    expect(settled.outdated).toEqual({});

    // A newer @highstate/common: bumped in a copy, packed, installed over the old one.
    const common = tarballs.get("@highstate/common")!;
    const copy = join(scratch, "common-next");
    await mkdir(copy);
    await ok("tar", ["-xzf", common.file, "-C", copy, "--strip-components=1"], scratch);
    const next = bumpPatch(common.manifest.version);
    const manifest = JSON.parse(await readFile(join(copy, "package.json"), "utf8")) as Manifest;
    await writeFile(join(copy, "package.json"), `${JSON.stringify({ ...manifest, version: next }, null, 2)}\n`);
    await mkdir(join(scratch, "next"));
    const [newer] = await pack([copy], copy, join(scratch, "next"));
    expect(newer!.file).toMatch(new RegExp(`highstate-common-${next.replaceAll(".", "\\.")}\\.tgz$`));
    await unpack(newer!.file, workspace, "@highstate/common");

    const updated = await json<RegistryJson>(workspace, ["registry"]);
    expect(updated.packages.find((pkg) => pkg.name === "@highstate/common")?.version).toBe(next);
    const outdated = await json<PlanJson>(workspace, ["plan", "--project", "homelab"]);
    const reason = `component package "@highstate/common" updated (${common.manifest.version} → ${next})`;
    expect(outdated.outdated["common.ssh-key-pair.v1:admin"]).toEqual([reason]);
    expect(outdated.outdated["common.existing-server.v1:node-1"]).toEqual(expect.arrayContaining([reason]));
    // Not created instances are not "outdated"; K3s (another package) is simply still to create.
    expect(outdated.outdated["k3s.cluster.v1:home"]).toBeUndefined();
    expect(outdated.notCreated).toContain("k3s.cluster.v1:home");
  }, 180_000);
});

function bumpPatch(version: string): string {
  const [major, minor, patch] = version.split(/[.-]/).map(Number) as [number, number, number];
  return `${major}.${minor}.${patch + 1}`;
}
