import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dnsProvider, useFixtureDns } from "../../__fixtures__/capabilities.js";
import { cluster, otherCluster, resticRepo, serviceMocks } from "../../__fixtures__/cluster.js";
import { databaseConnectionSchema } from "../../entities/connection.js";
import { databaseScript } from "../../shared/scripts.js";
import type { postgresql } from "./definition.js";

let unit: Unit<typeof postgresql>;
let restoreCapabilities: () => void;
beforeAll(async () => {
  unit = (await import("./program.js")).default;
  restoreCapabilities = useFixtureDns();
});
afterAll(() => restoreCapabilities());

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON; the assertions check their shape.
type Json = Record<string, any>;

describe("PostgreSQL", () => {
  it("creates valid Kubernetes objects: namespace, admin Secret, scripts, PVC, Service and the pinned StatefulSet", async () => {
    const result = await testUnit(unit, { name: "main-db", inputs: { k8sCluster: cluster }, mocks: serviceMocks });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated.sort()).toEqual([
      "kubernetes:apps/v1:StatefulSet main-db",
      "kubernetes:core/v1:ConfigMap main-db-scripts",
      "kubernetes:core/v1:Namespace main-db",
      "kubernetes:core/v1:PersistentVolumeClaim main-db-data",
      "kubernetes:core/v1:Secret main-db-admin",
      "kubernetes:core/v1:Service main-db",
    ]);
    expect(report.skipped).toEqual([]);

    const password = result.secrets.adminPassword!;
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    const secret = result.resource("kubernetes:core/v1:Secret");
    expect(secret.inputs.stringData).toEqual({ username: "postgres", password });
    expect(secret.secretInputs).toContain("stringData");

    const statefulSet = result.resource("kubernetes:apps/v1:StatefulSet");
    const spec = statefulSet.inputs.spec as Json;
    const container = spec.template.spec.containers[0];
    expect(container.image).toBe("postgres:17.6-bookworm");
    expect(container.env).toContainEqual({
      name: "POSTGRES_PASSWORD",
      valueFrom: { secretKeyRef: { name: "main-db-admin", key: "password" } },
    });
    expect(container.env).toContainEqual({ name: "PGDATA", value: "/data/pgdata" });
    expect(JSON.stringify(statefulSet.inputs)).not.toContain(password);
    expect(spec.template.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "main-db-data" } });
    expect(container.volumeMounts).toContainEqual({
      name: "scripts",
      mountPath: "/docker-entrypoint-initdb.d/highstate-restore.sh",
      subPath: "initdb-restore.sh",
      readOnly: true,
    });

    const scripts = result.resource("kubernetes:core/v1:ConfigMap").inputs.data as Record<string, string>;
    expect(scripts["postgresql-backup.sh"]).toBe(databaseScript("postgresql-backup.sh"));
    expect(scripts["postgresql-restore.sh"]).toBe(databaseScript("postgresql-restore.sh"));
    expect(scripts["initdb-restore.sh"]).toContain('DUMP_DIR="/data/dump" exec /bin/sh /opt/highstate/postgresql-restore.sh');

    const claim = result.resource("kubernetes:core/v1:PersistentVolumeClaim");
    expect((claim.inputs.spec as Json).resources).toEqual({ requests: { storage: "10Gi" } });
    expect((claim.inputs.metadata as Json).annotations).toEqual({ "pulumi.com/skipAwait": "true" });
    expect((result.resource("kubernetes:core/v1:Service").inputs.spec as Json).type).toBe("ClusterIP");

    const connection = databaseConnectionSchema.parse(result.outputs.connection);
    expect(connection).toEqual({
      endpoints: [{ host: "main-db.main-db.svc.cluster.local", port: 5432, protocol: "tcp", visibility: "internal" }],
      credentials: { username: "postgres", password },
      location: { clusterId: "cluster-uid", clusterName: "prod", namespace: "main-db", service: "main-db" },
    });
    expect(result.secretOutputs).toContain("connection");
    expect(result.outputs.$statusFields).toEqual([
      { name: "host", title: "Cluster Host", value: "main-db.main-db.svc.cluster.local:5432", secret: false },
      { name: "adminUser", title: "Admin User", value: "postgres", secret: false },
      { name: "adminPassword", title: "Admin Password", value: password, secret: true },
    ]);
  });

  it("keeps the generated password on the next run and uses a password set by the user", async () => {
    const first = await testUnit(unit, { inputs: { k8sCluster: cluster }, mocks: serviceMocks });
    const second = await testUnit(unit, { inputs: { k8sCluster: cluster }, secrets: first.secrets, mocks: serviceMocks });
    expect(second.secrets).toEqual({});
    expect(databaseConnectionSchema.parse(second.outputs.connection).credentials.password).toBe(first.secrets.adminPassword);
    const chosen = await testUnit(unit, {
      inputs: { k8sCluster: cluster },
      secrets: { adminPassword: "my-own-password-123" },
      mocks: serviceMocks,
    });
    expect(databaseConnectionSchema.parse(chosen.outputs.connection).credentials.password).toBe("my-own-password-123");
  });

  it("exposes the server outside with a node port, its FQDN and the address status", async () => {
    const result = await testUnit(unit, {
      name: "pg",
      args: { external: true, fqdn: "db.example.com", namespace: "databases", storageSize: "50Gi", storageClassName: "fast" },
      inputs: { k8sCluster: cluster },
      mocks: serviceMocks,
    });
    await validateKubernetesResources(result.resources);
    expect((result.resource("kubernetes:core/v1:Service").inputs.spec as Json).type).toBe("NodePort");
    expect((result.resource("kubernetes:core/v1:PersistentVolumeClaim").inputs.spec as Json).storageClassName).toBe("fast");
    const connection = databaseConnectionSchema.parse(result.outputs.connection);
    expect(connection.endpoints).toEqual([
      { host: "pg.databases.svc.cluster.local", port: 5432, protocol: "tcp", visibility: "internal" },
      { host: "203.0.113.7", port: 30432, protocol: "tcp", visibility: "public" },
      { host: "db.example.com", port: 30432, protocol: "tcp", visibility: "public" },
    ]);
    expect(result.outputs.$statusFields).toContainEqual({ name: "address", title: "Address", value: "203.0.113.7:30432", secret: false });

    const balanced = await testUnit(unit, {
      name: "pg",
      args: { external: true },
      inputs: { k8sCluster: otherCluster },
      mocks: serviceMocks,
    });
    expect(databaseConnectionSchema.parse(balanced.outputs.connection).endpoints[1]).toEqual({
      host: "198.51.100.9",
      port: 5432,
      protocol: "tcp",
      visibility: "public",
    });
  });

  it("offers a psql terminal through kubectl exec, with the kubeconfig as a file", async () => {
    const result = await testUnit(unit, { name: "pg", inputs: { k8sCluster: cluster }, mocks: serviceMocks });
    expect(result.outputs.$terminals).toEqual([
      {
        type: "local",
        name: "client",
        title: "psql",
        command: [
          "kubectl",
          "exec",
          "--stdin",
          "--tty",
          "--namespace",
          "pg",
          "pg-0",
          "--container",
          "postgresql",
          "--",
          "psql",
          "--username",
          "postgres",
        ],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's file placeholder.
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: cluster.kubeconfig, mode: 0o600 }],
      },
    ]);
    expect(result.secretOutputs).toContain("$terminals");
  });

  it("with a Restic Repo: dumps with the hook in the server image, restores before the first start, backs up before destroy", async () => {
    const result = await testUnit(unit, { name: "pg", inputs: { k8sCluster: cluster }, secretInputs: { resticRepo }, mocks: serviceMocks });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated).toEqual(
      expect.arrayContaining([
        "kubernetes:batch/v1:Job pg-backup-restore",
        "kubernetes:batch/v1:CronJob pg-backup-backup",
        "kubernetes:core/v1:Secret pg-backup-credentials",
      ]),
    );
    expect(result.secrets.backupKey).toMatch(/^[0-9a-f]{64}$/);
    const password = result.secrets.adminPassword!;

    // The hook is the package's backup script, run in the PostgreSQL image against the Service.
    const cronJob = result.resource("kubernetes:batch/v1:CronJob");
    const job = (cronJob.inputs.spec as Json).jobTemplate.spec.template.spec;
    const container = job.containers[0];
    expect(container.image).toBe("postgres:17.6-bookworm");
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: "PGHOST", value: "pg.pg.svc.cluster.local" },
        { name: "DUMP_DIR", value: "/data/dump" },
        { name: "BACKUP_ARGS", value: "--exclude=pgdata" },
      ]),
    );
    expect(JSON.stringify(cronJob.inputs)).not.toContain(password);
    const kitScripts = result.resources
      .filter((resource) => resource.type === "kubernetes:core/v1:ConfigMap")
      .map((resource) => resource.inputs.data as Record<string, string>);
    expect(kitScripts.some((data) => Object.values(data).includes(databaseScript("postgresql-backup.sh")))).toBe(true);

    // The server waits for the restore Job: an init container gate on the same volume.
    const spec = result.resource("kubernetes:apps/v1:StatefulSet").inputs.spec as Json;
    expect(spec.template.spec.initContainers).toHaveLength(1);
    expect(spec.template.spec.initContainers[0].volumeMounts[0].name).toBe("data");

    expect(result.outputs.$triggers).toEqual([expect.objectContaining({ type: "before-destroy" })]);
    expect((result.outputs.$terminals as Json[]).map((terminal) => terminal.name)).toEqual(expect.arrayContaining(["client"]));
    expect((result.outputs.$terminals as Json[]).length).toBeGreaterThan(1);

    const again = await testUnit(unit, {
      name: "pg",
      inputs: { k8sCluster: cluster },
      secretInputs: { resticRepo },
      secrets: result.secrets,
      mocks: serviceMocks,
    });
    expect(again.secrets).toEqual({});
  });

  it("backupMode physical: pg_basebackup hooks in the kit, and a pg_hba.conf that admits the replication connection", async () => {
    const result = await testUnit(unit, {
      name: "pg",
      args: { backupMode: "physical" },
      inputs: { k8sCluster: cluster },
      secretInputs: { resticRepo },
      mocks: serviceMocks,
    });
    await validateKubernetesResources(result.resources);
    const configMaps = result.resources
      .filter((resource) => resource.type === "kubernetes:core/v1:ConfigMap")
      .map((resource) => resource.inputs.data as Record<string, string>);
    const kit = configMaps.find((data) => Object.values(data).includes(databaseScript("postgresql-physical-backup.sh")));
    expect(kit, "the kit runs the physical backup hook").toBeDefined();
    expect(Object.values(kit!)).toContain(databaseScript("postgresql-physical-restore.sh"));
    expect(configMaps.some((data) => Object.values(data).includes(databaseScript("postgresql-backup.sh")) && data === kit)).toBe(false);

    const server = configMaps.find((data) => data["pg_hba.conf"] !== undefined);
    expect(server!["pg_hba.conf"]).toMatch(/^host\s+replication\s+all\s+all\s+scram-sha-256$/m);
    const container = (result.resource("kubernetes:apps/v1:StatefulSet").inputs.spec as Json).template.spec.containers[0];
    expect(container.args).toEqual(["-c", "hba_file=/opt/highstate/pg_hba.conf"]);
    const cronJob = result.resource("kubernetes:batch/v1:CronJob");
    expect((cronJob.inputs.spec as Json).jobTemplate.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "BACKUP_DIR", value: "/data/physical" },
        { name: "PGDATA", value: "/data/pgdata" },
      ]),
    );
    expect(JSON.stringify(cronJob.inputs)).not.toContain(result.secrets.adminPassword!);

    // Without a Restic Repo the mode changes nothing.
    const plain = await testUnit(unit, {
      name: "pg",
      args: { backupMode: "physical" },
      inputs: { k8sCluster: cluster },
      mocks: serviceMocks,
    });
    const plainContainer = (plain.resource("kubernetes:apps/v1:StatefulSet").inputs.spec as Json).template.spec.containers[0];
    expect(plainContainer.args ?? []).toEqual([]);
  });

  it("creates A records for its FQDN with the DNS provider serving the zone, pointing at its public addresses", async () => {
    const result = await testUnit(unit, {
      name: "pg",
      args: { external: true, fqdn: "db.example.com" },
      inputs: { k8sCluster: cluster },
      secretInputs: { dnsProviders: [dnsProvider] },
      mocks: serviceMocks,
    });
    const records = result.resources.filter((resource) => resource.type === "fixture:dns:Record");
    expect(records.map((record) => record.inputs)).toEqual([
      {
        zone: "example.com",
        name: "db.example.com",
        type: "A",
        value: "203.0.113.7",
        comment: "Managed by Highstate [databases.postgresql.v1:pg]",
        token: "dns-token-value",
      },
    ]);
    expect(records[0]!.secretInputs).toContain("token");
    expect(result.outputs.$statusFields).toContainEqual({ name: "dns", title: "DNS Records", value: "A 203.0.113.7", secret: false });
  });

  it("explains an FQDN outside the providers' zones, and one without a public address", async () => {
    const outside = await runError(
      testUnit(unit, {
        name: "pg",
        args: { external: true, fqdn: "db.example.org" },
        inputs: { k8sCluster: cluster, dnsProviders: [dnsProvider] },
        mocks: serviceMocks,
      }),
    );
    expect(outside.name).toBe("DatabaseDnsError");
    expect(outside.message).toContain('"db.example.org" is in none of the zones of the connected DNS providers (example.com)');
    const internal = await runError(
      testUnit(unit, {
        name: "pg",
        args: { fqdn: "db.example.com" },
        inputs: { k8sCluster: cluster, dnsProviders: [dnsProvider] },
        mocks: serviceMocks,
      }),
    );
    expect(internal.message).toContain('needs a public IP address of the server: set "external"');
  });

  it.each([
    [{ storageSize: "lots" }, "storageSize"],
    [{ namespace: "Bad_Name" }, "namespace"],
    [{ fqdn: "not a host" }, "fqdn"],
  ])("rejects bad args %j naming %s", async (args, field) => {
    const error = await runError(testUnit(unit, { args: args as never, inputs: { k8sCluster: cluster } }));
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain(`"${field}`);
  });

  it("needs a cluster", async () => {
    const error = await runError(testUnit(unit, {}));
    expect(error.message).toContain('requires input "k8sCluster"');
  });
});
