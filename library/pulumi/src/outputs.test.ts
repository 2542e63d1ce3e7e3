import { defineComponent, platformOutputsSchema, z } from "@highstate/contract";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { bucketEntity, networkEntity } from "./__fixtures__/definitions.js";
import { UnitOutputError } from "./errors.js";
import { secret } from "./helpers.js";
import { testUnit } from "./test/index.js";
import { defineUnit } from "./unit.js";

const emitter = defineComponent({
  type: "test.emitter.v1",
  outputs: {
    network: networkEntity,
    backup: { entity: bucketEntity, required: false },
    buckets: { entity: bucketEntity, required: false, multiple: true },
  },
  meta: { title: "Emitter" },
  source: { package: "@highstate/pulumi", path: "test-fixtures/emitter" },
});

const network = { id: "net-1", cidr: "10.0.0.0/16" };
const bucket = (name: string) => ({ name, region: "eu", endpoint: `https://${name}.example.com`, accessKey: "0123456789abcdef" });

/** Runs `emitter` with a program returning `returned` (built inside the run, so Outputs belong to it). */
function emit(returned: () => Record<string, unknown>) {
  const unit = defineUnit(emitter, async () => returned() as never);
  return testUnit(unit);
}

async function rejection(run: Promise<unknown>): Promise<UnitOutputError> {
  const error = await run.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(UnitOutputError);
  return error as UnitOutputError;
}

describe("entity outputs", () => {
  test("are validated, resolved from Outputs and returned with every platform field normalised", async () => {
    const result = await emit(() => ({
      network: { id: pulumi.output("net-1"), cidr: network.cidr },
      buckets: pulumi.output([bucket("a")]),
    }));
    expect(result.outputs).toEqual({
      network,
      buckets: [bucket("a")],
      $statusFields: [],
      $terminals: [],
      $pages: [],
      $triggers: [],
      $secrets: {},
    });
    const platform = Object.fromEntries(Object.entries(result.outputs).filter(([name]) => name.startsWith("$")));
    expect(platformOutputsSchema.parse(platform)).toEqual(platform);
    expect(result.secretOutputs).toEqual(["$secrets"]);
  });

  test("a missing optional multiple output becomes [] and a missing optional single one is left out", async () => {
    const result = await emit(() => ({ network }));
    expect(result.outputs.buckets).toEqual([]);
    expect("backup" in result.outputs).toBe(false);
  });

  test("a secret anywhere inside an output makes the output secret", async () => {
    const result = await emit(() => ({ network: { id: "net-1", cidr: secret(network.cidr) } }));
    expect(result.outputs.network).toEqual(network);
    expect(result.secretOutputs).toContain("network");
  });

  test("a missing required output is rejected", async () => {
    const error = await rejection(emit(() => ({})));
    expect(error.output).toBe("network");
    expect(error.message).toContain('did not return output "network", which is required');
  });

  test("an invalid item of a multiple output is rejected with its index", async () => {
    const error = await rejection(emit(() => ({ network, buckets: [bucket("a"), { ...bucket("b"), accessKey: "short" }] })));
    expect(error.issues.map((issue) => issue.path)).toEqual(["buckets[1].accessKey"]);
    expect(error.message).toContain('output "buckets[1]" is not a valid "test.bucket.v1": "accessKey"');
  });

  test("a multiple output that is not an array is rejected", async () => {
    const error = await rejection(emit(() => ({ network, buckets: bucket("a") })));
    expect(error.message).toContain('output "buckets" takes any number of values and must be an array');
  });

  test("an unknown output name is rejected with the outputs the component has", async () => {
    const error = await rejection(emit(() => ({ network, netwrok: network })));
    expect(error.message).toContain(
      'returned "netwrok", which is not an output of component "test.emitter.v1" (its outputs are "network", "backup", "buckets")',
    );
  });

  test("a program that returns no object is rejected", async () => {
    const unit = defineUnit(emitter, async () => undefined as never);
    await expect(testUnit(unit)).rejects.toThrow(/must return an object of outputs/);
  });
});

describe("platform fields", () => {
  test("status fields: a record becomes the contract's array; Outputs resolve, secrets are flagged, undefined is skipped", async () => {
    const result = await emit(() => ({
      network,
      $statusFields: {
        endpoint: pulumi.output("10.0.0.1"),
        port: 22,
        ready: true,
        password: { value: secret("hunter2"), title: "Password" },
        pin: { value: "1234", secret: true },
        later: undefined,
        gone: pulumi.output(undefined),
      },
    }));
    expect(result.outputs.$statusFields).toEqual([
      { name: "endpoint", value: "10.0.0.1", secret: false },
      { name: "port", value: "22", secret: false },
      { name: "ready", value: "true", secret: false },
      { name: "password", title: "Password", value: "hunter2", secret: true },
      { name: "pin", value: "1234", secret: true },
    ]);
    expect(result.secretOutputs).toContain("$statusFields");
  });

  test("status fields: the array form is accepted; plain fields keep the output plain; duplicates are rejected", async () => {
    const result = await emit(() => ({ network, $statusFields: [{ name: "a", value: "1", title: "A" }] }));
    expect(result.outputs.$statusFields).toEqual([{ name: "a", value: "1", title: "A", secret: false }]);
    expect(result.secretOutputs).not.toContain("$statusFields");
    const error = await rejection(
      emit(() => ({
        network,
        $statusFields: [
          { name: "a", value: "1" },
          { name: "a", value: "2" },
        ],
      })),
    );
    expect(error.message).toContain('the name "a" is used twice');
    const malformed = await rejection(emit(() => ({ network, $statusFields: [{ value: "1" }] })));
    expect(malformed.issues).toEqual([{ path: "$statusFields[0]", message: "must be an object with a name and a value" }]);
  });

  test("terminals with credentials or files are secret, a bare local terminal is not", async () => {
    const ssh = { type: "ssh", name: "shell", host: "10.0.0.1", user: "root", credentials: { password: "pw" } };
    const withCredentials = await emit(() => ({ network, $terminals: [ssh] }));
    expect(withCredentials.outputs.$terminals).toEqual([{ ...ssh, port: 22 }]);
    expect(withCredentials.secretOutputs).toContain("$terminals");
    const bare = await emit(() => ({ network, $terminals: [{ type: "local", name: "top", command: ["htop"] }] }));
    expect(bare.outputs.$terminals).toEqual([{ type: "local", name: "top", command: ["htop"], env: {}, files: [] }]);
    expect(bare.secretOutputs).not.toContain("$terminals");
  });

  test("an invalid terminal is rejected with its path", async () => {
    const error = await rejection(
      emit(() => ({ network, $terminals: [{ type: "ssh", name: "shell", host: "h", user: "u", port: 0, credentials: {} }] })),
    );
    expect(error.output).toBe("$terminals");
    expect(error.issues.map((issue) => issue.path)).toEqual(["$terminals[0].port"]);
  });

  test("pages with a secret block are secret; triggers are normalised", async () => {
    const result = await emit(() => ({
      network,
      $pages: [{ name: "conf", title: "Config", blocks: [{ type: "file", name: "wg0.conf", content: "[Interface]", secret: true }] }],
      $triggers: [{ name: "cleanup", type: "before-destroy" }],
    }));
    expect(result.outputs.$pages).toEqual([
      {
        name: "conf",
        title: "Config",
        blocks: [{ type: "file", name: "wg0.conf", content: "[Interface]", contentType: "text/plain", secret: true }],
      },
    ]);
    expect(result.outputs.$triggers).toEqual([{ name: "cleanup", type: "before-destroy" }]);
    expect(result.secretOutputs).toEqual(["$pages", "$secrets"]);
  });

  test("an unknown trigger type is rejected", async () => {
    const error = await rejection(emit(() => ({ network, $triggers: [{ name: "x", type: "after-create" }] })));
    expect(error.issues.map((issue) => issue.path)).toEqual(["$triggers[0].type"]);
  });

  test("$secrets and unknown $ fields cannot be returned by the program", async () => {
    expect((await rejection(emit(() => ({ network, $secrets: { a: "b" } })))).message).toContain(
      "generated with getSecret(name, generate)",
    );
    expect((await rejection(emit(() => ({ network, $status: {} })))).message).toContain(
      'returned "$status", which is not a platform field',
    );
  });
});

test("output schemas may apply defaults", async () => {
  const withDefault = defineComponent({
    type: "test.defaulted.v1",
    outputs: {
      value: {
        entity: (await import("@highstate/contract")).defineEntity({
          type: "test.defaulted.v1",
          schema: z.object({ port: z.number().default(22) }),
          meta: { title: "Defaulted" },
        }),
      },
    },
    meta: { title: "Defaulted" },
    source: { package: "@highstate/pulumi", path: "test-fixtures/defaulted" },
  });
  const result = await testUnit(defineUnit(withDefault, async () => ({ value: {} })));
  expect(result.outputs.value).toEqual({ port: 22 });
});
