import { expectTypeOf, test } from "vitest";
import { z } from "zod";
import {
  type ComponentArgs,
  type ComponentArgsInput,
  type ComponentInputs,
  type ComponentOutputs,
  type ComponentSecrets,
  defineComponent,
} from "./component.js";
import { defineEntity, type EntityValue } from "./entity.js";

const server = defineEntity({
  type: "t.server.v1",
  schema: z.object({ hostname: z.string(), port: z.number().default(22) }),
  meta: { title: "S" },
});
const key = defineEntity({ type: "t.key.v1", schema: z.object({ publicKey: z.string() }), meta: { title: "K" } });

const component = defineComponent({
  type: "t.thing.v1",
  args: { endpoint: z.string(), sshPort: z.number().default(22), tags: z.array(z.string()).optional() },
  secrets: { password: z.string().optional() },
  inputs: {
    key: { entity: key, required: false },
    servers: { entity: server, multiple: true },
    primary: server,
  },
  outputs: { server, extra: { entity: key, required: false }, all: { entity: key, multiple: true } },
  meta: { title: "Thing" },
});

test("args, secrets, inputs and outputs are inferred from the definition", () => {
  expectTypeOf<ComponentArgs<typeof component>>().toEqualTypeOf<{ endpoint: string; sshPort: number; tags?: string[] | undefined }>();
  expectTypeOf<ComponentArgsInput<typeof component>>().toEqualTypeOf<{
    endpoint: string;
    sshPort?: number | undefined;
    tags?: string[] | undefined;
  }>();
  expectTypeOf<ComponentSecrets<typeof component>>().toEqualTypeOf<{ password?: string | undefined }>();
  type Inputs = ComponentInputs<typeof component>;
  expectTypeOf<Inputs["key"]>().toEqualTypeOf<{ publicKey: string } | undefined>();
  expectTypeOf<Inputs["servers"]>().toEqualTypeOf<Array<{ hostname: string; port: number }>>();
  expectTypeOf<Inputs["primary"]>().toEqualTypeOf<{ hostname: string; port: number }>();
  type Outputs = ComponentOutputs<typeof component>;
  expectTypeOf<Outputs["server"]>().toEqualTypeOf<EntityValue<typeof server>>();
  expectTypeOf<Outputs>().toHaveProperty("extra");
  const outputs: Outputs = { server: { hostname: "a", port: 1 }, all: [] };
  expectTypeOf(outputs).not.toBeAny();
  // @ts-expect-error a required output may not be left out
  const missing: Outputs = { all: [] };
  // @ts-expect-error an output must match its entity
  const wrong: Outputs = { server: { hostname: 1, port: 1 }, all: [] };
  void missing;
  void wrong;
});

test("input specs stay literal without `as const`", () => {
  expectTypeOf(component.inputs.key.required).toEqualTypeOf<false>();
  expectTypeOf(component.inputs.servers.multiple).toEqualTypeOf<true>();
  expectTypeOf(component.inputs.primary.required).toEqualTypeOf<true>();
  expectTypeOf(component.type).toEqualTypeOf<"t.thing.v1">();
});
