import { z } from "zod";
import { DefinitionError } from "./errors.js";
import { typeIdPattern } from "./type-id.js";

/** The brand every entity definition carries; `Symbol.for` so two copies of the contract agree. */
export const entityBrand: unique symbol = Symbol.for("highstate.entity") as never;

/** What the designer shows about an entity: a title and a colour for edges and chips. */
export interface EntityMeta {
  /** Human title, e.g. "Server". */
  title: string;
  /** One or two sentences on what the entity carries. */
  description?: string;
  /** CSS colour used for the edges and chips of this entity type, e.g. `#2f81f7`. */
  color?: string;
  /** Icon name (an Iconify id such as `mdi:server`) or a URL. */
  icon?: string;
}

/** A typed piece of data passed from one instance's output to another's input. */
export interface Entity<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly [entityBrand]: true;
  /** The type id, `<domain>.<name>.v<major>`. */
  readonly type: TType;
  /** The zod schema every value of this entity satisfies. */
  readonly schema: TSchema;
  readonly meta: EntityMeta;
}

/** The value type of an entity (after parsing, defaults applied). */
export type EntityValue<TEntity extends Entity> = z.output<TEntity["schema"]>;

/** Tells whether a value is an entity definition, also from another copy of the contract. */
export function isEntity(value: unknown): value is Entity {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[entityBrand] === true;
}

export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value && typeof (value as z.ZodType).safeParse === "function";
}

const entityMetaSchema = z
  .object({
    title: z.string().min(1),
    description: z.string().optional(),
    color: z.string().optional(),
    icon: z.string().optional(),
  })
  .strict();

/**
 * Defines an entity: a type id, the zod schema of its values and meta for the designer.
 *
 * @throws DefinitionError when the type id is malformed, the schema is not a zod schema or meta is incomplete.
 */
export function defineEntity<const TType extends string, TSchema extends z.ZodType>(definition: {
  type: TType;
  schema: TSchema;
  meta: EntityMeta;
}): Entity<TType, TSchema> {
  const type = String(definition?.type);
  if (!typeIdPattern.test(type)) {
    throw new DefinitionError(type, "type", 'type ids must look like <domain>.<name>.v<major>, e.g. "common.server.v1"');
  }
  if (!isZodSchema(definition.schema)) {
    throw new DefinitionError(type, "schema", "must be a zod schema (z.object({ … }))");
  }
  const meta = entityMetaSchema.safeParse(definition.meta);
  if (!meta.success) {
    const issue = meta.error.issues[0]!;
    throw new DefinitionError(type, ["meta", ...issue.path].join("."), issue.message);
  }
  return { [entityBrand]: true, type: definition.type, schema: definition.schema, meta: { ...meta.data } };
}
