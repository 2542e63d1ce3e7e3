/**
 * The units chained as a project wires them — Network → two Identities → Config — under the mock
 * runtime, and the two config files from the Config pages brought up with wg-quick in two namespaces
 * joined by a veth pair, which then ping each other with their secure pair key.
 */
import type { Unit } from "@highstate/pulumi";
import { testUnit } from "@highstate/pulumi/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Identity, identitySchema, type Network, networkSchema } from "../../entities.js";
import { labUnavailableReason, WireGuardLab } from "../../shared/__fixtures__/lab.js";
import { derivePairPresharedKey } from "../../shared/keys.js";
import type { identity as identityComponent } from "../identity/definition.js";
import type { network as networkComponent } from "../network/definition.js";
import type { config as configComponent } from "./definition.js";

const skipReason = labUnavailableReason();
if (skipReason) console.warn(`Skipping the end-to-end WireGuard test: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("Network → Identities → Configs → wg-quick", () => {
  const lab = new WireGuardLab();
  let networkUnit: Unit<typeof networkComponent>;
  let identityUnit: Unit<typeof identityComponent>;
  let configUnit: Unit<typeof configComponent>;

  beforeAll(async () => {
    networkUnit = (await import("../network/program.js")).default;
    identityUnit = (await import("../identity/program.js")).default;
    configUnit = (await import("./program.js")).default;
  });
  afterAll(async () => {
    await lab.destroy();
  });

  async function configFile(own: Identity, peer: Identity): Promise<string> {
    const result = await testUnit(configUnit, { secretInputs: { identity: own }, inputs: { peers: [peer.peer] } });
    const page = (result.outputs.$pages as Array<{ blocks: Array<{ type: string; content: string }> }>)[0]!;
    return page.blocks.find((block) => block.type === "file")!.content;
  }

  it("connect two identities of a secure network with the configs their Config pages offer", async () => {
    const net: Network = networkSchema.parse((await testUnit(networkUnit, { name: "office", uid: "office-uid" })).outputs.network);
    const make = async (name: string, address: string, host: string) =>
      identitySchema.parse(
        (
          await testUnit(identityUnit, {
            name,
            secretInputs: { network: net },
            args: { addresses: [address], endpoints: [`${host}:51840`], listenPort: 51840 },
          })
        ).outputs.identity,
      );
    const server = await make("server", "10.40.0.1/24", "192.0.2.21");
    const laptop = await make("laptop", "10.40.0.2/24", "192.0.2.22");

    const left = await lab.namespace("e2e-l");
    const right = await lab.namespace("e2e-r");
    await lab.link(left, "192.0.2.21/24", right, "192.0.2.22/24");
    const serverText = await configFile(server, laptop);
    const laptopText = await configFile(laptop, server);
    const psk = derivePairPresharedKey(net.presharedKey!, server.peer.publicKey, laptop.peer.publicKey);
    expect(serverText).toContain(`PresharedKey = ${psk}`);
    expect(laptopText).toContain(`PresharedKey = ${psk}`);

    await lab.wgQuickUp(left, serverText);
    await lab.wgQuickUp(right, laptopText);
    expect(await lab.ping(right, "10.40.0.1")).toBe(true);
    expect(await lab.ping(left, "10.40.0.2")).toBe(true);
  });
});
