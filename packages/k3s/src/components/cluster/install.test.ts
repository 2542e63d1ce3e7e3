import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "@highstate/common";
import { parseSshPrivateKey } from "@highstate/common/ssh";
import { clusterSchema } from "@highstate/k8s";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CommandEngine } from "./__fixtures__/engine.js";
import { createFakeK3s, type FakeK3s, machineWrapper } from "./__fixtures__/fake-k3s.js";
import type { k3sCluster } from "./definition.js";

/*
 * The K3s Cluster unit against real machines: each node is a real sshd on loopback, started in its
 * own mount and UTS namespaces (overlays over /etc, /var/lib and /usr/local/bin, its own host name),
 * logged into as root with a key. The unit runs under the mock runtime, and every command it
 * registers is really run over SSH through its serialized provider by a small engine that diffs
 * against the previous run as `pulumi up` does. The k3s installer is a fake served from a file://
 * URL; everything else (SSH, the scripts, config.yaml, the token hand-over, the kubeconfig) is real.
 */

const unshareMissing = await import("node:child_process").then(({ spawnSync }) => spawnSync("unshare", ["--version"]).status !== 0);
const skipReason = sshdUnavailableReason() ?? (unshareMissing ? "`unshare` (util-linux) is missing" : undefined);
if (skipReason) console.warn(`Skipping the K3s Cluster tests against real sshd machines: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("K3s Cluster on real sshd machines with a fake installer", () => {
  let unit: Unit<typeof k3sCluster>;
  let root: string;
  let fake: FakeK3s;
  const machines: TestSshd[] = [];
  let serverEntity: Server;
  let agentEntities: Server[];
  const engine = new CommandEngine();

  async function machine(hostname: string): Promise<TestSshd> {
    const sshd = await startTestSshd({
      wrapper: await machineWrapper(join(root, hostname), hostname),
      extraConfig: ["AllowUsers root", "Match User root", "  PermitRootLogin prohibit-password"],
    });
    machines.push(sshd);
    return sshd;
  }

  function entity(sshd: TestSshd, hostname: string, endpoint: string): Server {
    return {
      hostname,
      endpoints: [endpoint],
      ssh: { host: sshd.host, port: sshd.port, user: "root", hostKey: sshd.hostKey, keyPair: parseSshPrivateKey(sshd.userPrivateKey) },
    };
  }

  const logins = () => machines.map((sshd) => (sshd.log().match(/Accepted publickey for root/g) ?? []).length).reduce((a, b) => a + b, 0);
  const commands = async () => (await readFile(join(fake.dir, "commands.log"), "utf8")).split("\n").filter((line) => line !== "");
  const run = (version?: string) =>
    testUnit(unit, {
      name: "home",
      args: { installScriptUrl: fake.installScriptUrl, disable: ["traefik"], readyTimeout: 60, ...(version ? { version } : {}) },
      secretInputs: { server: serverEntity, agents: agentEntities },
      mocks: engine.mocks(),
    });

  beforeAll(async () => {
    unit = (await import("./program.js")).default;
    root = await mkdtemp(join(tmpdir(), "highstate-k3s-"));
    fake = await createFakeK3s(join(root, "shared"));
    // One after the other: each machine's /etc overlay is mounted right after its user is added to the host's /etc/passwd.
    const server = await machine("k3s-server");
    const agent = await machine("k3s-agent-1");
    // The API address is a made-up one: only SSH is used, and the kubeconfig must be rewritten to it.
    serverEntity = entity(server, "k3s-server", "10.77.0.1");
    agentEntities = [entity(agent, "k3s-agent-1", "10.77.0.2")];
  }, 60_000);

  afterAll(async () => {
    await Promise.all(machines.map((sshd) => sshd.stop()));
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("installs the pinned version on the server, joins the agent with the token and outputs the rewritten kubeconfig", async () => {
    const result = await run();
    expect(engine.steps).toEqual([
      { name: "home-server", operation: "create" },
      { name: "home-node-token", operation: "create" },
      { name: "home-agent-0", operation: "create" },
      { name: "home-ready", operation: "create" },
      { name: "home-kubeconfig", operation: "create" },
    ]);
    expect((await commands()).filter((line) => line.includes(" install "))).toEqual([
      "k3s-server install INSTALL_K3S_VERSION=v1.34.1+k3s1 INSTALL_K3S_EXEC=server",
      "k3s-agent-1 install INSTALL_K3S_VERSION=v1.34.1+k3s1 INSTALL_K3S_EXEC=agent",
    ]);

    // config.yaml was written as real YAML, readable by root only.
    expect(parse(await readFile(join(fake.dir, "configs/k3s-server.yaml"), "utf8"))).toEqual({
      "write-kubeconfig-mode": "0600",
      "tls-san": ["10.77.0.1"],
      "cluster-cidr": "10.42.0.0/16",
      "service-cidr": "10.43.0.0/16",
      disable: ["traefik"],
    });
    expect((await readFile(join(fake.dir, "configs/k3s-server.mode"), "utf8")).trim()).toBe("600");
    const token = (await readFile(join(fake.dir, "token"), "utf8")).trim();
    expect(parse(await readFile(join(fake.dir, "configs/k3s-agent-1.yaml"), "utf8"))).toEqual({ server: "https://10.77.0.1:6443", token });
    expect((await readFile(join(fake.dir, "configs/k3s-agent-1.mode"), "utf8")).trim()).toBe("600");
    // The token was never on a command line: the fake k3s logs every invocation, sshd logs the logins.
    expect((await commands()).join("\n")).not.toContain(token);

    const cluster = clusterSchema.parse(result.outputs.k8sCluster);
    expect(cluster.id).toBe(fake.clusterId);
    expect(cluster.apiEndpoint).toEqual({ host: "10.77.0.1", port: 6443, protocol: "tcp" });
    const kubeconfig = parse(cluster.kubeconfig);
    expect(kubeconfig.clusters).toEqual([
      { name: "home", cluster: { "certificate-authority-data": "RkFLRS1DQQ==", server: "https://10.77.0.1:6443" } },
    ]);
    expect(kubeconfig["current-context"]).toBe("home");
    expect(result.outputs.$statusFields).toEqual([
      { name: "version", title: "Version", value: "v1.34.1+k3s1", secret: false },
      { name: "nodes", title: "Nodes", value: "k3s-agent-1, k3s-server", secret: false },
      { name: "apiEndpoint", title: "API Server", value: "https://10.77.0.1:6443", secret: false },
    ]);
    expect(JSON.stringify(result.outputs.$statusFields)).not.toContain(token);
  });

  it("runs nothing on a second run with the same args", async () => {
    const loginsBefore = logins();
    const commandsBefore = await commands();
    await run();
    expect(engine.steps.map((step) => step.operation)).toEqual(["same", "same", "same", "same", "same"]);
    expect(await commands()).toEqual(commandsBefore);
    expect(logins()).toBe(loginsBefore);
  });

  it("upgrades every node in place when the version changes", async () => {
    const tokenBefore = await readFile(join(fake.dir, "token"), "utf8");
    const before = (await commands()).length;
    const result = await run("v1.34.2+k3s1");
    expect(engine.steps).toEqual([
      { name: "home-server", operation: "update" },
      { name: "home-node-token", operation: "same" },
      { name: "home-agent-0", operation: "update" },
      { name: "home-ready", operation: "update" },
      { name: "home-kubeconfig", operation: "update" },
    ]);
    expect((await commands()).slice(before).filter((line) => line.includes(" install "))).toEqual([
      "k3s-server install INSTALL_K3S_VERSION=v1.34.2+k3s1 INSTALL_K3S_EXEC=server",
      "k3s-agent-1 install INSTALL_K3S_VERSION=v1.34.2+k3s1 INSTALL_K3S_EXEC=agent",
    ]);
    expect(await readFile(join(fake.dir, "token"), "utf8")).toBe(tokenBefore);
    expect(result.outputs.$statusFields).toContainEqual({ name: "version", title: "Version", value: "v1.34.2+k3s1", secret: false });
  });

  it("runs the uninstall scripts on destroy, agents before the server", async () => {
    const before = (await commands()).length;
    await engine.destroy();
    expect((await commands()).slice(before)).toEqual(["k3s-agent-1 uninstall agent", "k3s-server uninstall server"]);
  });

  it("tells a non-root SSH user without sudo what to do, and installs nothing", async () => {
    const sshd = machines[0]!;
    const before = await commands();
    const asUser: Server = { ...serverEntity, ssh: { ...serverEntity.ssh!, user: sshd.user } };
    const error = await runError(
      testUnit(unit, {
        name: "user",
        args: { installScriptUrl: fake.installScriptUrl },
        secretInputs: { server: asUser },
        mocks: new CommandEngine().mocks(),
      }),
    );
    expect(error.message).toMatch(
      new RegExp(`the SSH user ${sshd.user} is not root and sudo is not installed|sudo: a (terminal|password) is required`),
    );
    expect(await commands()).toEqual(before);
  });

  it("fails the agent install with the installer's message when the token is refused", async () => {
    const fresh = new CommandEngine();
    await createFakeK3s(fake.dir);
    // Another cluster's token: the agent's "server" refuses it.
    const { writeFile } = await import("node:fs/promises");
    const run2 = testUnit(unit, {
      name: "other",
      args: { installScriptUrl: fake.installScriptUrl, readyTimeout: 30 },
      secretInputs: { server: serverEntity, agents: agentEntities },
      mocks: {
        newResource: async (args) => {
          if (args.name === "other-agent-0") await writeFile(join(fake.dir, "token"), "K10other::server:nope\n");
          return fresh.mocks().newResource!(args);
        },
      },
    });
    const error = await runError(run2);
    expect(error.message).toContain("the server refused the node token");
    expect(error.message).not.toMatch(/K10cafe::server:[0-9a-f]{8}/);
    await fresh.destroy();
  });
});
