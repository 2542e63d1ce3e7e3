/**
 * Type tests for what `defineUnit` infers from a component alone (its program is `NoInfer`) and for
 * the typed results of `testUnit`.
 */
import { defineComponent, defineEntity, z } from "@highstate/contract";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expectTypeOf, test } from "vitest";
import { testUnit } from "./test/index.js";
import { defineUnit } from "./unit.js";

const recordEntity = defineEntity({
  type: "test.dns-record.v1",
  schema: z.object({
    name: z.string(),
    type: z.enum(["A", "AAAA", "CNAME"]),
    target: z.object({ kind: z.literal("address"), value: z.string() }).or(z.object({ kind: z.literal("host"), value: z.string() })),
    ttl: z.number().default(300),
  }),
  meta: { title: "DNS Record" },
});

const zoneEntity = defineEntity({
  type: "test.dns-zone.v1",
  schema: z.object({ domain: z.string(), mode: z.enum(["primary", "secondary"]) }),
  meta: { title: "DNS Zone" },
});

const recordComponent = defineComponent({
  type: "test.dns-record.v1",
  args: { name: z.string(), type: z.enum(["A", "AAAA", "CNAME"]).default("A") },
  secrets: { apiToken: z.string().optional(), retries: z.number().optional() },
  outputs: {
    record: recordEntity,
    zone: { entity: zoneEntity, required: false },
    aliases: { entity: recordEntity, multiple: true },
  },
  meta: { title: "DNS Record" },
  source: { package: "test", path: "dns-record" },
});

describe("defineUnit infers from the component only", () => {
  test("a literal of a z.enum in a returned object stays the literal", () => {
    defineUnit(recordComponent, () => ({
      record: { name: "www", type: "A", target: { kind: "address", value: "192.0.2.1" } },
      aliases: [],
    }));
  });

  test("nested literals (a discriminated target) and Outputs at any depth are accepted", async () => {
    defineUnit(recordComponent, async ({ args }) => {
      const value = {} as pulumi.Output<string>;
      return {
        record: { name: args.name, type: args.type, target: { kind: "host" as const, value }, ttl: 60 },
        aliases: [{ name: "alias", type: "CNAME", target: { kind: "host", value: "www.example.com" } }],
      };
    });
  });

  test("an optional output may be returned or left out", () => {
    defineUnit(recordComponent, () => ({
      record: { name: "www", type: "AAAA", target: { kind: "address", value: "2001:db8::1" } },
      zone: { domain: "example.com", mode: "primary" },
      aliases: [],
    }));
    defineUnit(recordComponent, () => ({
      record: { name: "www", type: "A", target: { kind: "address", value: "192.0.2.1" } },
      aliases: [],
    }));
  });

  test("values outside the enum, a wrong nested literal and unknown fields are errors", () => {
    defineUnit(recordComponent, () => ({
      // @ts-expect-error "MX" is not one of the record types
      record: { name: "www", type: "MX", target: { kind: "address", value: "192.0.2.1" } },
      aliases: [],
    }));
    defineUnit(recordComponent, () => ({
      // @ts-expect-error the target's kind is "address" or "host"
      record: { name: "www", type: "A", target: { kind: "ip", value: "192.0.2.1" } },
      aliases: [],
    }));
    defineUnit(recordComponent, () => ({
      record: { name: "www", type: "A", target: { kind: "address", value: "192.0.2.1" } },
      // @ts-expect-error the zone's mode must be "primary" or "secondary"
      zone: { domain: "example.com", mode: "tertiary" },
      aliases: [],
    }));
  });

  test("the program's parameter does not change the component type", () => {
    const unit = defineUnit(recordComponent, () => ({
      record: { name: "a", type: "A", target: { kind: "host", value: "h" } },
      aliases: [],
    }));
    expectTypeOf(unit.component).toEqualTypeOf<typeof recordComponent>();
  });
});

describe("testUnit is typed from the unit's component", () => {
  const unit = defineUnit(recordComponent, () => ({ record: { name: "a", type: "A", target: { kind: "host", value: "h" } }, aliases: [] }));

  test("secrets are checked against the component", () => {
    void testUnit(unit, { args: { name: "www" }, secrets: { apiToken: "t", retries: 3 } });
    // @ts-expect-error "apiTokn" is not a secret of the component
    void testUnit(unit, { args: { name: "www" }, secrets: { apiTokn: "t" } });
    // @ts-expect-error retries is a number
    void testUnit(unit, { args: { name: "www" }, secrets: { retries: "3" } });
  });

  test("outputs are typed from the component's outputs, platform fields included", async () => {
    const result = await testUnit(unit, { args: { name: "www" } });
    expectTypeOf(result.outputs.record.type).toEqualTypeOf<"A" | "AAAA" | "CNAME">();
    expectTypeOf(result.outputs.record.ttl).toEqualTypeOf<number>();
    expectTypeOf(result.outputs.zone).toEqualTypeOf<{ domain: string; mode: "primary" | "secondary" } | undefined>();
    expectTypeOf(result.outputs.aliases).items.toHaveProperty("name");
    expectTypeOf(result.outputs.$statusFields).toEqualTypeOf<
      Array<{ name: string; value: string; title?: string | undefined; secret: boolean }> | undefined
    >();
    // @ts-expect-error the component has no output "records"
    void result.outputs.records;
  });

  test("generated secrets are the component's string secrets, and can be passed back", async () => {
    const first = await testUnit(unit, { args: { name: "www" } });
    expectTypeOf(first.secrets).toEqualTypeOf<{ apiToken?: string }>();
    void testUnit(unit, { args: { name: "www" }, secrets: first.secrets });
  });
});
