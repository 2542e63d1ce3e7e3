import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateSshKeyPair, waitForSsh } from "@highstate/common/ssh";
import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peerSchema } from "../../entities.js";
import { identity, network } from "../../shared/__fixtures__/peers.js";
import { generateConfig } from "../../shared/config.js";
import type { serverNode } from "./definition.js";
import { serverApplyScript, serverRemoveCommand } from "./script.js";

const run = promisify(execFile);
let unit: Unit<typeof serverNode>;

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

const keyPair = generateSshKeyPair();
const server = {
  hostname: "edge",
  endpoints: ["203.0.113.20"],
  ssh: { host: "203.0.113.20", port: 22, user: "root", hostKey: generateSshKeyPair().publicKey, keyPair },
};
const edge = identity("alpha", { addresses: ["10.8.0.1/24"], allowedIps: ["10.8.0.1/32"] });
const laptop = identity("bravo", { addresses: ["10.8.0.2/24"], allowedIps: ["10.8.0.2/32"] });

describe("WireGuard Server Node under mocks", () => {
  it("pipes the apply script (with the config) to sh -s over SSH, with the config's digest as trigger", async () => {
    const result = await testUnit(unit, {
      name: "edge",
      secretInputs: { identity: edge, server },
      inputs: { peers: [laptop.peer] },
      args: { mtu: 1400 },
    });
    const command = result.resource("pulumi-nodejs:dynamic/common:ServerCommand", "edge");
    const inputs = command.inputs.inputs as { create: string; delete: string; triggers: string[]; host: string };
    expect(inputs).toMatchObject({ host: "203.0.113.20", create: "sh -s", delete: serverRemoveCommand("wg0") });
    expect(inputs.triggers[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(command.secretInputs).toContain("credentials");
    const config = generateConfig(edge, [laptop.peer], { mtu: 1400 });
    expect((command.inputs.credentials as { stdin: string }).stdin).toBe(
      serverApplyScript({ backend: "wireguard", interfaceName: "wg0", config, gateway: false, ipv6: false }),
    );
    expect(JSON.stringify(command.inputs.inputs)).not.toContain(edge.privateKey);

    // Without endpoints of its own, the identity is reached at the server's addresses.
    expect(peerSchema.parse(result.outputs.peer).endpoints).toEqual([{ host: "203.0.113.20", port: 51820, protocol: "udp" }]);
    expect(result.secretOutputs).not.toContain("peer");

    const again = await testUnit(unit, { secretInputs: { identity: edge, server }, inputs: { peers: [] }, args: { mtu: 1400 } });
    const otherTrigger = (again.resource("pulumi-nodejs:dynamic/common:ServerCommand").inputs.inputs as { triggers: string[] }).triggers[0];
    expect(otherTrigger).not.toBe(inputs.triggers[0]);
  });

  it("as a gateway: forwarding hooks in the config and a sysctl file; AmneziaWG under /etc/amnezia", async () => {
    const net = network({ backend: "amneziawg", ipv6: true, amnezia: { jc: 3 } });
    const result = await testUnit(unit, {
      secretInputs: { identity: identity("alpha", { addresses: ["10.8.0.1/24"] }, net), server },
      args: { gateway: true, interfaceName: "awg1" },
    });
    const stdin = (result.resource("pulumi-nodejs:dynamic/common:ServerCommand").inputs.credentials as { stdin: string }).stdin;
    expect(stdin).toContain("systemctl cat awg-quick@.service");
    expect(stdin).toContain("mv /etc/amnezia/amneziawg/.awg1.conf.new /etc/amnezia/amneziawg/awg1.conf");
    expect(stdin).toContain("PostUp = ip6tables -t nat -A POSTROUTING ! -o %i -j MASQUERADE");
    expect(stdin).toContain("'net.ipv6.conf.all.forwarding = 1' > /etc/sysctl.d/90-highstate-awg1.conf");
    expect(stdin).toMatch(/^Jc = 3$/m);
  });

  it("fails clearly for a server without SSH", async () => {
    const error = await runError(
      testUnit(unit, { secretInputs: { identity: edge, server: { hostname: "printer", endpoints: ["10.0.0.9"] } } }),
    );
    expect(error.message).toContain('The server "printer" has no SSH connection');
  });
});

const skipReason = sshdUnavailableReason();
if (skipReason) console.warn(`Skipping the server node script tests against sshd: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("the apply script over SSH against a real sshd", () => {
  let sshd: TestSshd;
  const fakeSystemctl = `#!/bin/sh
echo "$*" >> "$HOME/systemctl.log"
if [ "$1" = cat ] && [ -e "$HOME/no-template" ]; then exit 1; fi
if [ "$1" = is-active ]; then echo active; fi
`;

  beforeAll(async () => {
    sshd = await startTestSshd();
    const bin = join(sshd.home, "bin");
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, "systemctl"), fakeSystemctl);
    await writeFile(join(bin, "sysctl"), '#!/bin/sh\necho "$*" >> "$HOME/sysctl.log"\n');
    await chmod(join(bin, "systemctl"), 0o755);
    await chmod(join(bin, "sysctl"), 0o755);
    const { stdout } = await run("stat", ["-c", "%u:%g", sshd.home]);
    await run("chown", ["-R", stdout.trim(), bin]);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  async function apply(script: string) {
    const session = await waitForSsh(
      { host: sshd.host, port: sshd.port, user: sshd.user, hostKey: sshd.hostKey, privateKey: sshd.userPrivateKey },
      { timeoutMs: 30_000 },
    );
    try {
      return await session.exec('PATH="$HOME/bin:$PATH" sh -s', { stdin: script });
    } finally {
      session.close();
    }
  }

  it("writes the config with mode 0600, enables forwarding and enables and restarts wg-quick@wg0", async () => {
    const config = generateConfig(edge, [laptop.peer]);
    const script = serverApplyScript({
      backend: "wireguard",
      interfaceName: "wg0",
      config,
      gateway: true,
      ipv6: false,
      configDirectory: "$HOME/wireguard",
      sysctlDirectory: "$HOME/sysctl.d",
    });
    const result = await apply(script);
    expect(result.stderr).toBe("");
    expect(result).toMatchObject({ exitCode: 0, stdout: "active\n" });
    const file = join(sshd.home, "wireguard", "wg0.conf");
    expect(await readFile(file, "utf8")).toBe(config);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(sshd.home, "sysctl.d", "90-highstate-wg0.conf"), "utf8")).toBe("net.ipv4.ip_forward = 1\n");
    expect((await readFile(join(sshd.home, "systemctl.log"), "utf8")).split("\n")).toEqual([
      "cat wg-quick@.service",
      "enable wg-quick@wg0",
      "restart wg-quick@wg0",
      "is-active wg-quick@wg0",
      "",
    ]);
    // What landed on the server is a config wg-quick reads.
    const { stdout } = await run("wg-quick", ["strip", file]).catch((error: Error) => ({
      stdout: `wg-quick unavailable: ${error.message}`,
    }));
    if (!stdout.startsWith("wg-quick unavailable")) expect(stdout).toContain(`PrivateKey = ${edge.privateKey}`);
  });

  it("fails with an install hint when systemd has no wg-quick@ template", async () => {
    await writeFile(join(sshd.home, "no-template"), "");
    const result = await apply(
      serverApplyScript({
        backend: "wireguard",
        interfaceName: "wg1",
        config: generateConfig(edge, []),
        gateway: false,
        ipv6: false,
        configDirectory: "$HOME/wireguard",
      }),
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/systemd has no wg-quick@\.service on .*: install wireguard-tools/);
    await expect(stat(join(sshd.home, "wireguard", "wg1.conf"))).rejects.toThrow();
  });
});
