/**
 * Reading the JSON Schema (draft 2020-12, as zod exports it) of component args and secrets: what kind
 * of field each property is, its help text and default, and validation of values against it.
 */
import { type Schema as JsonSchema, Validator } from "@cfworker/json-schema";

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

/** One validator per schema (and root), built on first use. */
const validators = new WeakMap<Schema, WeakMap<Schema, { validator: Validator; compiled: Schema }>>();

function validatorFor(schema: Schema, root: Schema): { validator: Validator; compiled: Schema } {
  let byRoot = validators.get(schema);
  if (!byRoot) {
    byRoot = new WeakMap();
    validators.set(schema, byRoot);
  }
  let entry = byRoot.get(root);
  if (!entry) {
    // A sub-schema (one field, or the add dialog's required args) keeps the root's definitions for its `$ref`s.
    const compiled = schema === root ? schema : { ...schema, $defs: root.$defs, definitions: root.definitions };
    entry = { validator: new Validator(withoutUncompilablePatterns(structuredClone(compiled)) as JsonSchema, "2020-12", false), compiled };
    byRoot.set(root, entry);
  }
  return entry;
}

/** Drops `pattern`s the browser cannot compile as Unicode regular expressions (the server still checks them). */
function withoutUncompilablePatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutUncompilablePatterns);
  if (node === null || typeof node !== "object") return node;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(node)) {
    if (key === "pattern" && typeof item === "string") {
      try {
        new RegExp(item, "u");
      } catch {
        continue;
      }
    }
    result[key] =
      key === "properties" || key === "$defs" || key === "definitions"
        ? mapValues(item, withoutUncompilablePatterns)
        : withoutUncompilablePatterns(item);
  }
  return result;
}

function mapValues(value: unknown, map: (item: unknown) => unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return map(value);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, map(item)]));
}

/** The value with `undefined` fields and items left out (JSON has no `undefined`; a cleared field is absent). */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, withoutUndefined(item)]),
  );
}

/** The node a JSON pointer (`#/properties/a/anyOf/0`) names in a schema, following local `$ref`s. */
function schemaAt(root: Schema, pointer: string): Schema | undefined {
  let current: unknown = root;
  for (const raw of pointer.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object") return undefined;
    current = segment === "$ref" ? deref(current as Schema, root) : (current as Record<string, unknown>)[segment];
  }
  return current !== null && typeof current === "object" ? (current as Schema) : undefined;
}

/** `#/a/0/b` → `a.0.b` (the form's field paths). */
function fieldPath(instanceLocation: string): string {
  return instanceLocation
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path ? path.split(".") : []) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Keywords whose failure only says that something inside failed: the inner errors say what. */
const containerKeywords = new Set([
  "properties",
  "items",
  "prefixItems",
  "additionalItems",
  "patternProperties",
  "allOf",
  "$ref",
  "$recursiveRef",
  "dependentSchemas",
  "dependencies",
  "unevaluatedProperties",
  "unevaluatedItems",
  "if",
  "propertyNames",
]);

function typeWords(type: string): string {
  return type === "integer" ? "a whole number" : type === "array" ? "a list" : type === "object" ? "an object" : `a ${type}`;
}

/**
 * Validates a value against a schema (JSON Schema 2020-12, with `@cfworker/json-schema`, which needs
 * no `eval` and so works under the designer's Content-Security-Policy) and returns `path → message`
 * for every field with a problem: paths are dotted (array items by index, `""` for the value itself),
 * messages say what is wrong in words ("must be at most 65535", "is required"). `root` holds the
 * `$defs` a sub-schema's `$ref`s point to.
 */
export function validateValue(value: unknown, schema: Schema, root: Schema = schema): Record<string, string> {
  const instance = withoutUndefined(value);
  const { validator, compiled } = validatorFor(schema, root);
  const result = validator.validate(instance);
  const errors: Record<string, string> = {};
  if (result.valid) return errors;
  const units = result.errors;
  // Alternatives (anyOf/oneOf) that failed: their branches' own errors are noise, unless only one
  // branch is not `null` (a nullable field): then that branch's errors are the specific ones.
  const skipped: string[] = [];
  const isSkipped = (location: string) => skipped.some((base) => location === base || location.startsWith(`${base}/`));
  const alternatives = new Map<string, { suffix?: string; message: string }>();
  for (const unit of units) {
    if (unit.keyword !== "anyOf" && unit.keyword !== "oneOf") continue;
    if (isSkipped(unit.keywordLocation)) continue;
    const branches = (schemaAt(compiled, unit.keywordLocation) as unknown as Schema[] | undefined) ?? [];
    const resolved = branches.map((branch, index) => ({ branch: deref(branch, compiled), index }));
    const nonNull = resolved.filter(({ branch }) => branch.type !== "null");
    const skipAllBut = (keep: number | undefined) => {
      for (const { index } of resolved) if (index !== keep) skipped.push(`${unit.keywordLocation}/${index}`);
    };
    if (nonNull.length === 1) {
      skipAllBut(nonNull[0]!.index);
      alternatives.set(unit.keywordLocation, { message: "" });
      continue;
    }
    // A tagged union (objects told apart by a `const` property such as `type`): the errors of the variant the value names.
    const tag = discriminator(nonNull.map(({ branch }) => branch));
    const current = valueAt(instance, fieldPath(unit.instanceLocation));
    if (tag && current !== null && typeof current === "object" && !Array.isArray(current)) {
      const chosen = nonNull.find(
        ({ branch }) => deref(branch.properties![tag]!, compiled).const === (current as Record<string, unknown>)[tag],
      );
      skipAllBut(chosen?.index);
      alternatives.set(
        unit.keywordLocation,
        chosen
          ? { message: "" }
          : {
              suffix: tag,
              message: `must be one of ${nonNull.map(({ branch }) => JSON.stringify(deref(branch.properties![tag]!, compiled).const)).join(", ")}`,
            },
      );
      continue;
    }
    skipAllBut(undefined);
    const forms = nonNull.map(({ branch }) => describeForm(branch));
    alternatives.set(unit.keywordLocation, {
      message: forms.every(Boolean)
        ? `must be ${[...new Set(forms)].join(", ").replace(/, ([^,]*)$/, " or $1")}`
        : "does not match any of the allowed forms",
    });
  }
  for (const unit of units) {
    if (containerKeywords.has(unit.keyword)) continue;
    if (isSkipped(unit.keywordLocation)) continue;
    const path = fieldPath(unit.instanceLocation);
    const keywordSchema = schemaAt(compiled, unit.keywordLocation.replace(/\/[^/]*$/, "")) ?? {};
    const underPropertyNames = /\/propertyNames\//.test(unit.keywordLocation);
    const messages = messagesFor(unit.keyword, keywordSchema, valueAt(instance, path), alternatives.get(unit.keywordLocation), unit.error);
    for (const [suffix, message] of messages) {
      const target = suffix === undefined ? path : path ? `${path}.${suffix}` : suffix;
      if (message && errors[target] === undefined)
        errors[target] = underPropertyNames ? `has a name that ${message.replace(/^must/, "does not fit: must")}` : message;
    }
  }
  return errors;
}

/** The property whose `const` tells the object variants of a union apart, when there is one. */
function discriminator(branches: Schema[]): string | undefined {
  if (branches.length < 2 || branches.some((branch) => !branch.properties)) return undefined;
  const candidates = Object.keys(branches[0]!.properties!).filter((name) =>
    branches.every((branch) => branch.properties?.[name]?.const !== undefined && branch.required?.includes(name)),
  );
  return candidates.find(
    (name) => new Set(branches.map((branch) => JSON.stringify(branch.properties![name]!.const))).size === branches.length,
  );
}

/** Words for one failed keyword: `[sub-path (or undefined for the value itself), message]` pairs. */
function messagesFor(
  keyword: string,
  schema: Schema,
  value: unknown,
  alternative: { suffix?: string; message: string } | undefined,
  fallback: string,
): Array<[string | undefined, string]> {
  switch (keyword) {
    case "anyOf":
    case "oneOf":
      return alternative?.message ? [[alternative.suffix, alternative.message]] : [];
    case "type": {
      const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
      return [[undefined, `must be ${types.map(typeWords).join(" or ")}`]];
    }
    case "enum":
      return [[undefined, `must be one of ${(schema.enum ?? []).map((option) => JSON.stringify(option)).join(", ")}`]];
    case "const":
      return [[undefined, `must be ${JSON.stringify(schema.const)}`]];
    case "required": {
      const record = (value ?? {}) as Record<string, unknown>;
      return (schema.required ?? []).filter((name) => !Object.hasOwn(record, name)).map((name) => [name, "is required"]);
    }
    case "false":
      return [[undefined, "is not a known field; remove it"]];
    case "additionalProperties":
      return [];
    case "minimum":
      return [[undefined, `must be at least ${schema.minimum}`]];
    case "maximum":
      return [[undefined, `must be at most ${schema.maximum}`]];
    case "exclusiveMinimum":
      return [[undefined, `must be greater than ${schema.exclusiveMinimum}`]];
    case "exclusiveMaximum":
      return [[undefined, `must be less than ${schema.exclusiveMaximum}`]];
    case "multipleOf":
      return [[undefined, `must be a multiple of ${schema.multipleOf}`]];
    case "minLength":
      return [[undefined, schema.minLength === 1 ? "must not be empty" : `must have at least ${schema.minLength} characters`]];
    case "maxLength":
      return [[undefined, `must have at most ${schema.maxLength} characters`]];
    case "pattern":
      // zod writes a pattern beside formats such as `cidrv4` or `email`: the format's name says it better.
      return [
        [
          undefined,
          formatNames[String(schema.format)] ? `must be ${formatNames[String(schema.format)]}` : `must match the pattern ${schema.pattern}`,
        ],
      ];
    case "format":
      return [[undefined, `must be ${formatNames[String(schema.format)] ?? `in the format "${schema.format}"`}`]];
    case "minItems": {
      const count = Number(schema.minItems);
      return [[undefined, `needs at least ${count} item${count === 1 ? "" : "s"}`]];
    }
    case "maxItems": {
      const count = Number(schema.maxItems);
      return [[undefined, `takes at most ${count} item${count === 1 ? "" : "s"}`]];
    }
    case "uniqueItems":
      return [[undefined, "must not list the same item twice"]];
    case "minProperties":
      return [[undefined, `needs at least ${schema.minProperties} entr${schema.minProperties === 1 ? "y" : "ies"}`]];
    case "maxProperties":
      return [[undefined, `takes at most ${schema.maxProperties} entr${schema.maxProperties === 1 ? "y" : "ies"}`]];
    case "not":
      return [[undefined, "is a value that is not allowed here"]];
    default:
      return [[undefined, `is not valid: ${fallback}`]];
  }
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

/** Drops `undefined` fields so a cleared field falls back to its default. */
export function pruneUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}
