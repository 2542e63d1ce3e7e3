import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit, type UnitTestResult } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import type { notesApp } from "./__fixtures__/app.js";
import { backupOnDestroyTriggerName } from "./backup-kit.js";
import { defaultKitImages, retentionArguments, validateSchedule } from "./options.js";
import { kitScriptsDir } from "./scripts.js";

let unit: Unit<typeof notesApp>;

beforeAll(async () => {
  unit = (await import("./__fixtures__/app.js")).default;
});

const cluster = { id: "uid-1", name: "prod", apiEndpoint: { host: "10.0.0.1", port: 6443 }, kubeconfig: "apiVersion: v1\nkind: Config\n" };
const repository = {
  type: "rclone" as const,
  remoteName: "store",
  remoteType: "s3",
  rcloneConfig: "[store]\ntype = s3\nsecret_access_key = s3cr3t\n",
  pathPattern: "backups/$clusterName/$appName-$instanceName",
  remoteEndpoints: ["s3.example.com"],
};

type Spec = Record<string, unknown>;
type Container = { name: string; image: string; command: string[]; env?: Array<{ name: string; value?: string; valueFrom?: unknown }> };
type PodSpec = { initContainers: Container[]; containers: Container[]; affinity?: unknown; volumes: Spec[]; restartPolicy: string };

function envOf(container: Container): Record<string, unknown> {
  return Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value ?? variable.valueFrom]));
}

function run(
  options: { invokedTriggers?: string[]; secrets?: Record<string, string | undefined>; args?: Record<string, string> } = {},
): Promise<UnitTestResult> {
  return testUnit(unit, { name: "main", inputs: { k8sCluster: cluster }, secretInputs: { resticRepo: repository }, ...options });
}

describe("BackupKit", () => {
  it("creates valid Kubernetes objects: credentials, scripts, a restore Job and a nightly CronJob", async () => {
    const result = await run();
    const report = await validateKubernetesResources(result.resources);
    for (const object of [
      "kubernetes:core/v1:Secret main-backup-credentials",
      "kubernetes:core/v1:ConfigMap main-backup-scripts",
      "kubernetes:batch/v1:Job main-backup-restore",
      "kubernetes:batch/v1:CronJob main-backup-backup",
      "kubernetes:apps/v1:Deployment main",
    ]) {
      expect(report.validated).toContain(object);
    }
    expect(result.resources.filter((resource) => resource.name === "main-backup-backup-on-destroy")).toEqual([]);

    const restore = result.resource("kubernetes:batch/v1:Job", "main-backup-restore").inputs as {
      metadata: Spec;
      spec: { backoffLimit: number; template: { spec: PodSpec } };
    };
    expect(restore.metadata).toMatchObject({ name: "main-restore", namespace: "main" });
    expect(restore.spec.backoffLimit).toBe(2);
    const pod = restore.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.affinity).toBeUndefined(); // runs before the app exists
    expect(pod.initContainers.map((container) => [container.name, container.image])).toEqual([["copy-rclone", defaultKitImages.rclone]]);
    const main = pod.containers[0]!;
    expect(main.image).toBe(defaultKitImages.restic);
    expect(main.command).toEqual(["/bin/sh", "/scripts/restore.sh"]);
    expect(envOf(main)).toMatchObject({
      RESTIC_REPOSITORY: "rclone:store:backups/prod/notes-main",
      RESTIC_HOST: "notes-main",
      RESTIC_PASSWORD_FILE: "/credentials/password",
      RCLONE_CONFIG: "/credentials/rclone.conf",
      DATA_DIR: "/data",
      HOOKS_DIR: "/scripts",
      NOTES_DB: "/data/notes.db",
      NOTES_TOKEN: { secretKeyRef: { name: "main-backup-credentials", key: "NOTES_TOKEN" } },
    });
    expect(pod.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "notes-data" } });
    // Images are pinned by version: nothing is installed when a pod starts.
    for (const image of [defaultKitImages.restic, defaultKitImages.rclone]) expect(image).toMatch(/:\d+\.\d+\.\d+$/);
    expect(JSON.stringify(result.resources.map((resource) => resource.inputs))).not.toMatch(/apk add|apt-get|curl .*install/);

    const cron = result.resource("kubernetes:batch/v1:CronJob").inputs as {
      spec: { schedule: string; concurrencyPolicy: string; jobTemplate: { spec: { template: { spec: PodSpec } } } };
    };
    expect(cron.spec).toMatchObject({ schedule: "0 3 * * *", concurrencyPolicy: "Forbid" });
    const backupPod = cron.spec.jobTemplate.spec.template.spec;
    expect(backupPod.containers[0]!.command).toEqual(["/bin/sh", "/scripts/backup.sh"]);
    expect(envOf(backupPod.containers[0]!).RETENTION).toBe("--keep-daily 7 --keep-weekly 4 --keep-monthly 6");
    // Co-scheduled with the app's pod, so a ReadWriteOnce volume can be mounted.
    expect(backupPod.affinity).toEqual({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { "app.kubernetes.io/name": "notes" } }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    });
  });

  it("ships the scripts and the app's hooks in the ConfigMap", async () => {
    const result = await run();
    const data = (result.resource("kubernetes:core/v1:ConfigMap").inputs as { data: Record<string, string> }).data;
    expect(Object.keys(data).sort()).toEqual(["backup.sh", "common.sh", "lock.sh", "post-restore.sh", "restore.sh", "unlock.sh"]);
    expect(data["backup.sh"]).toBe(readFileSync(join(kitScriptsDir(), "backup.sh"), "utf8"));
    expect(data["lock.sh"]).toBe("touch /data/.locked");
  });

  it("keeps the password and the rclone config secret, and generates the password once", async () => {
    const first = await run();
    const password = first.secrets.backupKey!;
    expect(password).toMatch(/^[0-9a-f]{64}$/);
    const secret = first.resource("kubernetes:core/v1:Secret", "main-backup-credentials");
    expect(secret.secretInputs).toContain("stringData");
    expect(secret.inputs.stringData).toEqual({ password, "rclone.conf": repository.rcloneConfig, NOTES_TOKEN: "token-value" });
    // The ConfigMap, the jobs' specs and the status carry no secret.
    for (const resource of first.resources.filter(
      (item) => item.type !== "kubernetes:core/v1:Secret" && item.type !== "pulumi:providers:kubernetes",
    )) {
      expect(JSON.stringify(resource.inputs)).not.toContain(password);
      expect(JSON.stringify(resource.inputs)).not.toContain("s3cr3t");
    }
    const second = await run({ secrets: first.secrets });
    expect(second.secrets).toEqual({});
    expect((second.resource("kubernetes:core/v1:Secret", "main-backup-credentials").inputs.stringData as Spec).password).toBe(password);
  });

  it("keeps the jobs' specs plain when the cluster and repository inputs are secret", async () => {
    const result = await testUnit(unit, { name: "main", secretInputs: { k8sCluster: cluster, resticRepo: repository } });
    for (const name of ["main-backup-restore", "main-backup-backup", "main-backup-scripts"]) {
      const resource = result.resources.find((item) => item.name === name)!;
      expect(resource.secretInputs, name).toEqual([]);
    }
  });

  it("gates the app's pod on the restore marker", async () => {
    const result = await run();
    const deployment = result.resource("kubernetes:apps/v1:Deployment").inputs as { spec: { template: { spec: PodSpec } } };
    const gate = deployment.spec.template.spec.initContainers[0]! as Container & { volumeMounts: Spec[] };
    expect(gate.name).toBe("wait-for-restore");
    expect(gate.command.join(" ")).toContain("until [ -f /data/.highstate-restore ]");
    expect(gate.volumeMounts).toEqual([{ name: "data", mountPath: "/data", readOnly: true }]);
  });

  it("asks for a before-destroy trigger and runs an awaited backup Job when it is invoked", async () => {
    const result = await run();
    const trigger = backupOnDestroyTriggerName("main");
    expect(trigger).toBe("restic.backup-on-destroy.main");
    expect(result.outputs.$triggers).toEqual([{ name: trigger, type: "before-destroy", title: "Back up main before destroying it" }]);
    const invoked = await run({ invokedTriggers: [trigger], secrets: result.secrets });
    const job = invoked.resource("kubernetes:batch/v1:Job", "main-backup-backup-on-destroy").inputs as {
      metadata: Spec;
      spec: { template: { metadata: { annotations: Record<string, string> }; spec: PodSpec } };
    };
    expect(job.metadata.name).toBe("main-backup-on-destroy");
    expect(job.spec.template.spec.containers[0]!.command).toEqual(["/bin/sh", "/scripts/backup.sh"]);
    expect(job.spec.template.metadata.annotations["highstate.io/invoked-at"]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await validateKubernetesResources(invoked.resources)).validated).toContain(
      "kubernetes:batch/v1:Job main-backup-backup-on-destroy",
    );
  });

  it("offers a restic shell and a Back Up Now terminal", async () => {
    const result = await run();
    expect(result.secretOutputs).toContain("$terminals");
    const terminals = result.outputs.$terminals as Array<{
      name: string;
      title: string;
      command: string[];
      env: Record<string, string>;
      files: Array<{ name: string; content: string }>;
    }>;
    expect(terminals.map((terminal) => terminal.title)).toEqual(["Restic | main", "Back Up Now | main"]);
    const [shell, now] = terminals as [(typeof terminals)[0], (typeof terminals)[0]];
    expect(shell.env).toMatchObject({
      RESTIC_REPOSITORY: "rclone:store:backups/prod/notes-main",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's file placeholder, not a template.
      RESTIC_PASSWORD_FILE: "${file:restic-password}",
    });
    expect(shell.files.find((file) => file.name === "restic-password")?.content).toBe(result.secrets.backupKey);
    expect(now.command.join(" ")).toContain("kubectl -n main create job --from=cronjob/main-backup");
    expect(now.files).toEqual([{ name: "kubeconfig", content: cluster.kubeconfig, mode: 0o600 }]);
  });

  it("runs the scripts in the app's hook image with restic and rclone copied in", async () => {
    const result = await run({ args: { hookImage: "docker.io/library/postgres:17.6" } });
    const pod = (
      result.resource("kubernetes:batch/v1:CronJob").inputs as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } }
    ).spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0]!.image).toBe("docker.io/library/postgres:17.6");
    expect(pod.initContainers.map((container) => container.name)).toEqual(["copy-rclone", "copy-restic"]);
    expect(envOf(pod.containers[0]!).PATH).toMatch(/^\/tools:/);
  });

  it("rejects a bad schedule and a retention that keeps nothing, naming the kit", async () => {
    const error = await runError(run({ args: { schedule: "every night" } }));
    expect(error.message).toMatch(/the backup kit "main-backup": schedule "every night" is not a cron schedule/);
    expect(() => validateSchedule("@daily", "x")).not.toThrow();
    const timeout = await runError(run({ args: { jobTimeout: "two hours" } }));
    expect(timeout.message).toMatch(/jobTimeout "two hours" must be a duration/);
    expect(() => retentionArguments({}, "kit")).toThrow(/keeps no snapshot/);
    expect(() => retentionArguments({ keepLast: 0 }, "kit")).toThrow(/retention.keepLast is 0/);
    expect(retentionArguments(false, "kit")).toBe("");
  });

  it("creates nothing for backups when no repository is connected", async () => {
    const result = await testUnit(unit, { name: "main", inputs: { k8sCluster: cluster } });
    expect(result.resources.map((resource) => resource.type).filter((type) => type.startsWith("kubernetes:batch"))).toEqual([]);
    expect(result.outputs.$triggers).toEqual([]);
  });
});
