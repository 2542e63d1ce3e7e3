/**
 * The node container's script run for real: in a test namespace it enables forwarding, brings the
 * config up with wg-quick (wireguard-go standing in for the kernel module), carries traffic, and on
 * SIGTERM (what Kubernetes sends a stopping pod) brings the interface down and exits 0.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity } from "../../entities.js";
import { labUnavailableReason, sh, WireGuardLab } from "../../shared/__fixtures__/lab.js";
import { identity, network } from "../../shared/__fixtures__/peers.js";
import { computeAllowedIps } from "../../shared/allowed-ips.js";
import { generateConfig } from "../../shared/config.js";
import { generatePresharedKey } from "../../shared/keys.js";
import { configMountPath, nodeScript } from "./script.js";

const skipReason = labUnavailableReason();
if (skipReason) console.warn(`Skipping the node script test: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("the node container script", () => {
  const lab = new WireGuardLab();
  let pod: string;
  let peerSide: string;

  beforeAll(async () => {
    pod = await lab.namespace("pod");
    peerSide = await lab.namespace("peer");
    await lab.link(pod, "192.0.2.11/24", peerSide, "192.0.2.12/24");
  });
  afterAll(async () => {
    await lab.destroy();
  });

  it("brings the interface up, forwards, and brings it down on SIGTERM", async () => {
    const net = network({ presharedKey: generatePresharedKey() });
    const withAllowed = (value: Identity): Identity => ({
      ...value,
      peer: { ...value.peer, allowedIps: computeAllowedIps({ addresses: value.peer.addresses }) },
    });
    const node = withAllowed(
      identity(
        "alpha",
        { addresses: ["10.30.0.1/24"], listenPort: 51830, endpoints: [{ host: "192.0.2.11", port: 51830, protocol: "udp" }] },
        net,
      ),
    );
    const laptop = withAllowed(
      identity(
        "bravo",
        { addresses: ["10.30.0.2/24"], listenPort: 51830, endpoints: [{ host: "192.0.2.12", port: 51830, protocol: "udp" }] },
        net,
      ),
    );

    const interfaceName = `hn${lab.tag}`;
    const configPath = await lab.file(`${interfaceName}.conf`, generateConfig(node, [laptop.peer], { listen: true, mtu: 1420 }));
    const script = nodeScript("wireguard", interfaceName, false).replaceAll(`${configMountPath}/${interfaceName}.conf`, configPath);
    const container = spawn("ip", ["netns", "exec", pod, "sh", "-c", script], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    container.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => container.once("exit", (code) => resolve(code)));
    try {
      await lab.wgQuickUp(peerSide, generateConfig(laptop, [node.peer], { listen: true }));
      expect(await lab.ping(peerSide, "10.30.0.1")).toBe(true);
      expect((await sh("ip", ["netns", "exec", pod, "sysctl", "-n", "net.ipv4.ip_forward"])).trim()).toBe("1");
      expect(await sh("ip", ["-n", pod, "link", "show", interfaceName])).toContain("mtu 1420");
    } finally {
      container.kill("SIGTERM");
    }
    // wg-quick down removes the interface; the script then exits 0, as a stopping pod should.
    expect(await exited, stderr).toBe(0);
    await expect(sh("ip", ["-n", pod, "link", "show", interfaceName])).rejects.toThrow();
  });
});
