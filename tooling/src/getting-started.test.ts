/**
 * Keeps docs/getting-started.md true: runs its commands, in its order, with the built `highstate` CLI
 * in a fresh folder whose node_modules holds the first-party packages (as `npm install` would).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "./workspace-packages.js";

const run = promisify(execFile);
const cli = join(repositoryRoot, "runner/bin/highstate.js");
const linked = {
  "@highstate/runner": "runner",
  "@highstate/designer": "designer",
  "@highstate/contract": "library/contract",
  "@highstate/pulumi": "library/pulumi",
  "@highstate/common": "packages/common",
  "@highstate/k8s": "packages/k8s",
};

let workspace: string;

async function highstate(args: string[], env: Record<string, string> = {}) {
  try {
    const result = await run(process.execPath, [cli, ...args], {
      cwd: workspace,
      env: { ...process.env, HIGHSTATE_PASSWORD: "", ...env, PATH: "/usr/bin:/bin" },
    });
    return { code: 0, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe("docs/getting-started.md", () => {
  beforeAll(async () => {
    if (!existsSync(join(repositoryRoot, "runner/dist/cli/main.js")))
      throw new Error("build the runner first (`npm run build`; `npm test` does it)");
    workspace = await mkdtemp(join(tmpdir(), "highstate-getting-started-"));
    // `npm init -y` + `npm install @highstate/runner @highstate/common @highstate/k8s`, offline.
    await writeFile(
      join(workspace, "package.json"),
      `${JSON.stringify({ name: "infra", version: "1.0.0", dependencies: { "@highstate/common": "*", "@highstate/k8s": "*", "@highstate/runner": "*" } }, null, 2)}\n`,
    );
    await mkdir(join(workspace, "node_modules/@highstate"), { recursive: true });
    for (const [name, folder] of Object.entries(linked))
      await symlink(join(repositoryRoot, folder), join(workspace, "node_modules", name), "dir");
  });

  afterAll(async () => {
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it("the page still shows the commands this test runs", async () => {
    const page = await readFile(join(repositoryRoot, "docs/getting-started.md"), "utf8");
    for (const command of [
      "npx highstate init",
      "npx highstate registry",
      "npx highstate projects create home",
      "npx highstate designer",
      "npx highstate plan --project home",
      "npx highstate up <instance id> --project home",
      "npx highstate doctor",
      "npx highstate install-pulumi",
    ]) {
      expect(page).toContain(command);
    }
  });

  it("init, registry, projects create, plan and up work as the page says", async () => {
    const init = await highstate(["init"]);
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(workspace, "Pulumi.yaml"))).toBe(true);
    expect(existsSync(join(workspace, "projects"))).toBe(true);
    expect(await readFile(join(workspace, ".gitignore"), "utf8")).toContain(".highstate/");

    const registry = await highstate(["registry"]);
    expect(registry.code, registry.stderr).toBe(0);
    expect(registry.stdout).toContain("common.existing-server.v1");
    expect(registry.stdout).toContain("k8s.existing-cluster.v1");

    const create = await highstate(["projects", "create", "home"], { HIGHSTATE_PASSWORD: "correct horse battery staple" });
    expect(create.code, create.stderr).toBe(0);
    expect(existsSync(join(workspace, "projects/home.json"))).toBe(true);
    expect(await readFile(join(workspace, "Pulumi.home.yaml"), "utf8")).toContain("encryptionsalt: v1:");

    const add = await highstate(["instances", "add", "common.ssh-key-pair.v1", "deploy", "--project", "home"]);
    expect(add.code, add.stderr).toBe(0);

    const plan = await highstate(["plan", "--project", "home"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("common.ssh-key-pair.v1:deploy");

    // Without the pulumi CLI, `up` fails at once and says how to install it.
    const up = await highstate(["up", "common.ssh-key-pair.v1:deploy", "--project", "home"], {
      HIGHSTATE_PASSWORD: "correct horse battery staple",
    });
    expect(up.code).not.toBe(0);
    expect(`${up.stdout}${up.stderr}`).toMatch(/install-pulumi/);

    // Offline: the test machine talks to loopback only (doctor would ask the registry for newer versions).
    const doctor = await highstate(["doctor"], { npm_config_offline: "true" });
    expect(`${doctor.stdout}${doctor.stderr}`).toMatch(/pulumi/i);
  });
});
