/**
 * Builds the registry (the JSON catalogue the CLI and designer read) and the live definitions (the
 * zod-carrying objects the runner validates and runs with) from the definitions of every package.
 */
import {
  type AnyComponent,
  componentToRegistry,
  type Entity,
  entityToRegistry,
  type Registry,
  type RegistryComponent,
  type RegistryEntity,
  type RegistryPackage,
  referencedEntities,
} from "@highstate/contract";
import { firstLine } from "./errors.js";
import type { PackageDefinitions } from "./load-definitions.js";
import type { RegistryProblem } from "./problems.js";

/** A component definition with the package it came from. */
export interface LiveComponent {
  /** The component definition, with its zod schemas. */
  component: AnyComponent;
  /** The package that defines it. */
  package: RegistryPackage;
}

/** An entity definition with the package it came from. */
export interface LiveEntity {
  entity: Entity;
  package: RegistryPackage;
}

/** The live definitions of every installed package, by type id. */
export interface LiveDefinitions {
  components: Map<string, LiveComponent>;
  entities: Map<string, LiveEntity>;
}

/** The result of a registry build. */
export interface RegistryBuild {
  registry: Registry;
  definitions: LiveDefinitions;
  problems: RegistryProblem[];
}

const label = (pkg: RegistryPackage) => `${pkg.name}@${pkg.version}`;

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Builds the registry from package definitions given in dependency order. A component type defined by
 * two packages is left out entirely (the runner must not guess which program to run) and reported; an
 * entity type exported by two packages keeps the first definition and is reported. An entity object
 * re-exported by several packages belongs to the first (the package it comes from, given the order).
 */
export function buildRegistryFromDefinitions(packages: PackageDefinitions[]): RegistryBuild {
  const problems: RegistryProblem[] = [];
  const entities = new Map<string, LiveEntity>();
  const entityJson = new Map<string, RegistryEntity>();
  const componentOwners = new Map<string, LiveComponent[]>();

  const addEntity = (entity: Entity, pkg: RegistryPackage, exported: boolean) => {
    const existing = entities.get(entity.type);
    if (existing) {
      if (existing.entity !== entity && exported && existing.package.name !== pkg.name) {
        problems.push({
          code: "duplicate-type",
          severity: "warning",
          packages: [existing.package.name, pkg.name],
          type: entity.type,
          message: `Entity "${entity.type}" is defined by both "${label(existing.package)}" and "${label(pkg)}"; the one from "${existing.package.name}" is used. Uninstall one of them or ask its author to rename the type`,
        });
      }
      return;
    }
    try {
      entityJson.set(entity.type, entityToRegistry(entity, pkg));
      entities.set(entity.type, { entity, package: pkg });
    } catch (error) {
      problems.push({
        code: "invalid-definition",
        severity: "error",
        packages: [pkg.name],
        type: entity.type,
        message: `Entity "${entity.type}" of package "${label(pkg)}" cannot be described as JSON Schema: ${firstLine(error instanceof Error ? error.message : String(error))}`,
      });
    }
  };

  // Exported entities first, so a package that re-exports another's entity never claims it.
  for (const { package: discovered, entities: exported } of packages) {
    const pkg = { name: discovered.name, version: discovered.version };
    for (const entity of exported) addEntity(entity, pkg, true);
  }
  for (const { package: discovered, components, entities: exported } of packages) {
    const pkg = { name: discovered.name, version: discovered.version };
    if (components.length === 0 && exported.length === 0) {
      problems.push({
        code: "no-definitions",
        severity: "warning",
        packages: [pkg.name],
        message: `Package "${label(pkg)}" is marked as a Highstate package but its definitions module exports no entity and no component`,
      });
    }
    for (const component of components) {
      const owners = componentOwners.get(component.type) ?? [];
      if (!owners.some((owner) => owner.component === component)) owners.push({ component, package: pkg });
      componentOwners.set(component.type, owners);
      for (const entity of referencedEntities(component)) addEntity(entity, pkg, false);
    }
  }

  const components = new Map<string, LiveComponent>();
  const componentJson: Record<string, RegistryComponent> = {};
  for (const [type, owners] of componentOwners) {
    if (owners.length > 1) {
      const names = owners.map((owner) => label(owner.package));
      const quoted = names.map((name) => `"${name}"`);
      const sameName = new Set(owners.map((owner) => owner.package.name)).size === 1;
      problems.push({
        code: "duplicate-type",
        severity: "error",
        packages: [...new Set(owners.map((owner) => owner.package.name))],
        type,
        message: sameName
          ? `Component "${type}" is defined ${owners.length} times by package ${quoted[0]}; it is left out of the registry until the package defines it once`
          : `Component "${type}" is defined by both ${quoted.join(" and ")}; it is left out of the registry until you uninstall one of them or its author renames the type`,
      });
      continue;
    }
    const owner = owners[0]!;
    try {
      componentJson[type] = componentToRegistry(owner.component, owner.package);
      components.set(type, owner);
    } catch (error) {
      problems.push({
        code: "invalid-definition",
        severity: "error",
        packages: [owner.package.name],
        type,
        message: `Component "${type}" of package "${label(owner.package)}" cannot be described as JSON Schema: ${firstLine(error instanceof Error ? error.message : String(error))}`,
      });
    }
  }

  return {
    registry: { entities: sortRecord(Object.fromEntries(entityJson)), components: sortRecord(componentJson) },
    definitions: { components, entities },
    problems,
  };
}
