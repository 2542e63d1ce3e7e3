/**
 * The wirings the canvas allows between the database components and Vaultwarden, resolved by the
 * contract's project analysis against the real definitions: direct edges, a hub input and hub
 * injection, and the mistakes the designer must reject.
 */
import { analyzeProject, buildRegistry, defineComponent, isComponent, isEntity, type Project } from "@highstate/contract";
import * as databases from "@highstate/databases";
import * as k8s from "@highstate/k8s";
import * as restic from "@highstate/restic";
import { describe, expect, it } from "vitest";
import * as apps from "./index.js";

/** Stands in for the Access Point component (from another package) so the canvas has an access point output. */
const accessPointSource = defineComponent({
  type: "test.access-point.v1",
  outputs: { accessPoint: k8s.accessPointEntity },
  meta: { title: "Access Point (fixture)" },
  source: { package: "test", path: "access-point" },
});

const definitions = [...Object.values(k8s), ...Object.values(restic), ...Object.values(databases), ...Object.values(apps)] as unknown[];
const registry = buildRegistry([
  {
    package: { name: "test", version: "0.0.0" },
    entities: definitions.filter(isEntity),
    components: [...definitions.filter(isComponent), accessPointSource],
  },
]);

const uid = (name: string) => `${name.replace(/[^a-z0-9]/g, "")}00000000`.slice(0, 16);
function instance(type: string, name: string, inputs: Record<string, unknown[]> = {}, extra: Record<string, unknown> = {}) {
  return { id: `${type}:${name}`, type, name, uid: uid(name), args: {}, inputs, injectionInputs: [], position: { x: 0, y: 0 }, ...extra };
}
const ref = (instanceId: string, output: string) => ({ instanceId, output });

const cluster = instance("k8s.existing-cluster.v1", "prod");
const access = instance("test.access-point.v1", "edge");
const server = instance("databases.mariadb.v1", "maria", { k8sCluster: [ref(cluster.id, "k8sCluster")] });
const database = instance("databases.mariadb-database.v1", "vault-db", {
  k8sCluster: [ref(cluster.id, "k8sCluster")],
  server: [ref(server.id, "connection")],
});
const postgres = instance("databases.postgresql.v1", "pg", { k8sCluster: [ref(cluster.id, "k8sCluster")] });
const backups = instance("restic.repository.v1", "backups");

function analyze(instances: unknown[], hubs: unknown[] = []) {
  const project = { version: 1, instances, hubs } as unknown as Project;
  const analysis = analyzeProject(project, registry);
  const inputsOf = (id: string) => analysis.inputs[analysis.index.get(id)!]!;
  return { analysis, inputsOf };
}

describe("wiring databases to Vaultwarden", () => {
  it("direct edges: server → Database → Vaultwarden", () => {
    const vault = instance("apps.vaultwarden.v1", "vault", {
      k8sCluster: [ref(cluster.id, "k8sCluster")],
      accessPoint: [ref(access.id, "accessPoint")],
      mariadb: [ref(database.id, "connection")],
    });
    const { analysis, inputsOf } = analyze([cluster, access, server, database, vault]);
    expect(analysis.problems).toEqual([]);
    expect(inputsOf(vault.id).mariadb).toEqual([ref(database.id, "connection")]);
    expect(inputsOf(database.id).server).toEqual([ref(server.id, "connection")]);
  });

  it("hub injection fills the cluster, the access point, the database and the Restic Repo by exact type", () => {
    const hub = {
      id: "hub:apps",
      inputs: [ref(cluster.id, "k8sCluster"), ref(access.id, "accessPoint"), ref(database.id, "connection"), ref(backups.id, "repo")],
      injectionInputs: [],
      position: { x: 0, y: 0 },
    };
    const vault = instance("apps.vaultwarden.v1", "vault", {}, { injectionInputs: ["hub:apps"] });
    const { analysis, inputsOf } = analyze([cluster, access, server, database, backups, vault], [hub]);
    expect(analysis.problems).toEqual([]);
    expect(inputsOf(vault.id)).toEqual({
      k8sCluster: [{ ...ref(cluster.id, "k8sCluster"), viaHub: "hub:apps" }],
      accessPoint: [{ ...ref(access.id, "accessPoint"), viaHub: "hub:apps" }],
      mariadb: [{ ...ref(database.id, "connection"), viaHub: "hub:apps" }],
      postgresql: [],
      resticRepo: [{ ...ref(backups.id, "repo"), viaHub: "hub:apps" }],
    });
  });

  it("a hub input gives the Database component its server", () => {
    const hub = { id: "hub:db", inputs: [ref(server.id, "connection")], injectionInputs: [], position: { x: 0, y: 0 } };
    const viaHub = instance("databases.mariadb-database.v1", "other-db", {
      k8sCluster: [ref(cluster.id, "k8sCluster")],
      server: [{ hubId: "hub:db" }],
    });
    const { analysis, inputsOf } = analyze([cluster, server, viaHub], [hub]);
    expect(analysis.problems).toEqual([]);
    expect(inputsOf(viaHub.id).server).toEqual([{ ...ref(server.id, "connection"), viaHub: "hub:db" }]);
  });

  it("rejects a PostgreSQL connection on the MariaDB input, and a hub holding both the server and the database", () => {
    const wrong = instance("apps.vaultwarden.v1", "vault", {
      k8sCluster: [ref(cluster.id, "k8sCluster")],
      accessPoint: [ref(access.id, "accessPoint")],
      mariadb: [ref(postgres.id, "connection")],
    });
    const first = analyze([cluster, access, postgres, wrong]).analysis.problems;
    expect(first.map((problem) => problem.code)).toEqual(["incompatible-entity"]);
    expect(first[0]!.message).toContain(
      'takes "databases.mariadb.v1" but output "connection" of "databases.postgresql.v1:pg" gives "databases.postgresql.v1"',
    );

    // The server's admin connection and the app's connection have the same type: a hub with both
    // injects two values into the single input, which the designer must show.
    const hub = {
      id: "hub:all",
      inputs: [ref(cluster.id, "k8sCluster"), ref(access.id, "accessPoint"), ref(server.id, "connection"), ref(database.id, "connection")],
      injectionInputs: [],
      position: { x: 0, y: 0 },
    };
    const vault = instance("apps.vaultwarden.v1", "vault", {}, { injectionInputs: ["hub:all"] });
    const second = analyze([cluster, access, server, database, vault], [hub]).analysis.problems;
    expect(second.map((problem) => [problem.code, problem.input])).toEqual([["too-many-inputs", "mariadb"]]);
  });

  it("reports a Vaultwarden without its required inputs", () => {
    const vault = instance("apps.vaultwarden.v1", "vault");
    const problems = analyze([vault]).analysis.problems;
    expect(problems.map((problem) => [problem.code, problem.input])).toEqual([
      ["missing-input", "k8sCluster"],
      ["missing-input", "accessPoint"],
    ]);
  });
});
