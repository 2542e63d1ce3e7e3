import type * as pulumi from "@pulumi/pulumi";
import { describe, expectTypeOf, test } from "vitest";
import { bucketComponent, webAppComponent } from "./__fixtures__/definitions.js";
import { testUnit } from "./test/index.js";
import type { UnitContext } from "./types.js";
import { defineUnit } from "./unit.js";

type Network = { id: string; cidr: string };
type Bucket = { name: string; region: string; endpoint: string; accessKey: string };

describe("the unit context", () => {
  test("types args, inputs, secrets and getSecret from the definition", () => {
    defineUnit(bucketComponent, async (unit) => {
      expectTypeOf(unit).toEqualTypeOf<UnitContext<typeof bucketComponent>>();
      expectTypeOf(unit.name).toEqualTypeOf<string>();
      expectTypeOf(unit.instance.uid).toEqualTypeOf<string>();
      expectTypeOf(unit.args).toEqualTypeOf<{ region: string; sizeGb: number; versioning: boolean }>();
      expectTypeOf(unit.inputs.network).toEqualTypeOf<pulumi.Output<Network>>();
      expectTypeOf(unit.inputs.mirrors).toEqualTypeOf<pulumi.Output<Bucket>[]>();
      expectTypeOf(unit.secrets.accessKey).toEqualTypeOf<pulumi.Output<string> | undefined>();
      expectTypeOf(unit.getSecret("accessKey", () => "generated")).toEqualTypeOf<pulumi.Output<string>>();
      // @ts-expect-error only declared secrets can be generated
      unit.getSecret("apiKey", () => "generated");
      expectTypeOf(unit.invokedTriggers).toEqualTypeOf<readonly string[]>();
      const endpoint = unit.inputs.network.apply((network) => network.cidr);
      return { bucket: { name: "b", region: unit.args.region, endpoint, accessKey: unit.getSecret("accessKey", () => "k") } };
    });
  });

  test("a required single input is an Output, an optional one may be undefined", () => {
    defineUnit(webAppComponent, async ({ inputs, args }) => {
      expectTypeOf(inputs.cluster).toEqualTypeOf<pulumi.Output<{ name: string; kubeconfig: string }>>();
      expectTypeOf(args.image).toEqualTypeOf<string>();
      return { workload: { namespace: args.namespace, name: "app", replicas: args.replicas, port: args.port } };
    });
  });
});

describe("the returned outputs", () => {
  test("accept Outputs at any depth", () => {
    defineUnit(webAppComponent, async ({ args }) => {
      const name = {} as pulumi.Output<string>;
      return {
        workload: { namespace: args.namespace, name, replicas: {} as pulumi.Output<number>, port: Promise.resolve(80) },
        $statusFields: { name, replicas: args.replicas, secret: { value: name, secret: true } },
        $terminals: [{ type: "local" as const, name: "shell" }],
        $triggers: [{ name: "cleanup", type: "before-destroy" as const }],
      };
    });
  });

  test("reject a value that does not match its entity", () => {
    // @ts-expect-error replicas must be a number
    defineUnit(webAppComponent, async ({ args }) => ({ workload: { namespace: args.namespace, name: "app", replicas: "two", port: 80 } }));
  });

  test("reject a missing required output", () => {
    // @ts-expect-error workload is required
    defineUnit(webAppComponent, async () => ({ $statusFields: {} }));
  });

  test("reject a field missing from an entity", () => {
    // @ts-expect-error the bucket's accessKey is missing
    defineUnit(bucketComponent, async () => ({ bucket: { name: "b", region: "r", endpoint: "https://b" } }));
  });

  test("reject a malformed platform field", () => {
    // @ts-expect-error triggers have a fixed type
    defineUnit(bucketComponent, async () => ({ bucket: {} as pulumi.Output<Bucket>, $triggers: [{ name: "x", type: "after-create" }] }));
  });
});

describe("testUnit", () => {
  test("types args and inputs from the unit", () => {
    const unit = defineUnit(bucketComponent, async () => ({ bucket: {} as pulumi.Output<Bucket> }));
    void testUnit(unit, { args: { sizeGb: 3 }, inputs: { network: { id: "n", cidr: "10.0.0.0/8" }, mirrors: [] } });
    // @ts-expect-error sizeGb is a number
    void testUnit(unit, { args: { sizeGb: "3" } });
    // @ts-expect-error mirrors is a multiple input and takes an array
    void testUnit(unit, { inputs: { mirrors: { name: "m", region: "r", endpoint: "https://m", accessKey: "k" } } });
  });
});
