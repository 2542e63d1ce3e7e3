/**
 * The alpha's "apps" screen as a project (examples/apps-screen): cluster → cert-manager → DNS01 issuer
 * (Cloudflare) → Traefik → access point → MariaDB → database → Vaultwarden with a Restic Repo, plus the
 * Kubernetes Dashboard, wired with direct edges, a hub input and hub injection. The built `highstate`
 * CLI discovers the real registry from the installed packages, validates the project and plans it.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "./workspace-packages.js";

const run = promisify(execFile);
const cli = join(repositoryRoot, "runner/bin/highstate.js");
const example = join(repositoryRoot, "examples/apps-screen");
const linked: Record<string, string> = {
  "@highstate/runner": "runner",
  "@highstate/designer": "designer",
  "@highstate/contract": "library/contract",
  "@highstate/pulumi": "library/pulumi",
  "@highstate/common": "packages/common",
  "@highstate/k8s": "packages/k8s",
  "@highstate/cert-manager": "packages/cert-manager",
  "@highstate/cloudflare": "packages/cloudflare",
  "@highstate/traefik": "packages/traefik",
  "@highstate/restic": "packages/restic",
  "@highstate/databases": "packages/databases",
  "@highstate/apps": "packages/apps",
};

let workspace: string;

async function highstate(args: string[]) {
  try {
    const result = await run(process.execPath, [cli, ...args], {
      cwd: workspace,
      env: { ...process.env, HIGHSTATE_PASSWORD: "", PATH: "/usr/bin:/bin" },
    });
    return { code: 0, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe("the apps screen (examples/apps-screen)", () => {
  beforeAll(async () => {
    const unbuilt = Object.entries(linked).filter(
      ([name, folder]) => name !== "@highstate/designer" && !existsSync(join(repositoryRoot, folder, "dist")),
    );
    if (unbuilt.length > 0)
      throw new Error(`build them first (npx turbo run build --filter=@highstate/tooling...): ${unbuilt.map(([name]) => name).join(", ")}`);
    workspace = await mkdtemp(join(tmpdir(), "highstate-apps-screen-"));
    await cp(join(example, "projects"), join(workspace, "projects"), { recursive: true });
    await cp(join(example, "Pulumi.yaml"), join(workspace, "Pulumi.yaml"));
    await cp(join(example, "package.json"), join(workspace, "package.json"));
    await writeFile(join(workspace, ".gitignore"), ".highstate/\nnode_modules/\n");
    // As `npm install` would lay it out, offline.
    await mkdir(join(workspace, "node_modules/@highstate"), { recursive: true });
    for (const [name, folder] of Object.entries(linked))
      await symlink(join(repositoryRoot, folder), join(workspace, "node_modules", name), "dir");
  });

  afterAll(async () => {
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it("finds every component of the screen in the real registry", async () => {
    const registry = await highstate(["registry", "--json"]);
    expect(registry.code, registry.stderr).toBe(0);
    const parsed = JSON.parse(registry.stdout) as { components: Record<string, unknown> | Array<{ type: string }>; problems?: unknown[] };
    const types = Array.isArray(parsed.components) ? parsed.components.map((component) => component.type) : Object.keys(parsed.components);
    for (const type of [
      "k8s.existing-cluster.v1",
      "cert-manager.controller.v1",
      "cert-manager.dns01-issuer.v1",
      "cloudflare.connection.v1",
      "traefik.gateway.v1",
      "k8s.access-point.v1",
      "restic.repository.v1",
      "databases.mariadb.v1",
      "databases.mariadb-database.v1",
      "apps.vaultwarden.v1",
      "apps.kubernetes-dashboard.v1",
    ]) {
      expect(types).toContain(type);
    }
    expect(parsed.problems ?? []).toEqual([]);
  }, 120_000);

  it("validates and plans in dependency order", async () => {
    const plan = await highstate(["plan", "--project", "apps", "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    const result = JSON.parse(plan.stdout) as { layers: string[][]; problems: unknown[]; cycles: unknown[]; notCreated: string[] };
    expect(result.problems).toEqual([]);
    expect(result.cycles).toEqual([]);
    expect(result.notCreated).toHaveLength(11);
    const layerOf = (id: string) => result.layers.findIndex((layer) => layer.includes(id));
    const before = (first: string, then: string) => expect(layerOf(first), `${first} runs before ${then}`).toBeLessThan(layerOf(then));
    for (const id of result.notCreated) expect(layerOf(id), id).toBeGreaterThanOrEqual(0);
    before("k8s.existing-cluster.v1:home", "cert-manager.controller.v1:cert-manager");
    before("cert-manager.controller.v1:cert-manager", "cert-manager.dns01-issuer.v1:letsencrypt");
    before("cloudflare.connection.v1:example-com", "cert-manager.dns01-issuer.v1:letsencrypt");
    before("cert-manager.dns01-issuer.v1:letsencrypt", "k8s.access-point.v1:public");
    before("traefik.gateway.v1:traefik", "k8s.access-point.v1:public");
    before("restic.repository.v1:backups", "databases.mariadb.v1:mariadb");
    before("databases.mariadb.v1:mariadb", "databases.mariadb-database.v1:vaultwarden");
    before("databases.mariadb-database.v1:vaultwarden", "apps.vaultwarden.v1:vaultwarden");
    // Through the hub: the access point before both apps.
    before("k8s.access-point.v1:public", "apps.vaultwarden.v1:vaultwarden");
    before("k8s.access-point.v1:public", "apps.kubernetes-dashboard.v1:dashboard");
    expect(result.layers[0]).toEqual(
      expect.arrayContaining(["k8s.existing-cluster.v1:home", "cloudflare.connection.v1:example-com", "restic.repository.v1:backups"]),
    );
  }, 120_000);
});
