/**
 * The before-destroy flow through the runner's orchestrator and fake engine: the fake engine keeps
 * stacks and events, while each `up` runs the real unit programs (Restic Repo and an app using the
 * backup kit) under Pulumi's mock runtime to produce the outputs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AnyComponent, buildRegistry, type Project } from "@highstate/contract";
import type { AnyUnit } from "@highstate/pulumi";
import { type RecordedResource, testUnit } from "@highstate/pulumi/test";
import { Orchestrator, ProjectSecrets, type UnitRunRequest, type UnitRunResult } from "@highstate/runner";
import { FakeEngine } from "@highstate/runner/testing";
import { afterEach, describe, expect, it } from "vitest";
import { resticRepository } from "../components/repository/definition.js";
import { resticRepositoryEntity } from "../entities/repository.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The fake engine, with outputs of `up` computed by running the instance's unit program under mocks. */
class MockProgramEngine {
  readonly name = "mock-programs";
  readonly fake = new FakeEngine({ defaultBehavior: { resourceCount: 1 } });
  /** The resources each `up` registered, by instance id. */
  readonly ups: Array<{ instanceId: string; invokedTriggers: string[]; resources: RecordedResource[] }> = [];

  constructor(private readonly units: Record<string, AnyUnit>) {}

  preflight(): Promise<void> {
    return this.fake.preflight();
  }

  async runOperation(request: UnitRunRequest): Promise<UnitRunResult> {
    if (request.operation === "up") {
      const unit = this.units[request.instance.type]!;
      const values = (config: UnitRunRequest["inputs"]) =>
        Object.fromEntries(Object.entries(config).map(([name, list]) => [name, list[0]?.value]));
      const result = await testUnit(unit as AnyUnit & { component: AnyComponent }, {
        name: request.instance.name,
        args: request.args as never,
        inputs: values(request.inputs) as never,
        secretInputs: values(request.secretInputs) as never,
        secrets: request.secrets,
        invokedTriggers: request.invokedTriggers,
      });
      this.ups.push({ instanceId: request.instance.id, invokedTriggers: request.invokedTriggers, resources: result.resources });
      const outputs = Object.fromEntries(
        Object.entries(result.outputs).map(([key, value]) => [key, { value, secret: result.secretOutputs.includes(key) }]),
      );
      this.fake.setBehavior(request.instance.id, { outputs, resourceCount: result.resources.length });
    }
    return this.fake.runOperation(request);
  }
}

describe("the backup kit's before-destroy trigger through the orchestrator", () => {
  it("runs up with the trigger invoked (a backup Job), then destroys; the backup key survives", async () => {
    const { notesApp, default: notesUnit, staticCluster, staticClusterUnit } = await import("./__fixtures__/app.js");
    const repositoryUnit = (await import("../components/repository/program.js")).default;
    const workspace = mkdtempSync(join(tmpdir(), "restic-flow-"));
    dirs.push(workspace);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/restic", version: "0.0.0-test" },
        entities: [resticRepositoryEntity, staticCluster.outputs.k8sCluster.entity],
        components: [resticRepository, notesApp, staticCluster],
      },
    ]);
    const instance = (type: string, name: string, inputs: Project["instances"][number]["inputs"] = {}) => ({
      id: `${type}:${name}`,
      type,
      name,
      uid: `instance${name.replace(/[^a-z0-9]/g, "")}`,
      args: {},
      inputs,
      injectionInputs: [],
      position: { x: 0, y: 0 },
    });
    const repoId = "restic.repository.v1:offsite";
    const clusterId = "test.static-cluster.v1:prod";
    const appId = "test.notes.v1:main";
    const project: Project = {
      version: 1,
      instances: [
        instance("restic.repository.v1", "offsite"),
        instance("test.static-cluster.v1", "prod"),
        instance("test.notes.v1", "main", {
          k8sCluster: [{ instanceId: clusterId, output: "k8sCluster" }],
          resticRepo: [{ instanceId: repoId, output: "repo" }],
        }),
      ],
      hubs: [],
    };
    const secrets = await ProjectSecrets.open(join(workspace, "Pulumi.demo.yaml"));
    await secrets.create("project password");
    await secrets.set(repoId, "rcloneConfig", "[offsite]\ntype = sftp\nhost = backup.example.com\nuser = restic\n");
    const context = { name: "demo", project, registry, secrets, password: "project password" };
    const engine = new MockProgramEngine({
      [resticRepository.type]: repositoryUnit,
      [notesApp.type]: notesUnit,
      [staticCluster.type]: staticClusterUnit,
    });
    const orchestrator = new Orchestrator({ workspaceRoot: workspace, engine, parallelism: 2 });

    const up = await orchestrator.run(context, { type: "up", instanceIds: [appId], includeDependencies: true });
    expect(up.error).toBeUndefined();
    expect(up.state).toBe("completed");
    const backupKey = secrets.get(appId, "backupKey");
    expect(backupKey).toMatch(/^[0-9a-f]{64}$/); // generated on the first up and stored with the project's secrets

    const destroy = await orchestrator.run(context, { type: "destroy", instanceIds: [appId] });
    expect(destroy.state).toBe("completed");
    const trigger = "restic.backup-on-destroy.main";
    expect(engine.fake.callsFor(appId).map((call) => [call.operation, call.invokedTriggers])).toEqual([
      ["up", []],
      ["up", [trigger]],
      ["destroy", []],
    ]);
    const [first, invoked] = engine.ups.filter((run) => run.instanceId === appId) as [(typeof engine.ups)[0], (typeof engine.ups)[0]];
    expect(first.resources.some((resource) => resource.name === "main-backup-backup-on-destroy")).toBe(false);
    const job = invoked.resources.find((resource) => resource.name === "main-backup-backup-on-destroy");
    expect(job?.type).toBe("kubernetes:batch/v1:Job");
    // The run with the trigger used the stored key, so the backup it makes is readable after re-create.
    const credentials = invoked.resources.find((resource) => resource.name === "main-backup-credentials")!;
    expect((credentials.inputs.stringData as Record<string, string>).password).toBe(backupKey);
    const env = (job!.inputs as { spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } })
      .spec.template.spec.containers[0]!.env;
    expect(env.find((variable) => variable.name === "RESTIC_REPOSITORY")?.value).toBe("rclone:offsite:backups/prod/notes");
    expect(secrets.get(appId, "backupKey")).toBe(backupKey); // destroy keeps it: a re-created app finds its data
  });
});
