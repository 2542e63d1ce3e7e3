import type { TerminalSpecInput } from "@highstate/contract";
import type { Cluster } from "@highstate/k8s";
import { appLabels, kubernetesName } from "@highstate/k8s/helpers";
import type { DeepInput } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResticRepository } from "../entities/repository.js";
import { resolvePathPattern } from "../rclone/path-pattern.js";
import {
  type BackupHooks,
  type BackupKitImages,
  type BackupRetention,
  defaultBackupSchedule,
  defaultKitImages,
  defaultRetention,
  InvalidBackupKitOptionsError,
  retentionArguments,
  validateSchedule,
} from "./options.js";
import { readKitScripts, restoreMarkerName } from "./scripts.js";

/** What an app gives the backup kit. */
export interface BackupKitArgs {
  /** The repository location (the `restic.repository.v1` input of the app). */
  repository: pulumi.Input<ResticRepository>;
  /** The cluster the app runs in: its name fills `$clusterName`, its kubeconfig the "Back Up Now" terminal. */
  cluster: pulumi.Input<Cluster>;
  /** What the app is, for `$appName` and labels, e.g. `postgresql`. A plain name. */
  appName: string;
  /** The app's instance name (`unit.name`), for `$instanceName`. */
  instanceName: string;
  /** The prefix of the kit's object names (`<objectName>-restore`, …); the instance name by default. */
  objectName?: string;
  /**
   * The repository password: keep it with the app's secrets so it survives destroy and re-create,
   * e.g. `unit.getSecret("backupKey", generateBackupPassword)`.
   */
  password: pulumi.Input<string>;
  /** The namespace of the app; the kit's objects go there. */
  namespace: pulumi.Input<string>;
  /** The PersistentVolumeClaim holding the app's data; mounted at `/data` in the kit's pods. */
  claimName: pulumi.Input<string>;
  /**
   * The labels of the app's pods. When set, backup pods are scheduled onto the node of a running app
   * pod, so they can mount a `ReadWriteOnce` volume the app is using.
   */
  workloadSelector?: Record<string, string>;
  /** Scripts run around backups and restores (lock, unlock, online backup, post-restore). */
  hooks?: BackupHooks;
  /**
   * The image the scripts and hooks run in, when the hooks need the app's tools (`pg_basebackup`,
   * `mariadb-backup`). It needs a POSIX `sh`; restic and rclone are copied into the pod. Default: the restic image.
   */
  hookImage?: pulumi.Input<string>;
  /** Plain environment variables for the hooks. */
  hookEnv?: Record<string, pulumi.Input<string>>;
  /** Secret environment variables for the hooks (stored in the kit's Secret). */
  hookSecretEnv?: Record<string, pulumi.Input<string>>;
  /** When the nightly backup runs, in cron syntax. Default `0 3 * * *`. */
  schedule?: string;
  /** Which snapshots to keep after each backup; `false` keeps all. Default 7 daily, 4 weekly, 6 monthly. */
  retention?: BackupRetention | false;
  /** The triggers invoked for this run (`unit.invokedTriggers`): the before-destroy backup runs when its trigger is among them. */
  invokedTriggers: readonly string[];
  /** Images to use instead of the pinned defaults. */
  images?: Partial<BackupKitImages>;
  /** CPU and memory for the backup and restore containers. */
  resources?: k8s.types.input.core.v1.ResourceRequirements;
  /**
   * How long Pulumi waits for the restore Job and the before-destroy backup Job to complete (a Go
   * duration such as `30m` or `2h`); the provider's default of 10 minutes is short for large volumes. Default `2h`.
   */
  jobTimeout?: string;
}

const scriptsMount = "/scripts";
const credentialsMount = "/credentials";
const toolsMount = "/tools";
const dataMount = "/data";
const hookFiles: Record<keyof BackupHooks, string> = {
  lock: "lock.sh",
  unlock: "unlock.sh",
  onlineBackup: "online-backup.sh",
  postRestore: "post-restore.sh",
};

/** The name of the before-destroy trigger a backup kit asks for. */
export function backupOnDestroyTriggerName(objectName: string): string {
  return `restic.backup-on-destroy.${objectName}`;
}

/**
 * Backups for one app volume, so the app can be destroyed and re-created (on any cluster) with its
 * data. It creates, in the app's namespace:
 *
 * - Secret `<name>-backup-credentials` (password, rclone.conf, hook secrets) and ConfigMap
 *   `<name>-backup-scripts` (the shipped `backup.sh`/`restore.sh` and the app's hooks);
 * - Job `<name>-restore`: restores the latest snapshot into the volume when it is empty, then writes a
 *   marker; the provider waits for the Job, so make the app's workload depend on {@link restoreJob}
 *   and add {@link gateContainer} to its init containers (it waits for the marker), so the app can never
 *   start on a volume that is still being restored;
 * - CronJob `<name>-backup` (`Forbid` concurrency): lock → online backup → `restic backup` → unlock
 *   (always) → retention;
 * - when the before-destroy trigger is invoked, Job `<name>-backup-on-destroy`, awaited, so the destroy
 *   that follows only starts after a last backup.
 *
 * Return {@link triggers} and {@link terminals} from the unit. Images are pinned; nothing is installed
 * at run time.
 *
 * ```ts
 * const backup = inputs.resticRepo && new BackupKit(resourceName(unit, "backup"), {
 *   repository: inputs.resticRepo, cluster: inputs.k8sCluster, appName: "vaultwarden", instanceName: unit.name,
 *   password: unit.getSecret("backupKey", generateBackupPassword), namespace: namespace.metadata.name,
 *   claimName: claim.metadata.name, workloadSelector: selector, invokedTriggers: unit.invokedTriggers,
 * }, { provider });
 * ```
 */
export class BackupKit extends pulumi.ComponentResource {
  /** The object name prefix of the kit's objects (`<name>-restore`, `<name>-backup`, …). */
  readonly objectName: string;
  /** `rclone:<remote>:<path>`, the app's repository. */
  readonly repositoryUrl: pulumi.Output<string>;
  /** The host name snapshots are recorded under. */
  readonly snapshotHost: string;
  /** The before-destroy trigger's name. */
  readonly triggerName: string;
  readonly credentials: k8s.core.v1.Secret;
  readonly scripts: k8s.core.v1.ConfigMap;
  /** The restore Job; make the app's workload depend on it. */
  readonly restoreJob: k8s.batch.v1.Job;
  readonly cronJob: k8s.batch.v1.CronJob;
  /** The backup Job of the before-destroy trigger, when it was invoked. */
  readonly backupOnDestroyJob?: k8s.batch.v1.Job;
  /** The triggers to return from the unit (`$triggers`). */
  readonly triggers: Array<{ name: string; type: "before-destroy"; title: string }>;
  /** The terminals to return from the unit (`$terminals`): a restic shell and "Back Up Now". */
  readonly terminals: DeepInput<TerminalSpecInput>[];

  private readonly images: BackupKitImages;

  constructor(name: string, args: BackupKitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("highstate:restic:BackupKit", name, {}, opts);
    const where = `the backup kit "${name}"`;
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(args.appName)) {
      throw new InvalidBackupKitOptionsError(`${where}: appName "${args.appName}" must be lower-case letters, digits, "." and "-"`);
    }
    const schedule = args.schedule ?? defaultBackupSchedule;
    validateSchedule(schedule, where);
    const retention = retentionArguments(args.retention ?? { ...defaultRetention }, where);
    const objectName = args.objectName ?? kubernetesName(args.instanceName);
    this.objectName = objectName;
    this.images = { ...defaultKitImages, ...args.images };
    this.snapshotHost = kubernetesName(args.appName, args.instanceName);
    this.triggerName = backupOnDestroyTriggerName(objectName);
    const labels = appLabels(args.appName, args.instanceName, "backup");
    const child = { parent: this };

    const repository = pulumi.output(args.repository);
    const cluster = pulumi.output(args.cluster);
    // The URL is not secret, even though the repository entity (holding the rclone config) is.
    this.repositoryUrl = pulumi.unsecret(
      pulumi.all([repository, cluster]).apply(([repo, clusterValue]) => {
        const values = { clusterName: clusterValue.name, appName: args.appName, instanceName: args.instanceName };
        return `rclone:${repo.remoteName}:${resolvePathPattern(repo.pathPattern, values, `the path pattern of ${where}`)}`;
      }),
    );

    const secretData: Record<string, pulumi.Input<string>> = {
      password: args.password,
      "rclone.conf": repository.apply((repo) => repo.rcloneConfig),
    };
    for (const [key, value] of Object.entries(args.hookSecretEnv ?? {})) {
      if (key === "password" || key === "rclone.conf" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
        throw new InvalidBackupKitOptionsError(
          `${where}: hookSecretEnv "${key}" must be an environment variable name (and not "password")`,
        );
      }
      secretData[key] = value;
    }
    const stringData: Record<string, pulumi.Output<string>> = {};
    for (const [key, value] of Object.entries(secretData)) stringData[key] = pulumi.secret(value);
    this.credentials = new k8s.core.v1.Secret(
      `${name}-credentials`,
      { metadata: { name: `${objectName}-backup-credentials`, namespace: args.namespace, labels }, type: "Opaque", stringData },
      { ...child, deleteBeforeReplace: true },
    );

    const scriptData: Record<string, string> = { ...readKitScripts() };
    for (const [hook, file] of Object.entries(hookFiles) as Array<[keyof BackupHooks, string]>) {
      const text = args.hooks?.[hook];
      if (text !== undefined) scriptData[file] = text;
    }
    this.scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      { metadata: { name: `${objectName}-backup-scripts`, namespace: args.namespace, labels }, data: scriptData },
      { ...child, deleteBeforeReplace: true },
    );

    const podSpec = (script: "backup.sh" | "restore.sh", colocate: boolean): k8s.types.input.core.v1.PodSpec => {
      const hookImage = args.hookImage;
      const copy = (tool: string, image: string): k8s.types.input.core.v1.Container => ({
        name: `copy-${tool}`,
        image,
        command: ["/bin/sh", "-c", `cp "$(command -v ${tool})" ${toolsMount}/${tool}`],
        volumeMounts: [{ name: "tools", mountPath: toolsMount }],
      });
      const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: "RESTIC_REPOSITORY", value: this.repositoryUrl },
        { name: "RESTIC_PASSWORD_FILE", value: `${credentialsMount}/password` },
        { name: "RCLONE_CONFIG", value: `${credentialsMount}/rclone.conf` },
        { name: "RESTIC_HOST", value: this.snapshotHost },
        { name: "RESTIC_CACHE_DIR", value: "/cache" },
        { name: "DATA_DIR", value: dataMount },
        { name: "HOOKS_DIR", value: scriptsMount },
        { name: "RETENTION", value: retention },
        { name: "TMPDIR", value: "/tmp" },
        { name: "PATH", value: `${toolsMount}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
        ...Object.entries(args.hookEnv ?? {}).map(([key, value]) => ({ name: key, value })),
        ...Object.keys(args.hookSecretEnv ?? {}).map((key) => ({
          name: key,
          valueFrom: { secretKeyRef: { name: `${objectName}-backup-credentials`, key } },
        })),
      ];
      return {
        restartPolicy: "Never",
        terminationGracePeriodSeconds: 120,
        initContainers: [copy("rclone", this.images.rclone), ...(hookImage ? [copy("restic", this.images.restic)] : [])],
        containers: [
          {
            name: script === "backup.sh" ? "backup" : "restore",
            image: hookImage ?? this.images.restic,
            command: ["/bin/sh", `${scriptsMount}/${script}`],
            env,
            volumeMounts: [
              { name: "data", mountPath: dataMount },
              { name: "scripts", mountPath: scriptsMount, readOnly: true },
              { name: "credentials", mountPath: credentialsMount, readOnly: true },
              { name: "tools", mountPath: toolsMount },
              { name: "cache", mountPath: "/cache" },
              { name: "tmp", mountPath: "/tmp" },
            ],
            ...(args.resources ? { resources: args.resources } : {}),
          },
        ],
        volumes: [
          { name: "data", persistentVolumeClaim: { claimName: args.claimName } },
          { name: "scripts", configMap: { name: `${objectName}-backup-scripts`, defaultMode: 0o555 } },
          { name: "credentials", secret: { secretName: `${objectName}-backup-credentials`, defaultMode: 0o400 } },
          { name: "tools", emptyDir: {} },
          { name: "cache", emptyDir: {} },
          { name: "tmp", emptyDir: { medium: "Memory" } },
        ],
        ...(colocate && args.workloadSelector
          ? {
              affinity: {
                podAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    { labelSelector: { matchLabels: args.workloadSelector }, topologyKey: "kubernetes.io/hostname" },
                  ],
                },
              },
            }
          : {}),
      };
    };

    const after = { ...child, dependsOn: [this.credentials, this.scripts] };
    const jobTimeout = args.jobTimeout ?? "2h";
    if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(jobTimeout) || jobTimeout === "") {
      throw new InvalidBackupKitOptionsError(`${where}: jobTimeout "${jobTimeout}" must be a duration such as "45m" or "2h"`);
    }
    const jobTimeouts = { create: jobTimeout, update: jobTimeout };
    this.restoreJob = new k8s.batch.v1.Job(
      `${name}-restore`,
      {
        metadata: { name: `${objectName}-restore`, namespace: args.namespace, labels },
        spec: { backoffLimit: 2, template: { metadata: { labels }, spec: podSpec("restore.sh", false) } },
      },
      { ...after, deleteBeforeReplace: true, customTimeouts: jobTimeouts },
    );

    const backupJobSpec: k8s.types.input.batch.v1.JobSpec = {
      backoffLimit: 1,
      template: { metadata: { labels }, spec: podSpec("backup.sh", true) },
    };
    this.cronJob = new k8s.batch.v1.CronJob(
      `${name}-backup`,
      {
        metadata: { name: `${objectName}-backup`, namespace: args.namespace, labels },
        spec: {
          schedule,
          concurrencyPolicy: "Forbid",
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { metadata: { labels }, spec: backupJobSpec },
        },
      },
      { ...child, dependsOn: [this.restoreJob] },
    );

    if (args.invokedTriggers.includes(this.triggerName)) {
      // A new Job for every invocation (the pod template changes), so a retried destroy backs up again.
      this.backupOnDestroyJob = new k8s.batch.v1.Job(
        `${name}-backup-on-destroy`,
        {
          metadata: { name: `${objectName}-backup-on-destroy`, namespace: args.namespace, labels },
          spec: {
            ...backupJobSpec,
            template: {
              metadata: { labels, annotations: { "highstate.io/invoked-at": new Date().toISOString() } },
              spec: podSpec("backup.sh", true),
            },
          },
        },
        { ...child, dependsOn: [this.cronJob], deleteBeforeReplace: true, replaceOnChanges: ["spec"], customTimeouts: jobTimeouts },
      );
    }

    this.triggers = [{ name: this.triggerName, type: "before-destroy", title: `Back up ${args.instanceName} before destroying it` }];
    this.terminals = this.buildTerminals(args, objectName);
    this.registerOutputs({ repositoryUrl: this.repositoryUrl });
  }

  /**
   * An init container for the app's pod that waits until the restore Job has written its marker to
   * the volume, so the app never starts on a volume that is still empty or being restored.
   *
   * @param volumeName The name of the pod volume that holds the app's claim (mounted without subPath).
   */
  gateContainer(volumeName = "data"): k8s.types.input.core.v1.Container {
    return {
      name: "wait-for-restore",
      image: this.images.restic,
      command: [
        "/bin/sh",
        "-c",
        `until [ -f ${dataMount}/${restoreMarkerName} ]; do echo "waiting for the restore job ${this.objectName}-restore"; sleep 5; done`,
      ],
      volumeMounts: [{ name: volumeName, mountPath: dataMount, readOnly: true }],
    };
  }

  private buildTerminals(args: BackupKitArgs, objectName: string): DeepInput<TerminalSpecInput>[] {
    const repository = pulumi.output(args.repository);
    const kubeconfig = pulumi.secret(pulumi.output(args.cluster).apply((cluster) => cluster.kubeconfig));
    const namespace = pulumi.output(args.namespace);
    const backupNow = namespace.apply((ns) =>
      [
        "set -e",
        `job=${objectName}-manual-$(date +%s)`,
        `kubectl -n ${ns} create job --from=cronjob/${objectName}-backup "$job"`,
        `kubectl -n ${ns} wait --for=condition=ready pod -l job-name="$job" --timeout=15m || true`,
        `kubectl -n ${ns} logs -f "job/$job" --all-containers=false`,
        `kubectl -n ${ns} wait --for=condition=complete "job/$job" --timeout=5m && echo "backup $job finished"`,
      ].join("\n"),
    );
    return [
      {
        type: "local",
        name: `restic-${objectName}`,
        title: `Restic | ${args.instanceName}`,
        env: {
          RESTIC_REPOSITORY: this.repositoryUrl,
          RESTIC_HOST: this.snapshotHost,
          // The runner replaces these placeholders with the paths of the files below.
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
          RESTIC_PASSWORD_FILE: "${file:restic-password}",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
          RCLONE_CONFIG: "${file:rclone.conf}",
        },
        files: [
          { name: "restic-password", content: pulumi.secret(args.password), mode: 0o600 },
          { name: "rclone.conf", content: pulumi.secret(repository.apply((repo) => repo.rcloneConfig)), mode: 0o600 },
        ],
      },
      {
        type: "local",
        name: `backup-now-${objectName}`,
        title: `Back Up Now | ${args.instanceName}`,
        command: ["/bin/sh", "-c", backupNow],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: kubeconfig, mode: 0o600 }],
      },
    ];
  }
}
