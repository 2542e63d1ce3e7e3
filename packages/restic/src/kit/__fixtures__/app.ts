import { defineComponent, z } from "@highstate/contract";
import { clusterEntity } from "@highstate/k8s";
import { createClusterProvider, createNamespace } from "@highstate/k8s/helpers";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { resticRepositoryEntity } from "../../entities/repository.js";
import { BackupKit } from "../backup-kit.js";
import { generateBackupPassword } from "../options.js";

/** A small app with a volume and optional backups, the way app packages use the kit. */
export const notesApp = defineComponent({
  type: "test.notes.v1",
  args: {
    /** The schedule of the nightly backup. */
    schedule: z.string().optional(),
    /** Whether the hooks run in the app's own image. */
    hookImage: z.string().optional(),
    /** How long to wait for the kit's Jobs. */
    jobTimeout: z.string().optional(),
  },
  secrets: {
    /** The backup password. */
    backupKey: z.string().optional(),
  },
  inputs: {
    k8sCluster: { entity: clusterEntity },
    resticRepo: { entity: resticRepositoryEntity, required: false },
  },
  outputs: {},
  meta: { title: "Notes" },
  source: { package: "@highstate/restic", path: "notes" },
});

export default defineUnit(notesApp, (unit) => {
  const { inputs, args } = unit;
  const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
  const namespace = createNamespace(resourceName(unit), {}, { provider });
  const claim = new k8s.core.v1.PersistentVolumeClaim(
    resourceName(unit, "data"),
    {
      metadata: { name: "notes-data", namespace: namespace.metadata.name },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
    { provider },
  );
  const selector = { "app.kubernetes.io/name": "notes" };
  const backup =
    inputs.resticRepo &&
    new BackupKit(
      resourceName(unit, "backup"),
      {
        repository: inputs.resticRepo,
        cluster: inputs.k8sCluster,
        appName: "notes",
        instanceName: unit.name,
        password: unit.getSecret("backupKey", generateBackupPassword),
        namespace: namespace.metadata.name,
        claimName: claim.metadata.name,
        workloadSelector: selector,
        hooks: { lock: "touch /data/.locked", unlock: "rm -f /data/.locked", postRestore: "chown -R 1000:1000 /data" },
        hookImage: args.hookImage,
        hookEnv: { NOTES_DB: "/data/notes.db" },
        hookSecretEnv: { NOTES_TOKEN: "token-value" },
        ...(args.schedule ? { schedule: args.schedule } : {}),
        ...(args.jobTimeout ? { jobTimeout: args.jobTimeout } : {}),
        invokedTriggers: unit.invokedTriggers,
      },
      { provider },
    );
  new k8s.apps.v1.Deployment(
    resourceName(unit),
    {
      metadata: { name: "notes", namespace: namespace.metadata.name },
      spec: {
        selector: { matchLabels: selector },
        strategy: { type: "Recreate" },
        template: {
          metadata: { labels: selector },
          spec: {
            initContainers: backup ? [backup.gateContainer("data")] : [],
            containers: [{ name: "notes", image: "docker.io/library/busybox:1.37", volumeMounts: [{ name: "data", mountPath: "/var/notes" }] }],
            volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } }],
          },
        },
      },
    },
    { provider, dependsOn: backup ? [backup.restoreJob] : [claim] },
  );
  return {
    ...(backup ? { $triggers: backup.triggers, $terminals: backup.terminals } : {}),
  };
});

/** A cluster that is simply there: outputs a fixed `k8s.cluster.v1` (stands in for Existing Cluster in orchestration tests). */
export const staticCluster = defineComponent({
  type: "test.static-cluster.v1",
  outputs: { k8sCluster: clusterEntity },
  meta: { title: "Static Cluster" },
  source: { package: "@highstate/restic", path: "static-cluster" },
});

/** The program of {@link staticCluster}. */
export const staticClusterUnit = defineUnit(staticCluster, (unit) => ({
  k8sCluster: { id: "uid-1", name: unit.name, apiEndpoint: { host: "10.0.0.1", port: 6443 }, kubeconfig: "apiVersion: v1\nkind: Config\n" },
}));
