/**
 * Reading the JSON Schema (draft 2020-12, as zod exports it) of component args and secrets: what kind
 * of field each property is, its help text and default, and validation of values against it.
 */

/** A JSON Schema node. */
export type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
  description?: string;
  title?: string;
  $ref?: string;
  $defs?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
};

/** How a field is edited. */
export type FieldKind = "string" | "text" | "code" | "number" | "integer" | "boolean" | "enum" | "array" | "object" | "record" | "json";

/** A property with its effective schema (nullable/optional wrappers and `$ref`s resolved). */
export interface FieldInfo {
  kind: FieldKind;
  schema: Schema;
  nullable: boolean;
  /** Code language for `code` fields, e.g. `yaml`. */
  language?: string;
  options?: unknown[];
}

/** Resolves a local `$ref` (`#/$defs/Name`) against the root schema. */
export function deref(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 16; depth++) {
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(current.$ref);
    const target = match
      ? ((root.$defs ?? (root.definitions as Record<string, Schema> | undefined))?.[decodeURIComponent(match[1]!)] as Schema | undefined)
      : undefined;
    if (!target) break;
    const { $ref: _ignored, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

/** Looks at a property schema and decides how to edit it. */
export function fieldInfo(input: Schema, root: Schema): FieldInfo {
  let schema = deref(input, root);
  let nullable = false;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const nonNull = variants.filter((variant) => deref(variant, root).type !== "null");
    nullable = nonNull.length < variants.length;
    const types = new Set(nonNull.map((variant) => deref(variant, root).type));
    if (nonNull.length === 1) {
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      schema = { ...deref(nonNull[0]!, root), ...rest };
    } else if (
      types.size === 1 &&
      ["string", "number", "integer"].includes(String([...types][0])) &&
      nonNull.every((variant) => deref(variant, root).const === undefined)
    ) {
      // e.g. an IPv4 address, an IPv6 address or a host name: one text field, validated against every form.
      return { kind: [...types][0] === "string" ? "string" : ([...types][0] as "number" | "integer"), schema, nullable };
    } else if (nonNull.every((variant) => deref(variant, root).const !== undefined)) {
      return { kind: "enum", schema, nullable, options: nonNull.map((variant) => deref(variant, root).const) };
    } else {
      return { kind: "json", schema, nullable };
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.filter((item) => item !== "null") : schema.type;
  if (Array.isArray(schema.type) && schema.type.includes("null")) nullable = true;
  const single = Array.isArray(type) ? (type.length === 1 ? type[0] : undefined) : type;
  if (schema.enum) return { kind: "enum", schema, nullable, options: schema.enum.filter((value) => value !== null) };
  if (schema.const !== undefined) return { kind: "enum", schema, nullable, options: [schema.const] };
  const language = typeof schema.language === "string" ? schema.language : undefined;
  switch (single) {
    case "string":
      if (language) return { kind: "code", schema, nullable, language };
      if (
        schema.multiline === true ||
        schema.format === "multiline" ||
        schema.format === "textarea" ||
        (typeof schema.maxLength === "number" && schema.maxLength > 200)
      ) {
        return { kind: "text", schema, nullable };
      }
      return { kind: "string", schema, nullable };
    case "number":
      return { kind: "number", schema, nullable };
    case "integer":
      return { kind: "integer", schema, nullable };
    case "boolean":
      return { kind: "boolean", schema, nullable };
    case "array":
      return { kind: "array", schema, nullable };
    case "object":
      if (schema.properties && Object.keys(schema.properties).length > 0) return { kind: "object", schema, nullable };
      if (
        typeof schema.additionalProperties === "object" &&
        ["string", "number", "integer", "boolean"].includes(String(schema.additionalProperties.type))
      ) {
        return { kind: "record", schema, nullable };
      }
      return { kind: "json", schema, nullable, language: "json" };
    default:
      return { kind: "json", schema, nullable, language: "json" };
  }
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

const safeBound = 9007199254740991;

/**
 * Validates a value against a schema and returns `path → message` for every problem found (paths are
 * dotted, array items by index). Covers what component args use: types, required, enum/const,
 * number and length bounds, patterns, items, unknown properties and anyOf.
 */
export function validateValue(
  value: unknown,
  input: Schema,
  root: Schema,
  path = "",
  errors: Record<string, string> = {},
): Record<string, string> {
  const schema = deref(input, root);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const ok = variants.some((variant) => Object.keys(validateValue(value, variant, root, path, {})).length === 0);
    if (!ok) {
      const single = variants.filter((variant) => deref(variant, root).type !== "null");
      if (single.length === 1) validateValue(value, single[0]!, root, path, errors);
      else {
        const forms = single.map((variant) => describeForm(deref(variant, root)));
        errors[path] = forms.every(Boolean)
          ? `must be ${[...new Set(forms)].join(", ").replace(/, ([^,]*)$/, " or $1")}`
          : "does not match any of the allowed forms";
      }
    }
    return errors;
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((type) => matchesType(value, type))) {
    errors[path] =
      `must be ${types.map((type) => (type === "integer" ? "a whole number" : type === "array" ? "a list" : type === "object" ? "an object" : `a ${type}`)).join(" or ")}`;
    return errors;
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    errors[path] = `must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`;
    return errors;
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    errors[path] = `must be ${JSON.stringify(schema.const)}`;
    return errors;
  }
  if (typeof value === "number") {
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    const exMin = schema.exclusiveMinimum as number | undefined;
    const exMax = schema.exclusiveMaximum as number | undefined;
    if (min !== undefined && min > -safeBound && value < min) errors[path] = `must be at least ${min}`;
    else if (max !== undefined && max < safeBound && value > max) errors[path] = `must be at most ${max}`;
    else if (exMin !== undefined && value <= exMin) errors[path] = `must be greater than ${exMin}`;
    else if (exMax !== undefined && value >= exMax) errors[path] = `must be less than ${exMax}`;
  }
  if (typeof value === "string") {
    const minLength = schema.minLength as number | undefined;
    const maxLength = schema.maxLength as number | undefined;
    if (minLength !== undefined && value.length < minLength)
      errors[path] = minLength === 1 ? "must not be empty" : `must have at least ${minLength} characters`;
    else if (maxLength !== undefined && value.length > maxLength) errors[path] = `must have at most ${maxLength} characters`;
    else if (typeof schema.pattern === "string") {
      try {
        if (!new RegExp(schema.pattern, "u").test(value)) errors[path] = `must match the pattern ${schema.pattern}`;
      } catch {
        // A pattern the browser cannot compile is left to the server.
      }
    }
  }
  if (Array.isArray(value)) {
    const minItems = schema.minItems as number | undefined;
    const maxItems = schema.maxItems as number | undefined;
    if (minItems !== undefined && value.length < minItems) errors[path] = `needs at least ${minItems} item${minItems === 1 ? "" : "s"}`;
    else if (maxItems !== undefined && value.length > maxItems) errors[path] = `takes at most ${maxItems} item${maxItems === 1 ? "" : "s"}`;
    if (schema.items)
      for (const [index, item] of value.entries()) validateValue(item, schema.items, root, join(path, String(index)), errors);
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (record[name] === undefined) errors[join(path, name)] = "is required";
    }
    for (const [name, item] of Object.entries(record)) {
      if (item === undefined) continue;
      const property = schema.properties?.[name];
      if (property) validateValue(item, property, root, join(path, name), errors);
      else if (schema.additionalProperties === false) errors[join(path, name)] = "is not a known field; remove it";
      else if (typeof schema.additionalProperties === "object")
        validateValue(item, schema.additionalProperties, root, join(path, name), errors);
    }
  }
  return errors;
}

const formatNames: Record<string, string> = {
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  hostname: "a host name",
  email: "an email address",
  uri: "a URL",
  url: "a URL",
  uuid: "a UUID",
  "date-time": "a date and time",
  cidrv4: "an IPv4 network (CIDR)",
  cidrv6: "an IPv6 network (CIDR)",
};

/** Words for one alternative of an `anyOf`, e.g. "an IPv4 address"; `undefined` when there are none. */
function describeForm(schema: Schema): string | undefined {
  if (typeof schema.format === "string" && formatNames[schema.format]) return formatNames[schema.format];
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (typeof schema.description === "string") return schema.description;
  if (typeof schema.type === "string")
    return schema.type === "integer"
      ? "a whole number"
      : schema.type === "array"
        ? "a list"
        : schema.type === "object"
          ? "an object"
          : `a ${schema.type}`;
  return undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Drops `undefined` fields so a cleared field falls back to its default. */
export function pruneUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}
