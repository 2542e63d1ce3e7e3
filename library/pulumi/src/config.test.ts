import { encodeUnitConfig } from "@highstate/contract";
import { describe, expect, test } from "vitest";
import { decodeUnitConfig } from "./config.js";
import { UnitConfigError, UnitConfigFormatError } from "./errors.js";

const instance = { project: "home", id: "test.bucket.v1:data", type: "test.bucket.v1", name: "data", uid: "abcd1234" };

function lookup(values: Record<string, string>) {
  return (key: string) => values[key];
}

describe("decodeUnitConfig", () => {
  test("decodes what encodeUnitConfig writes", () => {
    const inputs = { network: [{ instanceId: "test.network.v1:lan", output: "network", value: { id: "n" } }] };
    const encoded = encodeUnitConfig({ instance, args: { sizeGb: 5 }, inputs, secrets: { accessKey: "k" }, invokedTriggers: ["cleanup"] });
    expect(encoded.secretKeys).toEqual(["highstate:secrets", "highstate:secretInputs"]);
    expect(decodeUnitConfig(lookup(encoded.values))).toEqual({
      instance,
      args: { sizeGb: 5 },
      inputs,
      secretInputs: {},
      secrets: { accessKey: "k" },
      invokedTriggers: ["cleanup"],
    });
  });

  test("optional keys default to empty values", () => {
    const decoded = decodeUnitConfig(lookup({ "highstate:format": "1", "highstate:instance": JSON.stringify(instance) }));
    expect(decoded).toEqual({ instance, args: {}, inputs: {}, secretInputs: {}, secrets: {}, invokedTriggers: [] });
  });

  test("a stack without Highstate config says who writes it", () => {
    expect(() => decodeUnitConfig(lookup({}))).toThrow(/no "highstate:format" config: unit programs are run by the Highstate runner/);
  });

  test("a newer format asks to update @highstate/pulumi, an older one the runner", () => {
    const newer = (() => {
      try {
        decodeUnitConfig(lookup({ "highstate:format": "7" }));
      } catch (error) {
        return error;
      }
    })() as UnitConfigFormatError;
    expect(newer).toBeInstanceOf(UnitConfigFormatError);
    expect(newer).toMatchObject({ found: 7, supported: 1, update: "@highstate/pulumi", key: "format" });
    expect(() => decodeUnitConfig(lookup({ "highstate:format": "0" }))).toThrow(/update @highstate\/runner/);
  });

  test("a malformed format or instance names the key", () => {
    expect(() => decodeUnitConfig(lookup({ "highstate:format": '"one"' }))).toThrow(/"highstate:format" must be a non-negative integer/);
    expect(() => decodeUnitConfig(lookup({ "highstate:format": "1" }))).toThrow(UnitConfigError);
    expect(() => decodeUnitConfig(lookup({ "highstate:format": "1", "highstate:instance": '{"id":"x"}' }))).toThrow(
      /Config "highstate:instance" is malformed: "project"/,
    );
    expect(() =>
      decodeUnitConfig(
        lookup({ "highstate:format": "1", "highstate:instance": JSON.stringify(instance), "highstate:inputs": '{"a":[{}]}' }),
      ),
    ).toThrow(/Config "highstate:inputs" is malformed: "a\[0\]\.instanceId"/);
  });

  test("malformed JSON in a non-secret key is quoted, in a secret key it is not", () => {
    const base = { "highstate:format": "1", "highstate:instance": JSON.stringify(instance) };
    expect(() => decodeUnitConfig(lookup({ ...base, "highstate:args": "{size:" }))).toThrow(/"highstate:args" is not valid JSON: /);
    try {
      decodeUnitConfig(lookup({ ...base, "highstate:secretInputs": "{password: letmein" }));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        'Config "highstate:secretInputs" is not valid JSON; the runner writes every Highstate config value as a JSON string',
      );
      expect((error as Error).cause).toBeUndefined();
    }
  });
});
