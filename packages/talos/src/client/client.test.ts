import "reflect-metadata";
import { createServer, type Server } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority, issueCertificate } from "../pki/certificates.js";
import { bundleCertificate, generateSecretsBundle, type SecretsBundle } from "../pki/secrets.js";
import { issueAdminCertificate, type TalosClientCredentials } from "../pki/talosconfig.js";
import { type FakeTalosNode, startFakeTalosNode } from "./__fixtures__/fake-node.js";
import { extractKubeconfig, isInMaintenanceMode, TalosClient, talosTarget } from "./client.js";
import { NotInMaintenanceModeError, TalosCertificateError, TalosRequestError, TalosUnreachableError } from "./errors.js";
import { retryTalos } from "./retry.js";

let bundle: SecretsBundle;
let credentials: TalosClientCredentials;
const nodes: FakeTalosNode[] = [];
const clients: TalosClient[] = [];
const config = (type: string) => `version: v1alpha1\nmachine:\n  type: ${type}\ncluster:\n  clusterName: test\n`;

beforeAll(async () => {
  bundle = await generateSecretsBundle();
  credentials = { ca: bundleCertificate(bundle, "os").cert, ...(await issueAdminCertificate(bundle)) };
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const node of nodes.splice(0)) await node.stop();
});

async function node(options: Partial<Parameters<typeof startFakeTalosNode>[0]> = {}): Promise<FakeTalosNode> {
  const started = await startFakeTalosNode({ osCa: bundleCertificate(bundle, "os"), ...options });
  nodes.push(started);
  return started;
}

function client(options: ConstructorParameters<typeof TalosClient>[0]): TalosClient {
  const created = new TalosClient({ timeoutMs: 10_000, ...options });
  clients.push(created);
  return created;
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("talosTarget", () => {
  it.each([
    ["10.0.0.5", "10.0.0.5:50000"],
    ["10.0.0.5:50001", "10.0.0.5:50001"],
    ["node.example.com", "node.example.com:50000"],
    ["2001:db8::5", "[2001:db8::5]:50000"],
    ["[2001:db8::5]", "[2001:db8::5]:50000"],
    ["[2001:db8::5]:4000", "[2001:db8::5]:4000"],
  ])("%s → %s", (endpoint, target) => {
    expect(talosTarget(endpoint)).toBe(target);
  });
});

describe("a node in maintenance mode", () => {
  it("is detected with an insecure Disks call, takes its first config with mode AUTO, then reboots into mTLS", async () => {
    const fake = await node();
    expect(await isInMaintenanceMode(fake.endpoint)).toBe(true);
    const insecure = client({ endpoint: fake.endpoint });
    expect(await insecure.disks()).toEqual([{ deviceName: "/dev/vda", model: "QEMU HARDDISK", size: 21474836480 }]);
    const result = await insecure.applyConfiguration(config("controlplane"));
    expect(result.warnings).toEqual([]);
    const apply = fake.calls.find((call) => call.method === "ApplyConfiguration")!;
    expect(apply.request.mode).toBe("AUTO");
    expect(apply.request.dryRun).toBe(false);
    expect(Buffer.from(apply.request.data as Buffer).toString()).toBe(config("controlplane"));
    expect(apply.clientRole).toBeUndefined();

    // After the "reboot" the same port wants a client certificate.
    await expect.poll(() => fake.mode).toBe("configured");
    const secure = client({ endpoint: fake.endpoint, credentials });
    const version = await retryTalos(() => secure.version(), { what: "waiting for apid", timeoutMs: 20_000, intervalMs: 200 });
    expect(version).toMatchObject({ tag: "v1.11.5", platform: "metal" });
    expect(fake.calls.at(-1)).toMatchObject({ method: "Version", clientRole: "os:admin" });
    expect(await isInMaintenanceMode(fake.endpoint)).toBe(false);
  });

  it("refuses modes other than AUTO, and an invalid config as InvalidArgument", async () => {
    const fake = await node();
    const insecure = client({ endpoint: fake.endpoint });
    await expect(insecure.applyConfiguration(config("worker"), { mode: "NO_REBOOT" })).rejects.toThrow(
      /ApplyConfiguration to 127\.0\.0\.1:\d+ was refused with UNIMPLEMENTED: apply configuration in NO_REBOOT mode is not supported in maintenance mode/,
    );
    const error = await insecure.applyConfiguration("version: v1alpha1\n").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TalosRequestError);
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT", method: "ApplyConfiguration" });
    expect(fake.mode).toBe("maintenance");
  });
});

describe("a configured node", () => {
  it("bootstraps once, retrying while it is not ready, and reports AlreadyExists the second time", async () => {
    const fake = await node({ configured: true, bootstrapNotReadyTimes: 2 });
    const secure = client({ endpoint: fake.endpoint, credentials });
    await retryTalos(() => secure.bootstrap(), { what: "bootstrapping", timeoutMs: 20_000, intervalMs: 50 });
    expect(fake.calls.filter((call) => call.method === "Bootstrap")).toHaveLength(3);
    expect(fake.calls.at(-1)!.request).toEqual({ recoverEtcd: false, recoverSkipHashCheck: false });
    await expect(secure.bootstrap()).rejects.toMatchObject({ code: "ALREADY_EXISTS", name: "TalosRequestError" });
  });

  it("applies a changed config in place (AUTO → NO_REBOOT) and sends node metadata when proxying", async () => {
    const fake = await node({ configured: true });
    const secure = client({ endpoint: fake.endpoint, credentials, node: "10.0.0.7" });
    expect(await secure.applyConfiguration(config("worker"))).toMatchObject({
      mode: "NO_REBOOT",
      modeDetails: "Applied configuration without a reboot",
    });
    expect(fake.calls.at(-1)).toMatchObject({ method: "ApplyConfiguration", node: "10.0.0.7", clientRole: "os:admin" });
  });

  it("fetches the kubeconfig from a control-plane node, and says a worker has none", async () => {
    const kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n";
    const fake = await node({ configured: true, kubeconfig });
    expect(await client({ endpoint: fake.endpoint, credentials }).kubeconfig()).toBe(kubeconfig);
    const worker = await node({ configured: true, type: "worker" });
    await expect(client({ endpoint: worker.endpoint, credentials }).kubeconfig()).rejects.toThrow(
      /UNIMPLEMENTED: kubeconfig is only available on control plane nodes/,
    );
  });

  it("says clearly when it is not in maintenance mode and an insecure client calls it", async () => {
    const fake = await node({ configured: true });
    const error = await client({ endpoint: fake.endpoint })
      .applyConfiguration(config("worker"))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotInMaintenanceModeError);
    expect((error as Error).message).toMatch(/the node is not in maintenance mode — it wants a client certificate/);
    expect(fake.appliedConfigs).toEqual([]);
  });

  it("rejects a client certificate from another cluster's CA with a certificate error", async () => {
    const fake = await node({ configured: true });
    const other = await generateSecretsBundle();
    const stranger = { ca: bundleCertificate(bundle, "os").cert, ...(await issueAdminCertificate(other)) };
    const error = await client({ endpoint: fake.endpoint, credentials: stranger })
      .version()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TalosCertificateError);
    expect((error as Error).message).toMatch(/failed in the TLS handshake .*do not trust each other's certificates/);
  });

  it("rejects a node whose certificate is not from the cluster's CA", async () => {
    const fake = await node({ configured: true });
    const otherCa = await createCertificateAuthority({ organization: "talos", keyType: "ed25519" });
    const error = await client({ endpoint: fake.endpoint, credentials: { ...credentials, ca: otherCa.cert } })
      .version()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TalosCertificateError);
  });

  it("refuses a client certificate that also claims serverAuth, as apid does", async () => {
    const fake = await node({ configured: true });
    const now = Date.now();
    const both = await issueCertificate({
      ca: bundleCertificate(bundle, "os"),
      organizations: ["os:admin"],
      usages: ["clientAuth", "serverAuth"],
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 3600_000),
    });
    await expect(client({ endpoint: fake.endpoint, credentials: { ca: credentials.ca, ...both } }).version()).rejects.toMatchObject({
      code: "PERMISSION_DENIED",
    });
  });
});

describe("an unreachable node", () => {
  it("gives a clear error naming the address and port", async () => {
    const port = await closedPort();
    const error = await client({ endpoint: `127.0.0.1:${port}`, credentials, timeoutMs: 3000 })
      .version()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TalosUnreachableError);
    expect((error as Error).message).toContain(`Talos API call Version to 127.0.0.1:${port} failed: the node is not reachable`);
    await expect(isInMaintenanceMode(`127.0.0.1:${port}`, 3000)).rejects.toBeInstanceOf(TalosUnreachableError);
  });

  it("is retried until the deadline, then reported with the attempts", async () => {
    const port = await closedPort();
    const unreachable = client({ endpoint: `127.0.0.1:${port}`, credentials, timeoutMs: 1000 });
    await expect(
      retryTalos(() => unreachable.version(), { what: 'waiting for node "n1"', timeoutMs: 300, intervalMs: 100 }),
    ).rejects.toThrow(/Gave up waiting for node "n1" after \d+ attempts in \d+ s: .*not reachable/);
  });
});

describe("extractKubeconfig", () => {
  it("explains data that is not a kubeconfig archive", () => {
    expect(() => extractKubeconfig(Buffer.alloc(0), "n")).toThrow(/from n could not be read: the node sent no data/);
    expect(() => extractKubeconfig(Buffer.from("plain"), "n")).toThrow(/it is not gzip data/);
  });
});
