import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { identity, keys, network } from "../../shared/__fixtures__/peers.js";
import { generateConfig } from "../../shared/config.js";
import type { config } from "./definition.js";

let unit: Unit<typeof config>;

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

const laptop = identity("bravo", { addresses: ["10.8.0.2/24"], persistentKeepalive: 25 });
const server = identity("alpha", {
  addresses: ["10.8.0.1/24"],
  allowedIps: ["10.8.0.1/32"],
  endpoints: [{ host: "203.0.113.10", port: 51820, protocol: "udp" }],
  dns: ["10.8.0.1"],
});

describe("WireGuard Config", () => {
  it("shows the generated config as a secret page with a download and a QR code", async () => {
    const result = await testUnit(unit, {
      name: "laptop",
      secretInputs: { identity: laptop },
      inputs: { peers: [server.peer] },
      args: { mtu: 1380 },
    });
    expect(result.resources).toEqual([]);
    const text = generateConfig(laptop, [server.peer], { mtu: 1380, dns: [] });
    expect(text).toContain(`PrivateKey = ${keys.bravo.privateKey}`);
    expect(result.outputs.$pages).toEqual([
      {
        name: "index",
        title: "WireGuard Config",
        blocks: [
          {
            type: "markdown",
            content:
              'Save the file as `/etc/wireguard/wg0.conf` and run `wg-quick up wg0`, import it into the WireGuard app, or scan the QR code with the mobile app. The config contains the private key of "bravo": keep it secret.',
          },
          { type: "file", name: "wg0.conf", content: text, contentType: "text/plain", secret: true },
          { type: "qr", title: "Scan with the WireGuard app", content: text, secret: true },
        ],
      },
    ]);
    expect(result.secretOutputs).toContain("$pages");
    expect(result.outputs.$statusFields).toEqual([{ name: "peers", title: "Peers", value: "1", secret: false }]);
  });

  it("names the file after the interface and points AmneziaWG users at awg-quick", async () => {
    const net = network({ backend: "amneziawg", amnezia: { jc: 3 } });
    const result = await testUnit(unit, {
      secretInputs: { identity: identity("bravo", {}, net) },
      inputs: { peers: [identity("alpha", { allowedIps: ["10.8.0.1/32"] }, net).peer] },
      args: { interfaceName: "office" },
    });
    const blocks = (result.outputs.$pages as Array<{ blocks: Array<{ type: string; content: string; name?: string }> }>)[0]!.blocks;
    expect(blocks[0]!.content).toContain("`/etc/amnezia/amneziawg/office.conf` and run `awg-quick up office`");
    expect(blocks[1]!.name).toBe("office.conf");
    expect(blocks[1]!.content).toMatch(/^Jc = 3$/m);
  });

  it("fails with the generator's message when peers conflict, and rejects bad interface names", async () => {
    const exitA = identity("alpha", { allowedIps: ["0.0.0.0/0"] });
    const exitC = identity("charlie", { allowedIps: ["0.0.0.0/0"] });
    const error = await runError(testUnit(unit, { secretInputs: { identity: laptop }, inputs: { peers: [exitA.peer, exitC.peer] } }));
    expect(error.message).toMatch(/The peers "alpha" and "charlie" both claim 0\.0\.0\.0\/0/);
    expect((await runError(testUnit(unit, { secretInputs: { identity: laptop }, args: { interfaceName: "wg 0/../x" } }))).message).toMatch(
      /interfaceName/,
    );
  });
});
