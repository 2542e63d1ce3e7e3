import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cluster, existingServer, serverEntity } from "./__fixtures__/definitions.js";
import { componentBrand, defineComponent, isComponent, isUnitComponent } from "./component.js";
import { defineEntity, entityBrand, isEntity } from "./entity.js";
import { DefinitionError } from "./errors.js";

const entity = defineEntity({ type: "test.thing.v1", schema: z.object({ a: z.string() }), meta: { title: "Thing" } });

function definitionError(fn: () => unknown): DefinitionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error("expected a DefinitionError");
}

describe("defineEntity", () => {
  it("brands the entity with a Symbol.for marker another copy of the contract recognises", () => {
    expect(isEntity(entity)).toBe(true);
    expect((entity as unknown as Record<symbol, unknown>)[Symbol.for("highstate.entity")]).toBe(true);
    expect(entityBrand).toBe(Symbol.for("highstate.entity"));
    const foreign = { [Symbol.for("highstate.entity")]: true, type: "x.y.v1", schema: z.string(), meta: { title: "X" } };
    expect(isEntity(foreign)).toBe(true);
    expect(isEntity({ type: "x.y.v1" })).toBe(false);
  });

  it.each([
    ["server", "type"],
    ["common.server", "type"],
    ["common.server.1", "type"],
    ["Common.server.v1", "type"],
    ["common.server.v01", "type"],
    ["common..v1", "type"],
  ])("rejects the type id %j naming the field", (type, field) => {
    const error = definitionError(() => defineEntity({ type, schema: z.object({}), meta: { title: "X" } }));
    expect(error.field).toBe(field);
    expect(error.message).toContain(`"${type}"`);
    expect(error.message).toContain("<domain>.<name>.v<major>");
  });

  it("rejects a schema that is not zod and a missing title", () => {
    expect(definitionError(() => defineEntity({ type: "a.b.v1", schema: {} as never, meta: { title: "X" } })).field).toBe("schema");
    expect(definitionError(() => defineEntity({ type: "a.b.v1", schema: z.object({}), meta: { title: "" } })).field).toBe("meta.title");
  });
});

describe("defineComponent", () => {
  it("normalises inputs and outputs and marks units by source", () => {
    expect(isComponent(existingServer)).toBe(true);
    expect((existingServer as unknown as Record<symbol, unknown>)[componentBrand]).toBe(true);
    expect(existingServer.kind).toBe("unit");
    expect(isUnitComponent(existingServer)).toBe(true);
    expect(existingServer.outputs.server).toEqual({ entity: serverEntity, required: true, multiple: false });
    expect(cluster.inputs.masters).toMatchObject({ required: true, multiple: true });
    expect(cluster.inputs.workers).toMatchObject({ required: false, multiple: true });
    expect(cluster.inputs.bastion).toMatchObject({ required: false, multiple: false });
    const composite = defineComponent({ type: "a.b.v1", meta: { title: "B" } });
    expect(composite.kind).toBe("composite");
    expect(isUnitComponent(composite)).toBe(false);
  });

  it("applies arg defaults and rejects unknown args", () => {
    expect(existingServer.argsSchema.parse({ endpoint: "10.0.0.1" })).toEqual({ endpoint: "10.0.0.1", sshPort: 22 });
    const result = existingServer.argsSchema.safeParse({ endpoint: "x", sshPortt: 23 });
    expect(result.success).toBe(false);
  });

  it("rejects a bad type id", () => {
    const error = definitionError(() => defineComponent({ type: "existing-server", meta: { title: "X" } }));
    expect(error.field).toBe("type");
  });

  it("rejects an input and an output with the same name", () => {
    const error = definitionError(() =>
      defineComponent({ type: "a.b.v1", inputs: { server: entity }, outputs: { server: entity }, meta: { title: "X" } }),
    );
    expect(error.field).toBe("outputs.server");
    expect(error.message).toContain("distinct names");
  });

  it("rejects an arg and a secret with the same name", () => {
    const error = definitionError(() =>
      defineComponent({ type: "a.b.v1", args: { token: z.string() }, secrets: { token: z.string() }, meta: { title: "X" } }),
    );
    expect(error.field).toBe("secrets.token");
  });

  it("rejects an input referencing a non-entity", () => {
    const error = definitionError(() =>
      defineComponent({ type: "a.b.v1", inputs: { server: { entity: { type: "a.b.v1" } } } as never, meta: { title: "X" } }),
    );
    expect(error.field).toBe("inputs.server");
    expect(error.message).toContain("defineEntity");
    const bare = definitionError(() => defineComponent({ type: "a.b.v1", outputs: { server: z.string() } as never, meta: { title: "X" } }));
    expect(bare.field).toBe("outputs.server");
  });

  it("rejects defaults that do not satisfy their own schema", () => {
    const error = definitionError(() =>
      defineComponent({ type: "a.b.v1", args: { port: z.number().int().min(1).default(0) }, meta: { title: "X" } }),
    );
    expect(error.field).toBe("args.port");
    expect(error.message).toContain("default value 0");
    const nested = definitionError(() =>
      defineComponent({
        type: "a.b.v1",
        args: { options: z.object({ mode: z.enum(["a", "b"]).default("c" as "a") }).optional() },
        meta: { title: "X" },
      }),
    );
    expect(nested.field).toBe("args.options.mode");
  });

  it("rejects bad field names, missing titles and bad sources", () => {
    expect(definitionError(() => defineComponent({ type: "a.b.v1", args: { "Bad-Name": z.string() }, meta: { title: "X" } })).field).toBe(
      "args.Bad-Name",
    );
    expect(definitionError(() => defineComponent({ type: "a.b.v1", args: { port: 22 } as never, meta: { title: "X" } })).field).toBe(
      "args.port",
    );
    expect(definitionError(() => defineComponent({ type: "a.b.v1", meta: {} as never })).field).toBe("meta.title");
    expect(
      definitionError(() => defineComponent({ type: "a.b.v1", meta: { title: "X" }, source: { package: "p", path: "./x" } })).field,
    ).toBe("source.path");
    expect(
      definitionError(() => defineComponent({ type: "a.b.v1", inputs: { a: { entity, required: "yes" } } as never, meta: { title: "X" } }))
        .field,
    ).toBe("inputs.a.required");
  });
});
