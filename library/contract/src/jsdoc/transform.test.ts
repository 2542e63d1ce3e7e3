import { describe, expect, it } from "vitest";
import { transformJsDocDescriptions } from "./transform.js";

describe("transformJsDocDescriptions", () => {
  it("leaves modules without JSDoc alone", () => {
    expect(transformJsDocDescriptions("const a = { b: 1 };", "a.ts")).toBeUndefined();
    expect(transformJsDocDescriptions("/** c */ function f() {}", "a.ts")).toBeUndefined();
  });

  it("wraps documented properties, nested ones inside their parents", () => {
    const code = [
      "const shape = {",
      "  /** Outer field. */",
      "  outer: z.object({",
      "    /**",
      "     * Inner field,",
      "     * on two lines.",
      "     * @example x",
      "     */",
      "    inner: z.string(),",
      "  }),",
      "};",
    ].join("\n");
    const result = transformJsDocDescriptions(code, "a.ts")!;
    expect(result).toContain("outer: __highstateDoc(z.object({");
    expect(result).toContain('inner: __highstateDoc(z.string(), "Inner field, on two lines."),');
    expect(result).toContain('}), "Outer field."),');
    expect(result).toContain("function __highstateDoc(");
  });

  it("documents definitions assigned to documented variables", () => {
    const result = transformJsDocDescriptions('/** A server. */\nexport const s = defineEntity({ type: "a.b.v1" });', "a.ts")!;
    expect(result).toContain('export const s = __highstateDocDefinition(defineEntity({ type: "a.b.v1" }), "A server.");');
  });

  it("produces code whose helpers describe zod schemas and input specs at run time", async () => {
    const { z } = await import("zod");
    const { defineEntity } = await import("../entity.js");
    const code = [
      "const entity = defineEntity({ type: 'a.b.v1', schema: z.object({}), meta: { title: 'B' } });",
      "return {",
      "  /** Port. */ port: z.number().default(1),",
      "  /** Entity. */ input: entity,",
      "  /** Spec. */ spec: { entity, required: false },",
      "  /** Plain. */ plain: 5,",
      "};",
    ].join("\n");
    const transformed = transformJsDocDescriptions(code, "a.js")!;
    const run = new Function("z", "defineEntity", transformed);
    const result = run(z, defineEntity);
    expect(result.port.description).toBe("Port.");
    expect(result.port.parse(undefined)).toBe(1);
    expect(result.input).toMatchObject({ description: "Entity." });
    expect(result.input.entity.type).toBe("a.b.v1");
    expect(result.spec).toMatchObject({ required: false, description: "Spec." });
    expect(result.plain).toBe(5);
  });
});
