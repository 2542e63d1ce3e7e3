/** Name rules the designer checks as the user types, before the server does. */
import { checkInstanceName, type Project } from "@highstate/contract";

/**
 * Why a new instance name cannot be used for a component type, or `undefined` when it can. Names are
 * unique per type; `ignoreId` skips the instance being renamed.
 */
export function instanceNameProblem(project: Project, type: string, name: string, ignoreId?: string): string | undefined {
  const problem = checkInstanceName(name);
  if (problem) return problem;
  const id = `${type}:${name}`;
  if (id !== ignoreId && project.instances.some((instance) => instance.id === id))
    return `an instance of this component is already named "${name}"`;
  return undefined;
}

/** A free name for a new instance of `type`: `base`, or `base-2`, `base-3`, … */
export function suggestInstanceName(project: Project, type: string, base: string): string {
  const clean =
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^[^a-z]+/, "")
      .replace(/-+/g, "-")
      .replace(/-$/, "")
      .slice(0, 55) || "instance";
  const taken = new Set(project.instances.filter((instance) => instance.type === type).map((instance) => instance.name));
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean}-${i}`)) return `${clean}-${i}`;
}

/** Why a project name cannot be used, or `undefined`. */
export function projectNameProblem(name: string, existing: string[]): string | undefined {
  if (name.length === 0) return "enter a name";
  if (name.length > 63) return "the name is longer than 63 characters";
  if (!/^[a-z]/.test(name)) return "the name must start with a lower-case letter";
  if (!/^[a-z][a-z0-9-]*$/.test(name)) return "use only lower-case letters, digits and dashes";
  if (existing.includes(name)) return `a project named "${name}" already exists`;
  return undefined;
}

/** A free hub id: `hub:hub`, `hub:hub-2`, … */
export function suggestHubId(project: Project): string {
  const taken = new Set(project.hubs.map((hub) => hub.id));
  if (!taken.has("hub:hub")) return "hub:hub";
  for (let i = 2; ; i++) if (!taken.has(`hub:hub-${i}`)) return `hub:hub-${i}`;
}

/** Why a new hub name cannot be used, or `undefined` when it can. Hub names are unique among hubs. */
export function hubNameProblem(project: Project, name: string): string | undefined {
  const problem = checkInstanceName(name);
  if (problem) return problem;
  if (project.hubs.some((hub) => hub.id === `hub:${name}`)) return `a hub is already named "${name}"`;
  return undefined;
}
