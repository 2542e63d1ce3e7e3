import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import * as definitions from "./index.js";

describe("@highstate/databases definitions", () => {
  // The definitions entry is checked (no Pulumi, registry snapshot) by the repository's conformance test.
  it("export the catalogued entities and components", () => {
    const values: unknown[] = Object.values(definitions);
    expect(
      values
        .filter(isEntity)
        .map((entity) => entity.type)
        .sort(),
    ).toEqual(["databases.mariadb.v1", "databases.postgresql.v1"]);
    expect(
      values
        .filter(isComponent)
        .map((component) => component.type)
        .sort(),
    ).toEqual(["databases.mariadb-database.v1", "databases.mariadb.v1", "databases.postgresql-database.v1", "databases.postgresql.v1"]);
  });

  it("build the registry the designer shows", async () => {
    const values: unknown[] = Object.values(definitions);
    const registry = buildRegistry([
      {
        package: { name: "@highstate/databases", version: "0.0.0-snapshot" },
        entities: values.filter(isEntity),
        components: values.filter(isComponent),
      },
    ]);
    const server = registry.components["databases.postgresql.v1"]!;
    expect(server.meta).toMatchObject({ title: "PostgreSQL", category: "Databases" });
    expect(server.inputs.dnsProviders).toMatchObject({ entity: "common.dns-provider.v1", required: false, multiple: true });
    expect((server.secrets.properties as Record<string, { description?: string }>).adminPassword?.description).toMatch(/Generated/);
    expect(registry.components["databases.mariadb-database.v1"]!.inputs.server).toMatchObject({
      entity: "databases.mariadb.v1",
      required: true,
    });
    expect(JSON.stringify(registry.entities["databases.postgresql.v1"])).toContain('"secret":true');
    await expect(`${JSON.stringify(registry, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});

describe("connection entity", () => {
  const base = {
    endpoints: [
      { host: "pg.db.svc.cluster.local", port: 5432, visibility: "internal" as const },
      { host: "10.1.0.5", port: 30432, visibility: "private" as const },
      { host: "db.example.com", port: 30432, visibility: "public" as const },
    ],
    credentials: { username: "postgres", password: "p" },
    location: { clusterId: "c1", clusterName: "prod", namespace: "db", service: "pg" },
  };

  it("picks the in-cluster endpoint in the same cluster, else a public one", () => {
    const connection = definitions.databaseConnectionSchema.parse(base);
    expect(definitions.bestDatabaseEndpoint(connection, "c1")?.host).toBe("pg.db.svc.cluster.local");
    expect(definitions.bestDatabaseEndpoint(connection, "c2")?.host).toBe("db.example.com");
    expect(definitions.bestDatabaseEndpoint({ ...connection, endpoints: connection.endpoints.slice(0, 2) }, "c2")?.host).toBe("10.1.0.5");
    expect(definitions.bestDatabaseEndpoint({ ...connection, endpoints: connection.endpoints.slice(0, 1) }, "c2")).toBeUndefined();
  });

  it("needs an endpoint and credentials", () => {
    expect(definitions.databaseConnectionSchema.safeParse({ ...base, endpoints: [] }).success).toBe(false);
    expect(definitions.databaseConnectionSchema.safeParse({ ...base, credentials: { username: "x" } }).success).toBe(false);
  });

  it("derive database names from instance names", () => {
    expect(definitions.defaultDatabaseName("vault-db")).toBe("vault_db");
    expect(definitions.defaultDatabaseName("1-app")).toBe("app");
    expect(definitions.sqlNameSchema.safeParse(definitions.defaultDatabaseName("My.App")).success).toBe(true);
  });
});
