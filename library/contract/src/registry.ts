import { z } from "zod";
import type { AnyComponent, ComponentMeta, ComponentSource, NormalizedInputSpec } from "./component.js";
import type { Entity, EntityMeta } from "./entity.js";

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

/** Builds a registry from definitions (used by tests and by tools that load definitions directly). */
export function buildRegistry(
  definitions: Array<{ package: RegistryPackage; entities: Entity[]; components: AnyComponent[] }>,
): Registry {
  const registry: Registry = { entities: {}, components: {} };
  for (const { package: pkg, entities, components } of definitions) {
    for (const entity of entities) registry.entities[entity.type] ??= entityToRegistry(entity, pkg);
    for (const component of components) {
      registry.components[component.type] ??= componentToRegistry(component, pkg);
      for (const entity of referencedEntities(component)) registry.entities[entity.type] ??= entityToRegistry(entity, pkg);
    }
  }
  return registry;
}
