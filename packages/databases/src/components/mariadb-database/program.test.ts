import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { cluster } from "../../__fixtures__/cluster.js";
import { databaseConnectionSchema } from "../../entities/connection.js";
import { databaseScript } from "../../shared/scripts.js";
import type { mariadbDatabase } from "./definition.js";

let unit: Unit<typeof mariadbDatabase>;
beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON; the assertions check their shape.
type Json = Record<string, any>;

const server = {
  endpoints: [{ host: "maria.maria.svc.cluster.local", port: 3306, visibility: "internal" as const }],
  credentials: { username: "root", password: "root-password-123" },
  location: { clusterId: "cluster-uid", clusterName: "prod", namespace: "maria", service: "maria" },
};

describe("MariaDB Database", () => {
  it("runs the MariaDB setup script in a Job and outputs the user's connection with the database", async () => {
    const result = await testUnit(unit, { name: "vaultwarden", inputs: { k8sCluster: cluster }, secretInputs: { server } });
    expect((await validateKubernetesResources(result.resources)).validated).toHaveLength(3);
    const job = result.resource("kubernetes:batch/v1:Job");
    const container = (job.inputs.spec as Json).template.spec.containers[0];
    expect(container.image).toBe("mariadb:11.8.3-noble");
    expect(container.command).toEqual(["/bin/sh", "/opt/highstate/create-database.sh"]);
    expect(container.env.slice(0, 4)).toEqual([
      { name: "MARIADB_HOST", value: "maria.maria.svc.cluster.local" },
      { name: "MARIADB_PORT", value: "3306" },
      { name: "MARIADB_USER", value: "root" },
      { name: "MYSQL_PWD", valueFrom: { secretKeyRef: { name: "vaultwarden-setup", key: "admin-password" } } },
    ]);
    expect((result.resource("kubernetes:core/v1:ConfigMap").inputs.data as Json)["create-database.sh"]).toBe(
      databaseScript("mariadb-create-database.sh"),
    );
    expect(databaseConnectionSchema.parse(result.outputs.connection)).toEqual({
      ...server,
      endpoints: [{ ...server.endpoints[0], protocol: "tcp" }],
      credentials: { username: "vaultwarden", password: result.secrets.password },
      database: "vaultwarden",
    });
  });
});
