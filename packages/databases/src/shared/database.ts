import { createHash } from "node:crypto";
import type { Cluster } from "@highstate/k8s";
import { appLabels, createClusterProvider, createSecret, kubernetesName } from "@highstate/k8s/helpers";
import { resourceName } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { bestDatabaseEndpoint, type DatabaseConnection } from "../entities/connection.js";
import { defaultDatabaseName } from "./definition.js";
import { generatePassword } from "./password.js";
import { databaseScript } from "./scripts.js";

/** Thrown when a Database component cannot tell where to run its setup Job or how to reach the server. */
export class DatabaseServerUnreachableError extends Error {
  override name = "DatabaseServerUnreachableError";
}

/** What differs between the PostgreSQL and MariaDB Database components. */
export interface DatabaseSetupFlavor {
  app: "postgresql" | "mariadb";
  /** The client image of the setup Job (the server image, whose client matches the server). */
  image: string;
  /** Env giving the script the admin connection; `host`/`port` are the server's, the password comes from the Secret key `admin-password`. */
  adminEnv(host: string, port: number, username: string, secret: string): k8s.types.input.core.v1.EnvVar[];
}

/** The unit context parts the Database builder reads. */
export interface DatabaseUnit {
  name: string;
  args: { database?: string; username?: string; namespace?: string };
  inputs: { k8sCluster: pulumi.Output<Cluster>; server: pulumi.Output<DatabaseConnection> };
  getSecret(name: "password", generate: () => string): pulumi.Output<string>;
}

/**
 * Creates the database and its user with a Job in the server's cluster, running the package's
 * `<app>-create-database.sh` with the server's client tools; the Job is replaced (and so re-run) when
 * the database, user or password changes. Returns the app's connection.
 */
export function createDatabase(unit: DatabaseUnit, flavor: DatabaseSetupFlavor) {
  const database = unit.args.database ?? defaultDatabaseName(unit.name);
  const username = unit.args.username ?? database;
  const password = unit.getSecret("password", () => generatePassword());
  const cluster = unit.inputs.k8sCluster;
  const provider = createClusterProvider(resourceName(unit), cluster);
  const objectName = kubernetesName(unit.name, "setup");
  const labels = appLabels(flavor.app, unit.name, "database-setup");

  const target = pulumi.all([unit.inputs.server, pulumi.output(cluster)]).apply(([server, clusterValue]) => {
    const namespace = unit.args.namespace ?? server.location?.namespace;
    if (!namespace) {
      throw new DatabaseServerUnreachableError(
        `Database "${unit.name}": the server connection does not say which namespace the server runs in; set the "namespace" arg to run the setup Job in`,
      );
    }
    const endpoint = bestDatabaseEndpoint(server, clusterValue.id);
    if (!endpoint) {
      throw new DatabaseServerUnreachableError(
        `Database "${unit.name}": the server is reachable only inside cluster "${server.location?.clusterName}", but "k8sCluster" is "${clusterValue.name}": connect the cluster the server runs in`,
      );
    }
    return { namespace, host: endpoint.host, port: endpoint.port, adminUser: server.credentials.username };
  });
  const namespace = target.apply((value) => value.namespace);
  const secret = createSecret(
    resourceName(unit, "setup"),
    {
      name: objectName,
      namespace,
      data: { "admin-password": unit.inputs.server.apply((server) => server.credentials.password), "user-password": password },
      labels,
    },
    { provider },
  );
  const scripts = new k8s.core.v1.ConfigMap(
    resourceName(unit, "setup"),
    {
      metadata: { name: objectName, namespace, labels },
      data: { "create-database.sh": databaseScript(`${flavor.app}-create-database.sh`) },
    },
    { provider },
  );
  // Changing the password changes this revision, so the Job is replaced and runs again. A hash of
  // 128 random bits reveals nothing about them.
  const revision = pulumi
    .all([password, target])
    .apply(([value, where]) =>
      createHash("sha256").update(`${database}\n${username}\n${where.host}:${where.port}\n${value}`).digest("hex").slice(0, 16),
    );
  const job = new k8s.batch.v1.Job(
    resourceName(unit, "setup"),
    {
      metadata: { namespace, labels, annotations: { "highstate.io/revision": revision } },
      spec: {
        backoffLimit: 4,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "OnFailure",
            containers: [
              {
                name: "setup",
                image: flavor.image,
                command: ["/bin/sh", "/opt/highstate/create-database.sh"],
                env: target.apply((where) => [
                  ...flavor.adminEnv(where.host, where.port, where.adminUser, objectName),
                  { name: "DATABASE_NAME", value: database },
                  { name: "DATABASE_USER", value: username },
                  { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: objectName, key: "user-password" } } },
                ]),
                volumeMounts: [{ name: "scripts", mountPath: "/opt/highstate", readOnly: true }],
              },
            ],
            volumes: [{ name: "scripts", configMap: { name: objectName } }],
          },
        },
      },
    },
    { provider, dependsOn: [secret, scripts], replaceOnChanges: ["*"], deleteBeforeReplace: true },
  );

  const connection = pulumi
    .all([unit.inputs.server, password, job.metadata.uid])
    .apply(([server, passwordValue]): DatabaseConnection => ({ ...server, credentials: { username, password: passwordValue }, database }));
  return {
    connection,
    statusFields: {
      database: { value: database, title: "Database" },
      username: { value: username, title: "User" },
      password: { value: password, title: "Password", secret: true },
    },
  };
}
