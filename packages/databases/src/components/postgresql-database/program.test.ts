import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { cluster, otherCluster } from "../../__fixtures__/cluster.js";
import { type DatabaseConnectionInput, databaseConnectionSchema } from "../../entities/connection.js";
import { databaseScript } from "../../shared/scripts.js";
import type { postgresqlDatabase } from "./definition.js";

let unit: Unit<typeof postgresqlDatabase>;
beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON; the assertions check their shape.
type Json = Record<string, any>;

/** The admin connection a PostgreSQL server outputs. */
export const server: DatabaseConnectionInput = {
  endpoints: [
    { host: "main-db.main-db.svc.cluster.local", port: 5432, visibility: "internal" },
    { host: "db.example.com", port: 30432, visibility: "public" },
  ],
  credentials: { username: "postgres", password: "admin-password-123" },
  location: { clusterId: "cluster-uid", clusterName: "prod", namespace: "main-db", service: "main-db" },
};

describe("PostgreSQL Database", () => {
  it("runs a setup Job in the server's namespace and outputs the owner's connection", async () => {
    const result = await testUnit(unit, { name: "vault-db", inputs: { k8sCluster: cluster }, secretInputs: { server }, mocks: {} });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated.sort()).toEqual([
      "kubernetes:batch/v1:Job vault-db-setup",
      "kubernetes:core/v1:ConfigMap vault-db-setup",
      "kubernetes:core/v1:Secret vault-db-setup",
    ]);
    const password = result.secrets.password!;
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);

    const secret = result.resource("kubernetes:core/v1:Secret");
    expect(secret.inputs.stringData).toEqual({ "admin-password": "admin-password-123", "user-password": password });
    expect((secret.inputs.metadata as Json).namespace).toBe("main-db");
    expect((result.resource("kubernetes:core/v1:ConfigMap").inputs.data as Json)["create-database.sh"]).toBe(
      databaseScript("postgresql-create-database.sh"),
    );

    const job = result.resource("kubernetes:batch/v1:Job");
    const container = (job.inputs.spec as Json).template.spec.containers[0];
    expect(container.image).toBe("postgres:17.6-bookworm");
    expect(container.env).toEqual([
      { name: "PGHOST", value: "main-db.main-db.svc.cluster.local" },
      { name: "PGPORT", value: "5432" },
      { name: "PGUSER", value: "postgres" },
      { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "vault-db-setup", key: "admin-password" } } },
      { name: "DATABASE_NAME", value: "vault_db" },
      { name: "DATABASE_USER", value: "vault_db" },
      { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "vault-db-setup", key: "user-password" } } },
    ]);
    const jobText = JSON.stringify(job.inputs);
    expect(jobText).not.toContain(password);
    expect(jobText).not.toContain("admin-password-123");
    expect((job.inputs.metadata as Json).annotations["highstate.io/revision"]).toMatch(/^[0-9a-f]{16}$/);

    const connection = databaseConnectionSchema.parse(result.outputs.connection);
    expect(connection).toEqual({
      ...databaseConnectionSchema.parse(server),
      credentials: { username: "vault_db", password },
      database: "vault_db",
    });
    expect(result.secretOutputs).toContain("connection");
  });

  it("takes names from args, and a new password re-runs the Job", async () => {
    const args = { database: "vaultwarden", username: "vw" };
    const first = await testUnit(unit, { args, inputs: { k8sCluster: cluster, server }, secrets: { password: "first-password-1" } });
    const second = await testUnit(unit, { args, inputs: { k8sCluster: cluster, server }, secrets: { password: "second-password-2" } });
    const revision = (result: typeof first) =>
      (result.resource("kubernetes:batch/v1:Job").inputs.metadata as Json).annotations["highstate.io/revision"];
    expect(revision(first)).not.toBe(revision(second));
    expect(databaseConnectionSchema.parse(second.outputs.connection)).toMatchObject({
      credentials: { username: "vw", password: "second-password-2" },
      database: "vaultwarden",
    });
  });

  it("uses the server's public endpoint from another cluster, and fails clearly when it has none", async () => {
    const result = await testUnit(unit, { args: { namespace: "apps" }, inputs: { k8sCluster: otherCluster, server } });
    const container = (result.resource("kubernetes:batch/v1:Job").inputs.spec as Json).template.spec.containers[0];
    expect(container.env.slice(0, 2)).toEqual([
      { name: "PGHOST", value: "db.example.com" },
      { name: "PGPORT", value: "30432" },
    ]);

    const internalOnly = { ...server, endpoints: [server.endpoints[0]!] };
    const error = await runError(testUnit(unit, { name: "x", inputs: { k8sCluster: otherCluster, server: internalOnly } }));
    expect(error.name).toBe("DatabaseServerUnreachableError");
    expect(error.message).toContain('the server is reachable only inside cluster "prod", but "k8sCluster" is "lab"');
  });

  it("needs a namespace when the server does not run in Kubernetes", async () => {
    const outside = { ...server, location: undefined, endpoints: [server.endpoints[1]!] };
    const error = await runError(testUnit(unit, { name: "x", inputs: { k8sCluster: cluster, server: outside } }));
    expect(error.message).toContain('set the "namespace" arg');
  });

  it.each([
    [{ database: "Vault-DB" }, "database"],
    [{ username: "1user" }, "username"],
  ])("rejects bad args %j", async (args, field) => {
    const error = await runError(testUnit(unit, { args: args as never, inputs: { k8sCluster: cluster, server } }));
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain(`"${field}`);
  });
});
