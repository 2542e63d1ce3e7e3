import * as crypto from "node:crypto";
import { timingSafeEqual } from "node:crypto";
import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFixtureGateway } from "../../__fixtures__/capabilities.js";
import { accessPoint, cluster, mariadbDatabase, resticRepo } from "../../__fixtures__/inputs.js";
import type { vaultwarden } from "./definition.js";

let unit: Unit<typeof vaultwarden>;
let restoreCapabilities: () => void;
beforeAll(async () => {
  unit = (await import("./program.js")).default;
  restoreCapabilities = useFixtureGateway();
});
afterAll(() => restoreCapabilities());

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON; the assertions check their shape.
type Json = Record<string, any>;

const inputs = { k8sCluster: cluster, accessPoint };

describe("Vaultwarden", () => {
  it("runs the pinned image on a /data volume with the database URL and the admin token's hash in a Secret", async () => {
    const result = await testUnit(unit, {
      name: "vault",
      args: { fqdn: "vault.example.com" },
      inputs,
      secretInputs: { mariadb: mariadbDatabase },
    });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated).toEqual(
      expect.arrayContaining([
        "kubernetes:apps/v1:Deployment vault",
        "kubernetes:core/v1:Namespace vault",
        "kubernetes:core/v1:PersistentVolumeClaim vault-data",
        "kubernetes:core/v1:Secret vault-env",
        "kubernetes:core/v1:Service vault",
      ]),
    );

    const token = result.secrets.adminToken!;
    expect(token).toMatch(/^[A-Za-z0-9]{40}$/);
    const env = result.resource("kubernetes:core/v1:Secret", "vault-env");
    expect(env.secretInputs).toContain("stringData");
    const data = env.inputs.stringData as Record<string, string>;
    // In-cluster endpoint, user and password URL-encoded.
    expect(data.DATABASE_URL).toBe("mysql://vaultwarden:p%40ss%3Aw%2Frd@maria.maria.svc.cluster.local:3306/vaultwarden");
    expect(data.ADMIN_TOKEN).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(data.ADMIN_TOKEN).not.toContain(token);
    // The hash verifies the token (what Vaultwarden does at login).
    const [, , , , salt, hash] = data.ADMIN_TOKEN!.split("$");
    const again = (crypto as unknown as { argon2Sync: (a: string, p: object) => Buffer }).argon2Sync("argon2id", {
      message: token,
      nonce: Buffer.from(salt!, "base64"),
      tagLength: 32,
      memory: 19456,
      passes: 2,
      parallelism: 1,
    });
    expect(timingSafeEqual(again, Buffer.from(hash!, "base64"))).toBe(true);

    const deployment = result.resource("kubernetes:apps/v1:Deployment");
    const spec = deployment.inputs.spec as Json;
    expect(spec.strategy).toEqual({ type: "Recreate" });
    const container = spec.template.spec.containers[0];
    expect(container.image).toBe("vaultwarden/server:1.34.3-alpine");
    expect(container.env).toEqual([
      { name: "DOMAIN", value: "https://vault.example.com" },
      { name: "SIGNUPS_ALLOWED", value: "false" },
      { name: "DATA_FOLDER", value: "/data" },
      { name: "ROCKET_PORT", value: "8080" },
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "vault-env", key: "DATABASE_URL" } } },
      { name: "ADMIN_TOKEN", valueFrom: { secretKeyRef: { name: "vault-env", key: "ADMIN_TOKEN" } } },
    ]);
    expect(spec.template.spec.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "vault-data" } }]);
    expect(JSON.stringify(deployment.inputs)).not.toContain("p@ss");
    // Published through the access point: a certificate from the zone's issuer and a route to the Service.
    expect(result.resource("kubernetes:cert-manager.io/v1:Certificate").inputs).toMatchObject({
      metadata: { namespace: "vault" },
      spec: { dnsNames: ["vault.example.com"], issuerRef: { name: "letsencrypt" } },
    });
    expect(result.resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").inputs.spec).toMatchObject({
      hostnames: ["vault.example.com"],
      parentRefs: [{ name: "edge", namespace: "gateway", sectionName: "https" }],
      rules: [{ backendRefs: [{ name: "vault", port: 80 }] }],
    });
    expect(result.outputs.$statusFields).toEqual(
      expect.arrayContaining([
        { name: "url", title: "URL", value: "https://vault.example.com/", secret: false },
        { name: "adminToken", title: "Admin Token", value: token, secret: true },
      ]),
    );
  });

  it("with a Restic Repo: restores /data before the first start, backs it up nightly and before destroy", async () => {
    const result = await testUnit(unit, {
      name: "vault",
      args: { fqdn: "vault.example.com" },
      inputs,
      secretInputs: { mariadb: mariadbDatabase, resticRepo },
    });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated).toEqual(
      expect.arrayContaining(["kubernetes:batch/v1:Job vault-backup-restore", "kubernetes:batch/v1:CronJob vault-backup-backup"]),
    );
    expect(result.secrets.backupKey).toMatch(/^[0-9a-f]{64}$/);
    const spec = (result.resource("kubernetes:apps/v1:Deployment").inputs.spec as Json).template.spec;
    expect(spec.initContainers).toHaveLength(1);
    expect(spec.initContainers[0].volumeMounts[0].name).toBe("data");
    expect(result.outputs.$triggers).toEqual([expect.objectContaining({ type: "before-destroy" })]);
    expect((result.outputs.$terminals as Json[]).length).toBeGreaterThan(0);
  });

  it("keeps its admin token across runs, and has none with the admin panel off", async () => {
    const first = await testUnit(unit, { args: { fqdn: "vault.example.com" }, inputs: { ...inputs, mariadb: mariadbDatabase } });
    const second = await testUnit(unit, {
      args: { fqdn: "vault.example.com" },
      inputs: { ...inputs, mariadb: mariadbDatabase },
      secrets: first.secrets,
    });
    const hash = (result: typeof first) =>
      (result.resource("kubernetes:core/v1:Secret").inputs.stringData as Record<string, string>).ADMIN_TOKEN;
    expect(hash(second)).toBe(hash(first));

    const off = await testUnit(unit, {
      args: { fqdn: "vault.example.com", enableAdminPanel: false, allowSignups: true },
      inputs: { ...inputs, mariadb: mariadbDatabase },
    });
    expect(off.secrets).toEqual({});
    expect(Object.keys(off.resource("kubernetes:core/v1:Secret").inputs.stringData as object)).toEqual(["DATABASE_URL"]);
    const container = (off.resource("kubernetes:apps/v1:Deployment").inputs.spec as Json).template.spec.containers[0];
    expect(container.env).toContainEqual({ name: "SIGNUPS_ALLOWED", value: "true" });
  });

  it("takes a PostgreSQL database instead, reached through its public endpoint from another cluster", async () => {
    const postgresql = {
      ...mariadbDatabase,
      endpoints: [
        { host: "pg.db.svc.cluster.local", port: 5432, visibility: "internal" as const },
        { host: "2001:db8::5", port: 5432, visibility: "public" as const },
      ],
      location: { ...mariadbDatabase.location!, clusterId: "elsewhere" },
    };
    const result = await testUnit(unit, { args: { fqdn: "vault.example.com" }, inputs: { ...inputs, postgresql } });
    expect((result.resource("kubernetes:core/v1:Secret").inputs.stringData as Record<string, string>).DATABASE_URL).toBe(
      "postgresql://vaultwarden:p%40ss%3Aw%2Frd@[2001:db8::5]:5432/vaultwarden",
    );
  });

  it.each([
    [{}, /connect a database to "mariadb"/],
    [{ mariadb: mariadbDatabase, postgresql: mariadbDatabase }, /both "mariadb" and "postgresql" are connected/],
    [
      { mariadb: { ...mariadbDatabase, database: undefined } },
      /names no database \(it is a server's admin connection\): connect the output of a MariaDB Database component/,
    ],
  ])("explains a missing, doubled or unusable database (%#)", async (databases, message) => {
    const error = await runError(testUnit(unit, { name: "vw", args: { fqdn: "vault.example.com" }, inputs: { ...inputs, ...databases } }));
    expect(error.message).toMatch(message);
    expect(error.message).toContain('Vaultwarden "vw"');
  });

  it("needs an FQDN", async () => {
    const error = await runError(testUnit(unit, { args: {} as never, inputs: { ...inputs, mariadb: mariadbDatabase } }));
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain('"fqdn"');
  });
});
