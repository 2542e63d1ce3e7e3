import { z } from "zod";
import { type Entity, type EntityValue, isEntity, isZodSchema } from "./entity.js";
import { DefinitionError } from "./errors.js";
import { fieldNamePattern, typeIdPattern } from "./type-id.js";

/** The brand every component definition carries; `Symbol.for` so two copies of the contract agree. */
export const componentBrand: unique symbol = Symbol.for("highstate.component") as never;

/** A map of field names to zod schemas: the shape of a component's args or secrets. */
export type ZodShape = Record<string, z.ZodType>;

/** How an input or output refers to an entity, with its cardinality. */
export interface ComponentInputSpec<TEntity extends Entity = Entity> {
  /** The entity the input takes or the output produces. */
  entity: TEntity;
  /** Whether a value must be present (inputs: must be connected; outputs: must be returned). Default `true`. */
  required?: boolean;
  /** Whether any number of values may be connected (inputs) or returned (outputs). Default `false`. */
  multiple?: boolean;
  /** Help text shown next to the input or output. */
  description?: string;
}

/** An input or output is either an entity (required, single) or a full spec. */
export type ComponentInputOption = Entity | ComponentInputSpec;

/** The normalised form of an input or output spec, as stored on the definition. */
export interface NormalizedInputSpec<
  TEntity extends Entity = Entity,
  TRequired extends boolean = boolean,
  TMultiple extends boolean = boolean,
> {
  readonly entity: TEntity;
  readonly required: TRequired;
  readonly multiple: TMultiple;
  readonly description?: string;
}

export type NormalizeInputSpec<T> = T extends Entity
  ? NormalizedInputSpec<T, true, false>
  : T extends ComponentInputSpec<infer TEntity>
    ? NormalizedInputSpec<TEntity, T["required"] extends false ? false : true, T["multiple"] extends true ? true : false>
    : never;

export type NormalizeInputSpecs<T extends Record<string, ComponentInputOption>> = {
  [K in keyof T]: NormalizeInputSpec<T[K]>;
};

/** What the designer shows about a component. */
export interface ComponentMeta {
  /** Title shown on cards and in the palette, e.g. "Existing Server". */
  title: string;
  /** One or two sentences on what the component does. */
  description?: string;
  /** Icon name (an Iconify id such as `mdi:server`) or a URL. */
  icon?: string;
  /** Palette category, e.g. "Servers" or "Kubernetes". */
  category?: string;
  /** Accent colour of the card. */
  color?: string;
}

/** Where the Pulumi program of a unit lives: a package and the subpath that default-exports it. */
export interface ComponentSource {
  /** The npm package, e.g. `@highstate/common`. */
  package: string;
  /** The subpath export of that package, e.g. `existing-server` for `@highstate/common/existing-server`. */
  path: string;
}

export interface Component<
  TType extends string = string,
  TArgs extends ZodShape = ZodShape,
  TSecrets extends ZodShape = ZodShape,
  TInputs extends Record<string, NormalizedInputSpec> = Record<string, NormalizedInputSpec>,
  TOutputs extends Record<string, NormalizedInputSpec> = Record<string, NormalizedInputSpec>,
> {
  readonly [componentBrand]: true;
  /** The type id, `<domain>.<name>.v<major>`. */
  readonly type: TType;
  /** `unit` when the component has a Pulumi program (`source`), `composite` otherwise. */
  readonly kind: "unit" | "composite";
  readonly args: TArgs;
  readonly secrets: TSecrets;
  /** Strict object schema of the args (unknown args are rejected). */
  readonly argsSchema: z.ZodObject<TArgs, z.core.$strict>;
  /** Strict object schema of the secrets. */
  readonly secretsSchema: z.ZodObject<TSecrets, z.core.$strict>;
  readonly inputs: TInputs;
  readonly outputs: TOutputs;
  readonly meta: ComponentMeta;
  readonly source?: ComponentSource;
}

/** Any component definition. */
// biome-ignore lint/suspicious/noExplicitAny: the widest component type needs `any` for its shapes.
export type AnyComponent = Component<string, any, any, any, any>;

type SpecValue<TSpec> =
  TSpec extends NormalizedInputSpec<infer TEntity, infer TRequired, infer TMultiple>
    ? TMultiple extends true
      ? EntityValue<TEntity>[]
      : TRequired extends false
        ? EntityValue<TEntity> | undefined
        : EntityValue<TEntity>
    : never;

/** The args a unit receives (defaults applied). */
export type ComponentArgs<C extends AnyComponent> = z.output<C["argsSchema"]>;
/** The args a user may write (fields with defaults are optional). */
export type ComponentArgsInput<C extends AnyComponent> = z.input<C["argsSchema"]>;
/** The secrets a unit receives. */
export type ComponentSecrets<C extends AnyComponent> = z.output<C["secretsSchema"]>;
/** The input values a unit receives: single inputs as a value (or `undefined` when optional), multiple as an array. */
export type ComponentInputs<C extends AnyComponent> = { [K in keyof C["inputs"]]: SpecValue<C["inputs"][K]> };
/** The outputs a unit returns: optional outputs may be left out, multiple outputs are arrays. */
export type ComponentOutputs<C extends AnyComponent> = {
  [K in keyof C["outputs"] as C["outputs"][K]["required"] extends false ? never : K]: SpecValue<C["outputs"][K]>;
} & {
  [K in keyof C["outputs"] as C["outputs"][K]["required"] extends false ? K : never]?: SpecValue<C["outputs"][K]>;
};

/** Tells whether a value is a component definition, also from another copy of the contract. */
export function isComponent(value: unknown): value is AnyComponent {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[componentBrand] === true;
}

/** Tells whether a component is a unit (implemented by a Pulumi program). */
export function isUnitComponent(component: AnyComponent): component is AnyComponent & { source: ComponentSource } {
  return component.source !== undefined;
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
}

/** Finds every `.default()` in a schema whose value does not satisfy the schema it defaults. */
function findInvalidDefaults(schema: z.ZodType, path: string[], problems: Array<{ path: string[]; message: string }>, depth = 0): void {
  if (depth > 32) return;
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case "default":
    case "prefault": {
      const inner = def.innerType!;
      const result = inner.safeParse(def.defaultValue);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        const where = issue.path.length > 0 ? ` (at ${issue.path.join(".")})` : "";
        problems.push({
          path,
          message: `the default value ${JSON.stringify(def.defaultValue)} does not satisfy its own schema: ${issue.message}${where}`,
        });
      }
      findInvalidDefaults(inner, path, problems, depth + 1);
      return;
    }
    case "optional":
    case "nullable":
    case "readonly":
    case "nonoptional":
      findInvalidDefaults(def.innerType!, path, problems, depth + 1);
      return;
    case "object":
      for (const [key, value] of Object.entries(def.shape ?? {})) findInvalidDefaults(value, [...path, key], problems, depth + 1);
      return;
    case "array":
      findInvalidDefaults(def.element!, [...path, "[]"], problems, depth + 1);
      return;
    default:
      return;
  }
}

function checkShape(type: string, field: "args" | "secrets", shape: unknown): ZodShape {
  if (shape === undefined) return {};
  if (typeof shape !== "object" || shape === null || Array.isArray(shape)) {
    throw new DefinitionError(type, field, "must be an object mapping names to zod schemas");
  }
  for (const [name, schema] of Object.entries(shape)) {
    if (!fieldNamePattern.test(name)) {
      throw new DefinitionError(type, `${field}.${name}`, "names must be camelCase identifiers starting with a lower-case letter");
    }
    if (!isZodSchema(schema)) {
      throw new DefinitionError(type, `${field}.${name}`, "must be a zod schema, e.g. z.string()");
    }
    const problems: Array<{ path: string[]; message: string }> = [];
    findInvalidDefaults(schema, [field, name], problems);
    if (problems.length > 0) throw new DefinitionError(type, problems[0]!.path.join("."), problems[0]!.message);
  }
  return shape as ZodShape;
}

function normalizeSpecs(type: string, field: "inputs" | "outputs", specs: unknown): Record<string, NormalizedInputSpec> {
  if (specs === undefined) return {};
  if (typeof specs !== "object" || specs === null || Array.isArray(specs)) {
    throw new DefinitionError(type, field, "must be an object mapping names to entities or { entity, required, multiple }");
  }
  const normalized: Record<string, NormalizedInputSpec> = {};
  for (const [name, option] of Object.entries(specs)) {
    if (!fieldNamePattern.test(name)) {
      throw new DefinitionError(type, `${field}.${name}`, "names must be camelCase identifiers starting with a lower-case letter");
    }
    if (isEntity(option)) {
      normalized[name] = { entity: option, required: true, multiple: false };
      continue;
    }
    const spec = option as Partial<ComponentInputSpec> | null;
    if (typeof spec !== "object" || spec === null || !isEntity(spec.entity)) {
      throw new DefinitionError(
        type,
        `${field}.${name}`,
        "must reference an entity created with defineEntity (or { entity, required, multiple })",
      );
    }
    for (const flag of ["required", "multiple"] as const) {
      if (spec[flag] !== undefined && typeof spec[flag] !== "boolean") {
        throw new DefinitionError(type, `${field}.${name}.${flag}`, "must be true or false");
      }
    }
    normalized[name] = {
      entity: spec.entity,
      required: spec.required ?? true,
      multiple: spec.multiple ?? false,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
    };
  }
  return normalized;
}

/**
 * Defines a component: its type id, args, secrets, inputs, outputs and meta. A component with a
 * `source` is a unit, implemented by the Pulumi program that module default-exports.
 *
 * @throws DefinitionError naming the field when the definition is invalid.
 */
export function defineComponent<
  const TType extends string,
  const TArgs extends ZodShape = {},
  const TSecrets extends ZodShape = {},
  const TInputs extends Record<string, ComponentInputOption> = {},
  const TOutputs extends Record<string, ComponentInputOption> = {},
>(definition: {
  type: TType;
  args?: TArgs;
  secrets?: TSecrets;
  inputs?: TInputs;
  outputs?: TOutputs;
  meta: ComponentMeta;
  source?: ComponentSource;
}): Component<TType, TArgs, TSecrets, NormalizeInputSpecs<TInputs>, NormalizeInputSpecs<TOutputs>> {
  const type = String(definition?.type);
  if (!typeIdPattern.test(type)) {
    throw new DefinitionError(type, "type", 'type ids must look like <domain>.<name>.v<major>, e.g. "common.existing-server.v1"');
  }
  const args = checkShape(type, "args", definition.args);
  const secrets = checkShape(type, "secrets", definition.secrets);
  for (const name of Object.keys(secrets)) {
    if (name in args) throw new DefinitionError(type, `secrets.${name}`, `an arg is already named "${name}"; use distinct names`);
  }
  const inputs = normalizeSpecs(type, "inputs", definition.inputs);
  const outputs = normalizeSpecs(type, "outputs", definition.outputs);
  for (const name of Object.keys(outputs)) {
    if (name in inputs)
      throw new DefinitionError(type, `outputs.${name}`, `an input is already named "${name}"; inputs and outputs need distinct names`);
  }
  const meta = definition.meta as ComponentMeta | undefined;
  if (typeof meta !== "object" || meta === null || typeof meta.title !== "string" || meta.title.length === 0) {
    throw new DefinitionError(type, "meta.title", "every component needs a title for the designer");
  }
  const source = definition.source;
  if (source !== undefined) {
    if (typeof source.package !== "string" || source.package.length === 0) {
      throw new DefinitionError(type, "source.package", "must name the npm package holding the program");
    }
    if (typeof source.path !== "string" || source.path.length === 0 || source.path.startsWith("/") || source.path.startsWith(".")) {
      throw new DefinitionError(type, "source.path", 'must be the package subpath of the program, e.g. "existing-server"');
    }
  }
  return {
    [componentBrand]: true,
    type: definition.type,
    kind: source ? "unit" : "composite",
    args: args as TArgs,
    secrets: secrets as TSecrets,
    argsSchema: z.object(args).strict() as z.ZodObject<TArgs, z.core.$strict>,
    secretsSchema: z.object(secrets).strict() as z.ZodObject<TSecrets, z.core.$strict>,
    inputs: inputs as NormalizeInputSpecs<TInputs>,
    outputs: outputs as NormalizeInputSpecs<TOutputs>,
    meta: { ...meta },
    ...(source ? { source: { package: source.package, path: source.path } } : {}),
  };
}
