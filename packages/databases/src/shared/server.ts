import type { DnsProvider, Endpoint } from "@highstate/common";
import type { Cluster } from "@highstate/k8s";
import {
  appLabels,
  createClusterProvider,
  createNamespace,
  createSecret,
  createVolumeClaim,
  kubernetesName,
  selectorLabels,
  serviceEntity,
} from "@highstate/k8s/helpers";
import { type PlatformOutputsInput, resourceName, type StatusFieldsInput } from "@highstate/pulumi";
import type { ResticRepository } from "@highstate/restic";
import { BackupKit, generateBackupPassword } from "@highstate/restic/kit";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConnection } from "../entities/connection.js";
import { databaseBackupOptions } from "./backup.js";
import { createDatabaseDnsRecords } from "./dns.js";
import { generatePassword } from "./password.js";
import { type DatabaseScriptName, databaseScript } from "./scripts.js";

/** Where the data volume is mounted in the server container; the database files and dumps are folders in it. */
export const dataMountPath = "/data";
/** Where the dumps of the backup hooks live in the volume (backed up by the restic kit, restored on first start). */
export const dumpDir = `${dataMountPath}/dump`;
/** Where the package's scripts are mounted in the server container. */
export const scriptsMountPath = "/opt/highstate";

/** What differs between PostgreSQL and MariaDB. */
export interface DatabaseFlavor {
  /** `postgresql` or `mariadb`: the app label and the scripts' prefix. */
  app: "postgresql" | "mariadb";
  /** The pinned server image. */
  image: string;
  /** The folder of the volume holding the live database files (`pgdata`, `mysql`); never backed up as files. */
  dataFolder: string;
  port: number;
  portName: string;
  /** The admin user. */
  adminUser: string;
  /** The uid/gid the image runs the server as (for the volume's group). */
  fsGroup: number;
  /** Container env: the admin password comes from the Secret `key` `password`. */
  env(passwordSecret: string): k8s.types.input.core.v1.EnvVar[];
  /** Extra args of the server command. */
  args: string[];
  /**
   * Extra server args and config files (mounted from the scripts ConfigMap at `/opt/highstate`) a
   * physical backup needs, e.g. PostgreSQL's pg_hba.conf allowing the backup's replication connection.
   */
  physicalBackup?: { args: string[]; files: Record<string, string> };
  /** The wrapper run from /docker-entrypoint-initdb.d on first start: restores a dump found in the volume. */
  initScript: string;
  /** The command of the client terminal, run in the server container. */
  clientCommand: string[];
  /** The readiness probe. */
  readinessProbe: k8s.types.input.core.v1.Probe;
}

/** The unit context parts the server builder reads. */
export interface ServerUnit {
  name: string;
  args: {
    namespace?: string;
    external: boolean;
    fqdn?: string;
    storageSize: string;
    storageClassName?: string;
    backupMode?: "logical" | "physical";
  };
  instance: { readonly id: string };
  inputs: { k8sCluster: pulumi.Output<Cluster>; resticRepo?: pulumi.Output<ResticRepository>; dnsProviders: pulumi.Output<DnsProvider>[] };
  invokedTriggers: readonly string[];
  getSecret(name: "adminPassword" | "backupKey", generate: () => string): pulumi.Output<string>;
}

/** What the server builder made. */
export interface DatabaseServer {
  namespace: string;
  objectName: string;
  provider: k8s.Provider;
  password: pulumi.Output<string>;
  service: k8s.core.v1.Service;
  statefulSet: k8s.apps.v1.StatefulSet;
  volumeClaim: k8s.core.v1.PersistentVolumeClaim;
  connection: pulumi.Output<DatabaseConnection>;
  serviceValue: ReturnType<typeof serviceEntity>;
  /** The backup kit, when a Restic Repo is connected. */
  backup?: BackupKit;
  /** Status fields, terminals and triggers for the unit's return value. */
  statusFields: StatusFieldsInput;
  terminals: NonNullable<PlatformOutputsInput["$terminals"]>;
  triggers: NonNullable<PlatformOutputsInput["$triggers"]>;
}

/**
 * Creates a database server: its namespace, the admin password Secret, the scripts ConfigMap (hooks
 * and the first-start restore), the data PVC, the Service and a one-replica StatefulSet running the
 * pinned image on that PVC. With a Restic Repo, the backup kit (`@highstate/restic/kit`) backs the
 * dumps up and restores the latest one into a new, empty volume before the server first starts, which
 * then loads it.
 */
export function createDatabaseServer(unit: ServerUnit, flavor: DatabaseFlavor): DatabaseServer {
  const { args } = unit;
  const cluster = unit.inputs.k8sCluster;
  const namespaceName = args.namespace ?? kubernetesName(unit.name);
  const objectName = kubernetesName(unit.name);
  const provider = createClusterProvider(resourceName(unit), cluster);
  const namespace = createNamespace(resourceName(unit), { name: namespaceName, podSecurity: "baseline" }, { provider });
  const labels = appLabels(flavor.app, objectName);
  const selector = selectorLabels(flavor.app, objectName);
  const password = unit.getSecret("adminPassword", () => generatePassword());

  const passwordSecret = `${objectName}-admin`;
  const secret = createSecret(
    resourceName(unit, "admin"),
    { name: passwordSecret, namespace: namespace.metadata.name, data: { username: flavor.adminUser, password }, labels },
    { provider },
  );
  const scriptNames: DatabaseScriptName[] = [`${flavor.app}-backup.sh`, `${flavor.app}-restore.sh`, `${flavor.app}-create-database.sh`];
  const physical = unit.inputs.resticRepo !== undefined && args.backupMode === "physical";
  const physicalExtras = physical ? flavor.physicalBackup : undefined;
  const scripts = new k8s.core.v1.ConfigMap(
    resourceName(unit, "scripts"),
    {
      metadata: { name: `${objectName}-scripts`, namespace: namespace.metadata.name, labels },
      data: {
        ...Object.fromEntries(scriptNames.map((name) => [name, databaseScript(name)])),
        "initdb-restore.sh": flavor.initScript,
        ...physicalExtras?.files,
      },
    },
    { provider },
  );
  const claimName = `${objectName}-data`;
  const volumeClaim = createVolumeClaim(
    resourceName(unit, "data"),
    { name: claimName, namespace: namespace.metadata.name, size: args.storageSize, storageClassName: args.storageClassName, labels },
    { provider },
  );
  const serviceType = pulumi.output(cluster).apply((value) => (args.external ? value.quirks.externalServiceType : "ClusterIP"));
  const service = new k8s.core.v1.Service(
    resourceName(unit),
    {
      metadata: { name: objectName, namespace: namespace.metadata.name, labels },
      spec: {
        type: serviceType,
        selector,
        ports: [{ name: flavor.portName, port: flavor.port, targetPort: flavor.portName, protocol: "TCP" }],
      },
    },
    { provider },
  );
  const host = `${objectName}.${namespaceName}.svc.cluster.local`;
  const repository = unit.inputs.resticRepo;
  const backup = repository
    ? new BackupKit(
        resourceName(unit, "backup"),
        {
          repository,
          cluster,
          appName: flavor.app,
          instanceName: unit.name,
          objectName,
          password: unit.getSecret("backupKey", generateBackupPassword),
          namespace: namespace.metadata.name,
          claimName: volumeClaim.metadata.name,
          workloadSelector: selector,
          ...databaseBackupOptions(flavor, { host, password }, physical ? "physical" : "logical"),
          invokedTriggers: unit.invokedTriggers,
        },
        { provider },
      )
    : undefined;
  const statefulSet = new k8s.apps.v1.StatefulSet(
    resourceName(unit),
    {
      metadata: { name: objectName, namespace: namespace.metadata.name, labels },
      spec: {
        replicas: 1,
        serviceName: objectName,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { fsGroup: flavor.fsGroup },
            // With backups, the server starts only once the restore Job has finished with the volume.
            ...(backup ? { initContainers: [backup.gateContainer("data")] } : {}),
            containers: [
              {
                name: flavor.app,
                image: flavor.image,
                args: [...flavor.args, ...(physicalExtras?.args ?? [])],
                env: [...flavor.env(passwordSecret), { name: "DUMP_DIR", value: dumpDir }],
                ports: [{ name: flavor.portName, containerPort: flavor.port, protocol: "TCP" }],
                readinessProbe: flavor.readinessProbe,
                volumeMounts: [
                  { name: "data", mountPath: dataMountPath },
                  { name: "scripts", mountPath: scriptsMountPath, readOnly: true },
                  {
                    name: "scripts",
                    mountPath: "/docker-entrypoint-initdb.d/highstate-restore.sh",
                    subPath: "initdb-restore.sh",
                    readOnly: true,
                  },
                ],
              },
            ],
            volumes: [
              { name: "data", persistentVolumeClaim: { claimName } },
              { name: "scripts", configMap: { name: `${objectName}-scripts`, defaultMode: 0o755 } },
            ],
          },
        },
      },
    },
    { provider, dependsOn: [secret, scripts, volumeClaim, service, ...(backup ? [backup.restoreJob] : [])] },
  );

  const serviceValue = serviceEntity(service, cluster);
  const endpoints = serviceValue.apply((value) => {
    const list: Endpoint[] = [...value.endpoints];
    if (args.fqdn) {
      const published = list.filter((endpoint) => endpoint.visibility === "public");
      for (const endpoint of published.length > 0 ? published : list.slice(0, 1)) {
        list.push({ ...endpoint, host: args.fqdn, visibility: "public" });
      }
    }
    return list;
  });
  // The connection is published only once the FQDN's records exist.
  const records = createDatabaseDnsRecords(resourceName(unit), {
    fqdn: args.fqdn,
    providers: unit.inputs.dnsProviders,
    endpoints,
    instanceId: unit.instance.id,
  });
  const connection = pulumi.all([endpoints, pulumi.output(cluster), password, records]).apply(
    ([endpointList, clusterValue, passwordValue]): DatabaseConnection => ({
      endpoints: endpointList,
      credentials: { username: flavor.adminUser, password: passwordValue },
      location: { clusterId: clusterValue.id, clusterName: clusterValue.name, namespace: namespaceName, service: objectName },
    }),
  );
  const kubeconfig = pulumi.secret(pulumi.output(cluster).apply((value) => value.kubeconfig));
  const address = endpoints.apply((list) => {
    const outside = list.find((endpoint) => endpoint.visibility === "public");
    return outside ? `${outside.host}:${outside.port}` : undefined;
  }) as pulumi.Output<string>; // undefined (not exposed) leaves the field out
  return {
    namespace: namespaceName,
    objectName,
    provider,
    password,
    service,
    statefulSet,
    volumeClaim,
    connection,
    serviceValue,
    ...(backup ? { backup } : {}),
    triggers: backup ? backup.triggers : [],
    statusFields: {
      host: { value: `${host}:${flavor.port}`, title: "Cluster Host" },
      address: { value: address, title: "Address" },
      adminUser: { value: flavor.adminUser, title: "Admin User" },
      dns: {
        value: records.apply((list) => (list.length > 0 ? list.join(", ") : undefined)) as pulumi.Output<string>,
        title: "DNS Records",
      },
      adminPassword: { value: password, title: "Admin Password", secret: true },
    },
    terminals: [
      {
        type: "local" as const,
        name: "client",
        title: flavor.app === "postgresql" ? "psql" : "mariadb",
        command: [
          "kubectl",
          "exec",
          "--stdin",
          "--tty",
          "--namespace",
          namespaceName,
          `${objectName}-0`,
          "--container",
          flavor.app,
          "--",
          ...flavor.clientCommand,
        ],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's file placeholder.
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: kubeconfig, mode: 0o600 }],
      },
      ...(backup ? backup.terminals : []),
    ],
  };
}
