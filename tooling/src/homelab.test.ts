/**
 * The homelab example (examples/homelab): the alpha's screens as one project of first-party
 * instances. The built `highstate` CLI, in a copy of the workspace whose node_modules link the
 * packages its package.json depends on, finds every component in the real registry, validates the
 * project with no problem and plans it in dependency order. No secret is committed with it.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot, workspacePackages } from "./workspace-packages.js";

const run = promisify(execFile);
const cli = join(repositoryRoot, "runner/bin/highstate.js");
const example = join(repositoryRoot, "examples/homelab");
const manifest = JSON.parse(readFileSync(join(example, "package.json"), "utf8")) as { dependencies: Record<string, string> };
const project = JSON.parse(readFileSync(join(example, "projects/homelab.json"), "utf8")) as {
  hubs: Array<{ id: string; inputs: Array<{ instanceId: string; output: string }> }>;
  instances: Array<{
    id: string;
    type: string;
    args: Record<string, unknown>;
    position: { x: number; y: number };
    inputs: Record<string, Array<{ instanceId?: string; hubId?: string }>>;
    injectionInputs: string[];
  }>;
};

/** What the tests read of `highstate registry --json`. */
interface Registry {
  components: Record<string, { inputs: Record<string, { entity: string }>; outputs: Record<string, { entity: string }> }>;
}

interface Plan {
  layers: string[][];
  problems: Array<{ message: string; instanceId?: string }>;
  cycles: unknown[];
  notCreated: string[];
  blocked: Record<string, unknown>;
}

/** The workspace folder of each package the example depends on, plus what those packages need at run time. */
function linkedPackages(): Map<string, string> {
  const byName = new Map(workspacePackages().map((pkg) => [pkg.json.name, pkg.dir]));
  const linked = new Map<string, string>();
  for (const name of [...Object.keys(manifest.dependencies), "@highstate/contract", "@highstate/pulumi", "@highstate/designer"]) {
    const dir = byName.get(name);
    if (!dir) throw new Error(`examples/homelab/package.json depends on ${name}, which is not a workspace package`);
    linked.set(name, dir);
  }
  return linked;
}

async function makeWorkspace(prefix: string): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(example, "projects"), join(workspace, "projects"), { recursive: true });
  await cp(join(example, "Pulumi.yaml"), join(workspace, "Pulumi.yaml"));
  await cp(join(example, "package.json"), join(workspace, "package.json"));
  await writeFile(join(workspace, ".gitignore"), ".highstate/\nnode_modules/\n");
  // As `npm install` would lay it out, offline.
  await mkdir(join(workspace, "node_modules/@highstate"), { recursive: true });
  for (const [name, dir] of linkedPackages()) await symlink(dir, join(workspace, "node_modules", name), "dir");
  return workspace;
}

async function highstate(workspace: string, args: string[]) {
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

let workspace: string;

describe("the homelab example (examples/homelab)", () => {
  beforeAll(async () => {
    const unbuilt = [...linkedPackages()].filter(([name, dir]) => name !== "@highstate/designer" && !existsSync(join(dir, "dist")));
    if (unbuilt.length > 0) {
      throw new Error(`build them first (npx turbo run build --filter=@highstate/tooling...): ${unbuilt.map(([name]) => name).join(", ")}`);
    }
    workspace = await makeWorkspace("highstate-homelab-");
  });

  afterAll(async () => {
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it("commits no secrets: no Pulumi.<project>.yaml and no secret values in the project", async () => {
    const files = await readdir(example);
    expect(files.filter((file) => /^Pulumi\..+\.yaml$/.test(file))).toEqual([]);
    const text = await readFile(join(example, "projects/homelab.json"), "utf8");
    expect(text).not.toMatch(/secret|PRIVATE KEY|apiToken|password/i);
  });

  it("lays the instances out on a grid without overlaps, each wired input pointing at an instance or hub of the project", () => {
    const ids = new Set(project.instances.map((instance) => instance.id));
    const hubs = new Set(project.hubs.map((hub) => hub.id));
    const cells = new Set<string>();
    for (const instance of project.instances) {
      expect(instance.position.x % 350, instance.id).toBe(0);
      expect(instance.position.y % 200, instance.id).toBe(0);
      const cell = `${instance.position.x},${instance.position.y}`;
      expect(cells.has(cell), `${instance.id} overlaps another instance at ${cell}`).toBe(false);
      cells.add(cell);
      for (const refs of Object.values(instance.inputs)) {
        for (const ref of refs) {
          if (ref.hubId) expect(hubs.has(ref.hubId), `${instance.id} → ${ref.hubId}`).toBe(true);
          else expect(ids.has(ref.instanceId!), `${instance.id} → ${ref.instanceId}`).toBe(true);
        }
      }
    }
    for (const hub of project.hubs)
      for (const input of hub.inputs) expect(ids.has(input.instanceId), `${hub.id} → ${input.instanceId}`).toBe(true);
  });

  it("lets the Talos VMs wait for their address only: Talos offers no SSH", () => {
    const talosMasters = project.instances
      .filter((instance) => instance.type === "talos.cluster.v1")
      .flatMap((instance) => [...(instance.inputs.masters ?? []), ...(instance.inputs.workers ?? [])]);
    expect(talosMasters.length).toBeGreaterThan(0);
    for (const ref of talosMasters) {
      const vm = project.instances.find((instance) => instance.id === ref.instanceId)!;
      expect(vm.type).toBe("proxmox.virtual-machine.v1");
      expect(vm.args, vm.id).toMatchObject({ waitFor: "address" });
    }
  });

  it("finds every component of the project in the real registry, without problems", async () => {
    const result = await highstate(workspace, ["registry", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as { components: Registry["components"]; problems: unknown[] };
    for (const type of new Set(project.instances.map((instance) => instance.type))) expect(Object.keys(parsed.components)).toContain(type);
    expect(parsed.problems).toEqual([]);
  }, 120_000);

  it("validates and plans in dependency order", async () => {
    const plan = await highstate(workspace, ["plan", "--project", "homelab", "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    const result = JSON.parse(plan.stdout) as Plan;
    const registry = JSON.parse((await highstate(workspace, ["registry", "--json"])).stdout) as Registry;
    expect(result.problems).toEqual([]);
    expect(result.cycles).toEqual([]);
    expect(result.blocked).toEqual({});
    expect([...result.notCreated].sort()).toEqual(project.instances.map((instance) => instance.id).sort());
    const layerOf = (id: string) => {
      const layer = result.layers.findIndex((ids) => ids.includes(id));
      expect(layer, `${id} is in a layer`).toBeGreaterThanOrEqual(0);
      return layer;
    };
    const before = (first: string, then: string) => expect(layerOf(first), `${first} runs before ${then}`).toBeLessThan(layerOf(then));
    // Every direct edge runs its source first, and so does every hub entry of the entity a hub edge or a hub injection feeds.
    const entityOf = (instanceId: string, output: string) => {
      const type = project.instances.find((instance) => instance.id === instanceId)!.type;
      return registry.components[type]!.outputs[output]!.entity;
    };
    const hubSources = (hubId: string, entities: string[]) =>
      project.hubs
        .find((hub) => hub.id === hubId)!
        .inputs.filter((input) => entities.includes(entityOf(input.instanceId, input.output)))
        .map((input) => input.instanceId);
    let hubEdges = 0;
    for (const instance of project.instances) {
      const inputs = registry.components[instance.type]!.inputs;
      for (const [name, refs] of Object.entries(instance.inputs)) {
        for (const ref of refs) {
          const sources = ref.hubId ? hubSources(ref.hubId, [inputs[name]!.entity]) : [ref.instanceId!];
          expect(sources.length, `${instance.id}.${name} gets something`).toBeGreaterThan(0);
          for (const source of sources) before(source, instance.id);
          if (ref.hubId) hubEdges++;
        }
      }
      for (const hubId of instance.injectionInputs) {
        const sources = hubSources(
          hubId,
          Object.values(inputs).map((input) => input.entity),
        );
        expect(sources.length, `${instance.id} takes something from ${hubId}`).toBeGreaterThan(0);
        for (const source of sources) before(source, instance.id);
        hubEdges++;
      }
    }
    expect(hubEdges).toBeGreaterThanOrEqual(4);
    // The alpha's chains, spelled out.
    before("common.ssh-key-pair.v1:admin", "common.existing-server.v1:node-1");
    before("common.existing-server.v1:node-1", "k3s.cluster.v1:home");
    before("k3s.cluster.v1:home", "cert-manager.controller.v1:cert-manager");
    before("cert-manager.controller.v1:cert-manager", "cert-manager.dns01-issuer.v1:letsencrypt");
    before("cloudflare.connection.v1:example-com", "cert-manager.dns01-issuer.v1:letsencrypt");
    before("cert-manager.dns01-issuer.v1:letsencrypt", "k8s.access-point.v1:public");
    before("traefik.gateway.v1:traefik", "k8s.access-point.v1:public");
    before("proxmox.connection.v1:pve", "proxmox.existing-image.v1:talos-1-11");
    before("proxmox.existing-image.v1:talos-1-11", "proxmox.virtual-machine.v1:talos-cp-1");
    before("proxmox.virtual-machine.v1:talos-cp-1", "talos.cluster.v1:lab");
    before("restic.repository.v1:backups", "databases.mariadb.v1:mariadb");
    before("databases.mariadb.v1:mariadb", "databases.mariadb-database.v1:vaultwarden");
    before("databases.mariadb-database.v1:vaultwarden", "apps.vaultwarden.v1:vaultwarden");
    // Through the hub: the K3s cluster and the access point before both apps.
    before("k8s.access-point.v1:public", "apps.vaultwarden.v1:vaultwarden");
    before("k8s.access-point.v1:public", "apps.kubernetes-dashboard.v1:dashboard");
    before("k3s.cluster.v1:home", "databases.mariadb.v1:mariadb");
    before("wireguard.network.v1:homelab-vpn", "wireguard.identity.v1:home-cluster");
    before("wireguard.identity.v1:node-1", "wireguard.node.v1:home-cluster");
    before("k3s.cluster.v1:home", "wireguard.node.v1:home-cluster");
    before("common.existing-server.v1:node-1", "wireguard.server-node.v1:node-1");
    before("wireguard.identity.v1:home-cluster", "wireguard.config.v1:laptop");
    // A hub edge depends only on the hub entries of its entity: MariaDB does not wait for the access point.
    expect(layerOf("databases.mariadb.v1:mariadb")).toBeLessThan(layerOf("k8s.access-point.v1:public"));
    expect(result.layers[0]).toEqual(
      expect.arrayContaining([
        "common.ssh-key-pair.v1:admin",
        "cloudflare.connection.v1:example-com",
        "restic.repository.v1:backups",
        "wireguard.network.v1:homelab-vpn",
      ]),
    );
  }, 120_000);

  it("reports a broken arg of the project as a problem naming the instance", async () => {
    const broken = await makeWorkspace("highstate-homelab-broken-");
    try {
      const file = join(broken, "projects/homelab.json");
      const copy = JSON.parse(await readFile(file, "utf8")) as { instances: Array<{ id: string; args: Record<string, unknown> }> };
      copy.instances.find((instance) => instance.id === "common.existing-server.v1:node-1")!.args.sshPort = 70000;
      await writeFile(file, JSON.stringify(copy, null, 2));
      const plan = await highstate(broken, ["plan", "--project", "homelab", "--json"]);
      const result = JSON.parse(plan.stdout) as Plan;
      expect(JSON.stringify(result.problems)).toContain("common.existing-server.v1:node-1");
      expect(JSON.stringify(result.problems)).toContain("sshPort");
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  }, 120_000);
});
