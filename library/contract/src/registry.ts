import { z } from "zod";
import type { AnyComponent, ComponentMeta, ComponentSource, NormalizedInputSpec } from "./component.js";
import type { Entity, EntityMeta } from "./entity.js";
import { DuplicateTypeError } from "./errors.js";

/** A JSON Schema document (draft 2020-12) as produced by `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

/** The package a definition came from. */
export interface RegistryPackage {
  name: string;
  version: string;
}

/** An entity as the runner and designer see it: JSON only. */
export interface RegistryEntity {
  type: string;
  meta: EntityMeta;
  /** JSON Schema of the entity's values. */
  schema: JsonSchema;
  package: RegistryPackage;
}

/** An input or output of a registry component; `entity` is the entity type id. */
export interface RegistryInputSpec {
  entity: string;
  required: boolean;
  multiple: boolean;
  description?: string;
}

/**
 * A packaging problem that keeps the runner from running a component's program, found when the
 * registry was built (its `source` names another package, a subpath its package does not export, or
 * its package's definitions load Pulumi). The planner blocks the component's instances with `message`.
 */
export interface RegistryComponentProblem {
  /** A stable code, e.g. `source-package-mismatch`, `source-path-not-exported`, `definitions-load-pulumi`. */
  code: string;
  /** A sentence naming the package and component, the cause and the fix. */
  message: string;
}

/** A component as the runner and designer see it: JSON only. */
export interface RegistryComponent {
  type: string;
  kind: "unit" | "composite";
  meta: ComponentMeta;
  /** JSON Schema (input side: fields with defaults are optional) of the args object. */
  args: JsonSchema;
  /** JSON Schema of the secrets object. */
  secrets: JsonSchema;
  inputs: Record<string, RegistryInputSpec>;
  outputs: Record<string, RegistryInputSpec>;
  source?: ComponentSource;
  package: RegistryPackage;
  /** Packaging problems found by the runner; present only when there are some. */
  problems?: RegistryComponentProblem[];
}

/** The catalogue of every installed entity and component. */
export interface Registry {
  entities: Record<string, RegistryEntity>;
  components: Record<string, RegistryComponent>;
}

/**
 * Exports a zod schema as JSON Schema. `io: "input"` describes what a user may write (fields with a
 * default are optional); descriptions come from `.describe()`/`.meta()` and from JSDoc comments (the
 * build transform turns them into descriptions).
 */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
}

function specToRegistry(spec: NormalizedInputSpec): RegistryInputSpec {
  return {
    entity: spec.entity.type,
    required: spec.required,
    multiple: spec.multiple,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  };
}

/** The registry form of an entity definition. */
export function entityToRegistry(entity: Entity, pkg: RegistryPackage): RegistryEntity {
  return { type: entity.type, meta: { ...entity.meta }, schema: toJsonSchema(entity.schema, "output"), package: { ...pkg } };
}

/** The registry form of a component definition. */
export function componentToRegistry(component: AnyComponent, pkg: RegistryPackage): RegistryComponent {
  const mapSpecs = (specs: Record<string, NormalizedInputSpec>) =>
    Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, specToRegistry(spec)]));
  return {
    type: component.type,
    kind: component.kind,
    meta: { ...component.meta },
    args: toJsonSchema(component.argsSchema, "input"),
    secrets: toJsonSchema(component.secretsSchema, "input"),
    inputs: mapSpecs(component.inputs),
    outputs: mapSpecs(component.outputs),
    ...(component.source ? { source: { ...component.source } } : {}),
    package: { ...pkg },
  };
}

/** Every entity a component references through its inputs and outputs. */
export function referencedEntities(component: AnyComponent): Entity[] {
  const seen = new Map<string, Entity>();
  for (const spec of [...Object.values(component.inputs), ...Object.values(component.outputs)] as NormalizedInputSpec[]) {
    seen.set(spec.entity.type, spec.entity);
  }
  return [...seen.values()];
}

/**
 * Builds a registry from definitions (used by tests and by tools that load definitions directly). One
 * definition object may appear any number of times (a component references its entities, a package
 * re-exports another's entity); it belongs to the first package that lists it.
 *
 * @throws DuplicateTypeError when two different definitions share a type id, naming both packages.
 */
export function buildRegistry(definitions: Array<{ package: RegistryPackage; entities: Entity[]; components: AnyComponent[] }>): Registry {
  const registry: Registry = { entities: {}, components: {} };
  const owners = {
    entity: new Map<string, { definition: unknown; package: string }>(),
    component: new Map<string, { definition: unknown; package: string }>(),
  };
  const claim = (kind: "entity" | "component", type: string, definition: unknown, pkg: RegistryPackage): boolean => {
    const owner = owners[kind].get(type);
    if (owner === undefined) {
      owners[kind].set(type, { definition, package: pkg.name });
      return true;
    }
    if (owner.definition !== definition) throw new DuplicateTypeError(kind, type, [owner.package, pkg.name]);
    return false;
  };
  for (const { package: pkg, entities, components } of definitions) {
    for (const entity of entities)
      if (claim("entity", entity.type, entity, pkg)) registry.entities[entity.type] = entityToRegistry(entity, pkg);
    for (const component of components) {
      if (claim("component", component.type, component, pkg)) registry.components[component.type] = componentToRegistry(component, pkg);
      for (const entity of referencedEntities(component)) {
        if (claim("entity", entity.type, entity, pkg)) registry.entities[entity.type] = entityToRegistry(entity, pkg);
      }
    }
  }
  return registry;
}
