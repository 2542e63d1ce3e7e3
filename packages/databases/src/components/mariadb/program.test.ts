import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { cluster, resticRepo, serviceMocks } from "../../__fixtures__/cluster.js";
import { databaseConnectionSchema } from "../../entities/connection.js";
import { databaseScript } from "../../shared/scripts.js";
import type { mariadb } from "./definition.js";

let unit: Unit<typeof mariadb>;
beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON; the assertions check their shape.
type Json = Record<string, any>;

describe("MariaDB", () => {
  it("creates valid Kubernetes objects with the data folder inside the volume and root from anywhere", async () => {
    const result = await testUnit(unit, { name: "maria", inputs: { k8sCluster: cluster }, mocks: serviceMocks });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated.sort()).toEqual([
      "kubernetes:apps/v1:StatefulSet maria",
      "kubernetes:core/v1:ConfigMap maria-scripts",
      "kubernetes:core/v1:Namespace maria",
      "kubernetes:core/v1:PersistentVolumeClaim maria-data",
      "kubernetes:core/v1:Secret maria-admin",
      "kubernetes:core/v1:Service maria",
    ]);
    const password = result.secrets.adminPassword!;
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    const container = (result.resource("kubernetes:apps/v1:StatefulSet").inputs.spec as Json).template.spec.containers[0];
    expect(container.image).toBe("mariadb:11.8.3-noble");
    expect(container.args).toContain("--datadir=/data/mysql");
    expect(container.env).toContainEqual({
      name: "MARIADB_ROOT_PASSWORD",
      valueFrom: { secretKeyRef: { name: "maria-admin", key: "password" } },
    });
    expect(container.env).toContainEqual({ name: "MARIADB_ROOT_HOST", value: "%" });
    expect(container.readinessProbe).toEqual({ tcpSocket: { port: "mariadb" }, periodSeconds: 5, failureThreshold: 6 });

    const scripts = result.resource("kubernetes:core/v1:ConfigMap").inputs.data as Record<string, string>;
    expect(scripts["mariadb-backup.sh"]).toBe(databaseScript("mariadb-backup.sh"));
    expect(scripts["initdb-restore.sh"]).toContain("MARIADB_SOCKET=/run/mysqld/mysqld.sock");

    expect(databaseConnectionSchema.parse(result.outputs.connection)).toEqual({
      endpoints: [{ host: "maria.maria.svc.cluster.local", port: 3306, protocol: "tcp", visibility: "internal" }],
      credentials: { username: "root", password },
      location: { clusterId: "cluster-uid", clusterName: "prod", namespace: "maria", service: "maria" },
    });
  });

  it("offers a mariadb terminal whose password comes from the container's environment", async () => {
    const result = await testUnit(unit, { name: "maria", inputs: { k8sCluster: cluster }, mocks: serviceMocks });
    const [terminal] = result.outputs.$terminals as Json[];
    expect(terminal!.title).toBe("mariadb");
    expect(terminal!.command.slice(-3)).toEqual(["sh", "-c", 'MYSQL_PWD="$MARIADB_ROOT_PASSWORD" exec mariadb --user=root']);
    expect(JSON.stringify(terminal)).not.toContain(result.secrets.adminPassword);
  });

  it("with a Restic Repo: dumps with mariadb-dump in the MariaDB image, the root password as a secret hook variable", async () => {
    const result = await testUnit(unit, {
      name: "maria",
      inputs: { k8sCluster: cluster },
      secretInputs: { resticRepo },
      mocks: serviceMocks,
    });
    await validateKubernetesResources(result.resources);
    const cronJob = result.resource("kubernetes:batch/v1:CronJob");
    const container = (cronJob.inputs.spec as Json).jobTemplate.spec.template.spec.containers[0];
    expect(container.image).toBe("mariadb:11.8.3-noble");
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: "MARIADB_HOST", value: "maria.maria.svc.cluster.local" },
        { name: "BACKUP_ARGS", value: "--exclude=mysql" },
        expect.objectContaining({ name: "MYSQL_PWD", valueFrom: expect.objectContaining({ secretKeyRef: expect.any(Object) }) }),
      ]),
    );
    expect(JSON.stringify(cronJob.inputs)).not.toContain(result.secrets.adminPassword);
    const spec = result.resource("kubernetes:apps/v1:StatefulSet").inputs.spec as Json;
    expect(spec.template.spec.initContainers).toHaveLength(1);
    expect(result.outputs.$triggers).toEqual([expect.objectContaining({ type: "before-destroy" })]);
  });

  it("backupMode physical: mariadb-backup hooks in the kit, reading the mounted data folder", async () => {
    const result = await testUnit(unit, {
      name: "maria",
      args: { backupMode: "physical" },
      inputs: { k8sCluster: cluster },
      secretInputs: { resticRepo },
      mocks: serviceMocks,
    });
    await validateKubernetesResources(result.resources);
    const kit = result.resources
      .filter((resource) => resource.type === "kubernetes:core/v1:ConfigMap")
      .map((resource) => Object.values(resource.inputs.data as Record<string, string>))
      .find((scripts) => scripts.includes(databaseScript("mariadb-physical-backup.sh")));
    expect(kit).toContain(databaseScript("mariadb-physical-restore.sh"));
    expect(kit).not.toContain(databaseScript("mariadb-backup.sh"));
    const cronJob = result.resource("kubernetes:batch/v1:CronJob");
    const container = (cronJob.inputs.spec as Json).jobTemplate.spec.template.spec.containers[0];
    expect(container.image).toBe("mariadb:11.8.3-noble");
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: "MARIADB_DATADIR", value: "/data/mysql" },
        { name: "BACKUP_DIR", value: "/data/physical" },
        expect.objectContaining({ name: "MYSQL_PWD", valueFrom: expect.objectContaining({ secretKeyRef: expect.any(Object) }) }),
      ]),
    );
    expect(JSON.stringify(cronJob.inputs)).not.toContain(result.secrets.adminPassword);
  });

  it("rejects a password shorter than 12 characters", async () => {
    const error = await runError(testUnit(unit, { inputs: { k8sCluster: cluster }, secrets: { adminPassword: "short" } }));
    expect(error.name).toBe("UnitSecretsError");
    expect(error.message).toContain("adminPassword");
  });
});
