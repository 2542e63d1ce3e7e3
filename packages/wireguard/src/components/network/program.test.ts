import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { networkSchema } from "../../entities.js";
import { isWireGuardKey } from "../../shared/keys.js";
import type { network } from "./definition.js";

let unit: Unit<typeof network>;

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("WireGuard Network", () => {
  it("generates key material once for the secure mode, keeps it secret and creates no resources", async () => {
    const first = await testUnit(unit, { name: "office", uid: "net-1" });
    expect(first.resources).toEqual([]);
    const value = networkSchema.parse(first.outputs.network);
    expect(value).toMatchObject({ id: "net-1", name: "office", backend: "wireguard", ipv4: true, ipv6: false, presharedKeyMode: "secure" });
    expect(isWireGuardKey(value.presharedKey!)).toBe(true);
    expect(first.secrets).toEqual({ presharedKey: value.presharedKey });
    expect(first.secretOutputs).toContain("network");
    expect(JSON.stringify(first.outputs.$statusFields)).not.toContain(value.presharedKey);

    const second = await testUnit(unit, { name: "office", uid: "net-1", secrets: first.secrets });
    expect(networkSchema.parse(second.outputs.network).presharedKey).toBe(value.presharedKey);
    expect(second.secrets).toEqual({});
  });

  it("uses a pasted key for the shared mode and none in the none mode", async () => {
    const key = Buffer.alloc(32, 9).toString("base64");
    const shared = await testUnit(unit, { args: { presharedKeyMode: "shared" }, secrets: { presharedKey: `${key}\n` } });
    expect(networkSchema.parse(shared.outputs.network).presharedKey).toBe(key);
    const none = await testUnit(unit, { args: { presharedKeyMode: "none" } });
    expect(networkSchema.parse(none.outputs.network).presharedKey).toBeUndefined();
    expect(none.secrets).toEqual({});
    expect(none.secretOutputs).not.toContain("network");
  });

  it("carries AmneziaWG parameters with the amneziawg backend", async () => {
    const result = await testUnit(unit, {
      args: { backend: "amneziawg", ipv6: true, amnezia: { jc: 4, jmin: 40, jmax: 70, h1: "1-100" } },
    });
    expect(networkSchema.parse(result.outputs.network)).toMatchObject({
      backend: "amneziawg",
      ipv6: true,
      amnezia: { jc: 4, jmin: 40, jmax: 70, h1: "1-100" },
    });
  });

  it("rejects contradictory args and a malformed key, naming the instance", async () => {
    expect((await runError(testUnit(unit, { name: "lan", args: { amnezia: { jc: 3 } } }))).message).toMatch(
      /network "lan" sets "amnezia" parameters but its backend is "wireguard"/,
    );
    expect((await runError(testUnit(unit, { name: "lan", args: { ipv4: false } }))).message).toMatch(/carries neither IPv4 nor IPv6/);
    expect((await runError(testUnit(unit, { name: "lan", secrets: { presharedKey: "nope" } }))).message).toMatch(
      /Secret "presharedKey" of "lan" is not a valid WireGuard key/,
    );
  });
});
