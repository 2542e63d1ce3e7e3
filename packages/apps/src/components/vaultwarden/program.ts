import type { DatabaseConnection } from "@highstate/databases";
import {
  appLabels,
  createClusterProvider,
  createNamespace,
  createSecret,
  createVolumeClaim,
  kubernetesName,
  selectorLabels,
} from "@highstate/k8s/helpers";
import { PublishedService } from "@highstate/k8s/publish";
import { defineUnit, resourceName } from "@highstate/pulumi";
import { BackupKit, generateBackupPassword } from "@highstate/restic/kit";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppDatabaseError, databaseUrl } from "../../shared/database-url.js";
import { vaultwardenImage } from "../../shared/images.js";
import { generateToken, vaultwardenAdminTokenHash } from "../../shared/secrets.js";
import { vaultwarden } from "./definition.js";

/**
 * Vaultwarden: namespace, a Secret with the database URL and the admin token's hash, a `/data`
 * volume, a Deployment of the pinned image and a Service, published at `https://<fqdn>` through the
 * access point (certificate, route, DNS record). With a Restic Repo, the backup kit restores `/data`
 * before the first start (the Deployment waits for it) and backs it up nightly and before destroy.
 */
export default defineUnit(vaultwarden, (unit) => {
  const { args, inputs } = unit;
  const where = `Vaultwarden "${unit.name}"`;
  if (inputs.mariadb && inputs.postgresql) {
    throw new AppDatabaseError(`${where}: both "mariadb" and "postgresql" are connected: disconnect one, Vaultwarden uses one database`);
  }
  if (!inputs.mariadb && !inputs.postgresql) {
    throw new AppDatabaseError(
      `${where}: connect a database to "mariadb" (a MariaDB Database component) or "postgresql" (a PostgreSQL Database component)`,
    );
  }
  const scheme = inputs.mariadb ? "mysql" : "postgresql";
  const connection = (inputs.mariadb ?? inputs.postgresql) as pulumi.Output<DatabaseConnection>;
  const url = pulumi.secret(
    pulumi
      .all([connection, inputs.k8sCluster])
      .apply(([value, cluster]) => databaseUrl(scheme, value, cluster.id, `${where} input "${inputs.mariadb ? "mariadb" : "postgresql"}"`)),
  );
  const adminToken = args.enableAdminPanel ? unit.getSecret("adminToken", () => generateToken()) : undefined;

  const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
  const objectName = kubernetesName(unit.name);
  const namespaceName = args.namespace ?? objectName;
  const namespace = createNamespace(resourceName(unit), { name: namespaceName, podSecurity: "baseline" }, { provider });
  const labels = appLabels("vaultwarden", objectName);
  const selector = selectorLabels("vaultwarden", objectName);

  const envSecretName = `${objectName}-env`;
  const envSecret = createSecret(
    resourceName(unit, "env"),
    {
      name: envSecretName,
      namespace: namespace.metadata.name,
      data: { DATABASE_URL: url, ...(adminToken ? { ADMIN_TOKEN: adminToken.apply(vaultwardenAdminTokenHash) } : {}) },
      labels,
    },
    { provider },
  );
  const claimName = `${objectName}-data`;
  const volumeClaim = createVolumeClaim(
    resourceName(unit, "data"),
    { name: claimName, namespace: namespace.metadata.name, size: args.storageSize, storageClassName: args.storageClassName, labels },
    { provider },
  );
  const backup = inputs.resticRepo
    ? new BackupKit(
        resourceName(unit, "backup"),
        {
          repository: inputs.resticRepo,
          cluster: inputs.k8sCluster,
          appName: "vaultwarden",
          instanceName: unit.name,
          objectName,
          password: unit.getSecret("backupKey", generateBackupPassword),
          namespace: namespace.metadata.name,
          claimName: volumeClaim.metadata.name,
          workloadSelector: selector,
          invokedTriggers: unit.invokedTriggers,
        },
        { provider },
      )
    : undefined;
  const secretEnv = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: envSecretName, key: name } } });
  const deployment = new k8s.apps.v1.Deployment(
    resourceName(unit),
    {
      metadata: { name: objectName, namespace: namespace.metadata.name, labels },
      spec: {
        replicas: 1,
        // One pod at a time owns the volume.
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            // With backups, Vaultwarden starts only once the restore Job has finished with the volume.
            ...(backup ? { initContainers: [backup.gateContainer("data")] } : {}),
            containers: [
              {
                name: "vaultwarden",
                image: vaultwardenImage,
                env: [
                  { name: "DOMAIN", value: `https://${args.fqdn}` },
                  { name: "SIGNUPS_ALLOWED", value: String(args.allowSignups) },
                  { name: "DATA_FOLDER", value: "/data" },
                  { name: "ROCKET_PORT", value: "8080" },
                  secretEnv("DATABASE_URL"),
                  ...(adminToken ? [secretEnv("ADMIN_TOKEN")] : []),
                ],
                ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
                readinessProbe: { httpGet: { path: "/alive", port: "http" }, periodSeconds: 5, failureThreshold: 12 },
                volumeMounts: [{ name: "data", mountPath: "/data" }],
              },
            ],
            volumes: [{ name: "data", persistentVolumeClaim: { claimName } }],
          },
        },
      },
    },
    { provider, dependsOn: [envSecret, volumeClaim, ...(backup ? [backup.restoreJob] : [])] },
  );
  const service = new k8s.core.v1.Service(
    resourceName(unit),
    {
      metadata: { name: objectName, namespace: namespace.metadata.name, labels },
      spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", appProtocol: "http" }] },
    },
    { provider, dependsOn: [deployment] },
  );
  const published = new PublishedService(
    resourceName(unit),
    {
      accessPoint: inputs.accessPoint,
      cluster: inputs.k8sCluster,
      provider,
      fqdn: args.fqdn,
      namespace: namespace.metadata.name,
      service: { name: service.metadata.name, port: 80 },
      instanceId: unit.instance.id,
    },
    { dependsOn: [service] },
  );
  return {
    $statusFields: {
      ...published.statusFields(),
      ...(adminToken ? { adminToken: { value: adminToken, title: "Admin Token", secret: true } } : {}),
    },
    ...(backup ? { $triggers: backup.triggers, $terminals: backup.terminals } : {}),
  };
});
