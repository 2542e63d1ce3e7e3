import { defineComponent, z } from "@highstate/contract";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
// Imported statically, before any mocks exist: units run nothing on import, so the order does not matter.
import bucketUnit from "../__fixtures__/bucket.js";
import { scenarios } from "../__fixtures__/scenarios.js";
import webAppUnit from "../__fixtures__/web-app.js";
import { defineUnit } from "../unit.js";
import { type TestUnitOptions, testUnit } from "./index.js";

const bucket = scenarios[0]!;
const webApp = { options: scenarios[1]!.options as TestUnitOptions<(typeof webAppUnit)["component"]> };

describe("testUnit", () => {
  test("runs several programs in one file, each from fresh mocks and config", async () => {
    const first = await testUnit(bucketUnit, { ...bucket.options, name: "one" });
    const second = await testUnit(webAppUnit, { ...webApp.options, name: "two" });
    const third = await testUnit(bucketUnit, { ...bucket.options, name: "three" });
    expect(first.resources.map((resource) => `${resource.type} ${resource.name}`)).toEqual(["test:storage:Bucket one"]);
    expect(second.resources.map((resource) => `${resource.type} ${resource.name}`)).toEqual([
      "pulumi:providers:kubernetes two",
      "kubernetes:core/v1:Secret two-admin",
      "kubernetes:apps/v1:Deployment two",
    ]);
    expect(third.resources.map((resource) => resource.name)).toEqual(["three"]);
    // No secret leaks from one run into the next: the third run generates its own access key.
    expect(third.secrets.accessKey).not.toBe(first.secrets.accessKey);
  });

  test("serialises concurrent runs", async () => {
    const names = ["a", "b", "c", "d"];
    const results = await Promise.all(names.map((name) => testUnit(bucketUnit, { ...bucket.options, name })));
    expect(results.map((result) => result.resources.map((resource) => resource.name))).toEqual(names.map((name) => [name]));
    expect(results.map((result) => (result.outputs.bucket as { name: string }).name)).toEqual(names.map((name) => `${name}-data`));
  });

  test("a failed run leaves nothing behind for the next one", async () => {
    await expect(testUnit(bucketUnit, { ...bucket.options, args: { sizeGb: -1 } })).rejects.toThrow(/"sizeGb"/);
    const result = await testUnit(bucketUnit, bucket.options);
    expect(result.resources).toHaveLength(1);
  });

  test("records calls and answers them with the call mock", async () => {
    const lookup = defineComponent({
      type: "test.lookup.v1",
      args: { zone: z.string() },
      meta: { title: "Lookup" },
      source: { package: "@highstate/pulumi", path: "test-fixtures/lookup" },
    });
    let answer: unknown;
    const unit = defineUnit(lookup, async ({ args }) => {
      answer = await pulumi.runtime.invoke("test:dns:getZone", { name: args.zone });
      return {};
    });
    const result = await testUnit(unit, {
      args: { zone: "example.com" },
      mocks: { call: ({ token, inputs }) => (token === "test:dns:getZone" ? { id: `zone-of-${String(inputs.name)}` } : undefined) },
    });
    expect(result.calls).toEqual([{ token: "test:dns:getZone", inputs: { name: "example.com" } }]);
    expect(answer).toEqual({ id: "zone-of-example.com" });
  });

  test("a registration that fails fails the run even when no output depends on it", async () => {
    const run = testUnit(webAppUnit, {
      ...webApp.options,
      mocks: {
        newResource: (args) => {
          if (args.type === "kubernetes:core/v1:Secret") throw new Error("admission webhook denied the Secret");
          return undefined;
        },
      },
    });
    await expect(run).rejects.toThrow(/admission webhook denied the Secret/);
  });

  test("in a preview, values the mocks do not know stay unknown and are not validated", async () => {
    const result = await testUnit(bucketUnit, { inputs: bucket.options.inputs, preview: true });
    expect(result.outputs.bucket).toBeUndefined();
    expect(result.resource("test:storage:Bucket").inputs.region).toBe("eu-central-1");
  });

  test("resource() names what was recorded when the lookup fails", async () => {
    const result = await testUnit(bucketUnit, bucket.options);
    expect(() => result.resource("kubernetes:apps/v1:Deployment")).toThrow(
      'Expected one resource "kubernetes:apps/v1:Deployment", found 0; recorded: test:storage:Bucket "test"',
    );
    expect(result.resource("test:storage:Bucket", "test").id).toBe("test-id");
  });
});
