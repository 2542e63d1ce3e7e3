import type { AnyComponent } from "./component.js";
import { type Hub, type Instance, type InstanceOutputRef, isHubRef, parseInstanceId, type Project, checkInstanceName, hubIdPattern } from "./project.js";
import type { Registry, RegistryComponent, RegistryInputSpec } from "./registry.js";

/** The kinds of problems project validation reports. */
export type ProjectProblemCode =
  | "malformed-id"
  | "invalid-name"
  | "duplicate-name"
  | "duplicate-uid"
  | "unknown-component"
  | "invalid-arg"
  | "unknown-input"
  | "missing-input"
  | "too-many-inputs"
  | "incompatible-entity"
  | "dangling-reference"
  /** Instances feed each other in a loop (reported by the runner's planner, which orders the graph). */
  | "dependency-cycle";

/** One problem found in a project, naming the instance (or hub), the input or arg, and the reason. */
export interface ProjectProblem {
  code: ProjectProblemCode;
  /** The instance the problem is on. */
  instanceId?: string;
  /** The hub the problem is on. */
  hubId?: string;
  /** The input concerned. */
  input?: string;
  /** The arg concerned (dotted path for nested fields). */
  arg?: string;
  /** A sentence saying what is wrong and what to do. */
  message: string;
}

/** Validates args of one instance; returns one entry per bad field. */
export type ArgsValidator = (componentType: string, args: Record<string, unknown>) => Array<{ path: string; message: string }>;

/** Builds an args validator from live component definitions (the runner has them; the designer does not). */
export function argsValidatorFromDefinitions(components: Iterable<AnyComponent>): ArgsValidator {
  const byType = new Map<string, AnyComponent>();
  for (const component of components) byType.set(component.type, component);
  return (type, args) => {
    const component = byType.get(type);
    if (!component) return [];
    const result = component.argsSchema.safeParse(args);
    if (result.success) return [];
    return result.error.issues.map((issue) => {
      const keys = issue.code === "unrecognized_keys" ? (issue as { keys?: string[] }).keys : undefined;
      const path = keys && keys.length > 0 ? [...issue.path, keys.join(",")].join(".") : issue.path.join(".");
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown arg${keys && keys.length > 1 ? "s" : ""} ${keys?.map((key) => `"${key}"`).join(", ")}: remove ${keys && keys.length > 1 ? "them" : "it"} or check the spelling`
          : issue.message;
      return { path, message };
    });
  };
}

/** An entity value source resolved for an input: which instance output feeds it and how it got there. */
export interface ResolvedInputRef extends InstanceOutputRef {
  /** The hub the value came through, when it came through one. */
  viaHub?: string;
}

/** The result of input resolution: instance id → input name → the outputs feeding it. */
export type ResolvedInputs = Map<string, Record<string, ResolvedInputRef[]>>;

function refKey(ref: InstanceOutputRef): string {
  return `${ref.instanceId}\u0000${ref.output}`;
}

/** Collects every output a hub bundles, including hubs injected into it (cycles among hubs are tolerated). */
function hubContents(hubId: string, hubs: Map<string, Hub>, cache: Map<string, InstanceOutputRef[]>, visiting = new Set<string>()): InstanceOutputRef[] {
  const cached = cache.get(hubId);
  if (cached) return cached;
  const hub = hubs.get(hubId);
  if (!hub || visiting.has(hubId)) return [];
  visiting.add(hubId);
  const seen = new Set<string>();
  const contents: InstanceOutputRef[] = [];
  const add = (ref: InstanceOutputRef) => {
    const key = refKey(ref);
    if (!seen.has(key)) {
      seen.add(key);
      contents.push(ref);
    }
  };
  for (const ref of hub.inputs) add(ref);
  for (const injected of hub.injectionInputs) for (const ref of hubContents(injected, hubs, cache, visiting)) add(ref);
  visiting.delete(hubId);
  cache.set(hubId, contents);
  return contents;
}

/**
 * Resolves every instance's inputs to instance outputs: direct references, hub references (every
 * matching entity in the hub) and injected hubs (fill only inputs with nothing connected directly).
 * References that cannot be resolved (missing instance or output, wrong entity type) are skipped here
 * and reported by `validateProject`.
 */
export function resolveProjectInputs(project: Project, registry: Registry): ResolvedInputs {
  const instances = new Map(project.instances.map((instance) => [instance.id, instance]));
  const hubs = new Map(project.hubs.map((hub) => [hub.id, hub]));
  const hubCache = new Map<string, InstanceOutputRef[]>();
  const outputEntity = (ref: InstanceOutputRef): string | undefined => {
    const source = instances.get(ref.instanceId);
    return source ? registry.components[source.type]?.outputs[ref.output]?.entity : undefined;
  };
  const resolved: ResolvedInputs = new Map();
  for (const instance of project.instances) {
    const component = registry.components[instance.type];
    const result: Record<string, ResolvedInputRef[]> = {};
    if (component) {
      for (const [inputName, spec] of Object.entries(component.inputs)) {
        const refs: ResolvedInputRef[] = [];
        const seen = new Set<string>();
        const add = (ref: ResolvedInputRef) => {
          const key = refKey(ref);
          if (!seen.has(key)) {
            seen.add(key);
            refs.push(ref);
          }
        };
        for (const ref of instance.inputs[inputName] ?? []) {
          if (isHubRef(ref)) {
            for (const item of hubContents(ref.hubId, hubs, hubCache)) if (outputEntity(item) === spec.entity) add({ ...item, viaHub: ref.hubId });
          } else if (outputEntity(ref) === spec.entity) {
            add({ instanceId: ref.instanceId, output: ref.output });
          }
        }
        if (refs.length === 0) {
          for (const hubId of instance.injectionInputs) {
            for (const item of hubContents(hubId, hubs, hubCache)) if (outputEntity(item) === spec.entity) add({ ...item, viaHub: hubId });
          }
        }
        result[inputName] = refs;
      }
    }
    resolved.set(instance.id, result);
  }
  return resolved;
}

function describeInput(instance: Instance, input: string): string {
  return `input "${input}" of "${instance.id}"`;
}

function checkReference(
  ref: InstanceOutputRef,
  instances: Map<string, Instance>,
  registry: Registry,
  expected: RegistryInputSpec | undefined,
  where: string,
): { problem?: Omit<ProjectProblem, "instanceId" | "hubId" | "input">; entity?: string } {
  const source = instances.get(ref.instanceId);
  if (!source) {
    return { problem: { code: "dangling-reference", message: `${where} refers to instance "${ref.instanceId}", which is not in the project; reconnect it or remove the connection` } };
  }
  const sourceComponent = registry.components[source.type];
  if (!sourceComponent) return {};
  const output = sourceComponent.outputs[ref.output];
  if (!output) {
    const known = Object.keys(sourceComponent.outputs);
    return {
      problem: {
        code: "dangling-reference",
        message: `${where} refers to output "${ref.output}" of "${ref.instanceId}", which has no such output (it has ${known.length > 0 ? known.map((name) => `"${name}"`).join(", ") : "none"}); reconnect it`,
      },
    };
  }
  if (expected && output.entity !== expected.entity) {
    return {
      problem: {
        code: "incompatible-entity",
        message: `${where} takes "${expected.entity}" but output "${ref.output}" of "${ref.instanceId}" gives "${output.entity}"; connect an output of type "${expected.entity}"`,
      },
    };
  }
  return { entity: output.entity };
}

/**
 * Validates a project against a registry and returns every problem found, not just the first. Unknown
 * components are reported (never dropped); their instances are otherwise left alone.
 */
export function validateProject(
  project: Project,
  registry: Registry,
  options: {
    validateArgs?: ArgsValidator;
    /** The result of `resolveProjectInputs(project, registry)` when the caller already has it (saves resolving twice). */
    resolved?: ResolvedInputs;
  } = {},
): ProjectProblem[] {
  const problems: ProjectProblem[] = [];
  const instances = new Map<string, Instance>();
  const uids = new Map<string, string>();
  for (const instance of project.instances) {
    const nameProblem = checkInstanceName(instance.name);
    if (nameProblem) {
      problems.push({ code: "invalid-name", instanceId: instance.id, message: `instance "${instance.id}" has an invalid name "${instance.name}": ${nameProblem}` });
    }
    const parsed = parseInstanceId(instance.id);
    if (!parsed || parsed.type !== instance.type || parsed.name !== instance.name) {
      problems.push({ code: "malformed-id", instanceId: instance.id, message: `instance id "${instance.id}" must be "<component type>:<name>", here "${instance.type}:${instance.name}"` });
    }
    if (instances.has(instance.id)) {
      problems.push({ code: "duplicate-name", instanceId: instance.id, message: `two instances of "${instance.type}" are named "${instance.name}"; names must be unique per component type, rename one` });
    } else {
      instances.set(instance.id, instance);
    }
    const otherUid = uids.get(instance.uid);
    if (otherUid !== undefined && otherUid !== instance.id) {
      problems.push({ code: "duplicate-uid", instanceId: instance.id, message: `instances "${otherUid}" and "${instance.id}" share the stack identity "${instance.uid}"; give one a new uid` });
    } else {
      uids.set(instance.uid, instance.id);
    }
  }
  const hubs = new Map<string, Hub>();
  for (const hub of project.hubs) {
    if (!hubIdPattern.test(hub.id)) problems.push({ code: "malformed-id", hubId: hub.id, message: `hub id "${hub.id}" must look like "hub:<name>"` });
    if (hubs.has(hub.id)) problems.push({ code: "duplicate-name", hubId: hub.id, message: `two hubs have the id "${hub.id}"; rename one` });
    hubs.set(hub.id, hub);
  }
  for (const hub of project.hubs) {
    for (const ref of hub.inputs) {
      const { problem } = checkReference(ref, instances, registry, undefined, `hub "${hub.id}"`);
      if (problem) problems.push({ ...problem, hubId: hub.id });
    }
    for (const injected of hub.injectionInputs) {
      if (!hubs.has(injected)) problems.push({ code: "dangling-reference", hubId: hub.id, message: `hub "${hub.id}" includes hub "${injected}", which is not in the project` });
    }
  }

  const resolved = options.resolved ?? resolveProjectInputs(project, registry);
  for (const instance of project.instances) {
    const component: RegistryComponent | undefined = registry.components[instance.type];
    if (!component) {
      problems.push({
        code: "unknown-component",
        instanceId: instance.id,
        message: `instance "${instance.id}" uses component "${instance.type}", which is not installed; install the package that provides it (the instance is kept as it is)`,
      });
      continue;
    }
    if (options.validateArgs) {
      for (const issue of options.validateArgs(instance.type, instance.args)) {
        problems.push({ code: "invalid-arg", instanceId: instance.id, arg: issue.path, message: `arg "${issue.path}" of "${instance.id}": ${issue.message}` });
      }
    }
    for (const [inputName, refs] of Object.entries(instance.inputs)) {
      const spec = component.inputs[inputName];
      if (!spec) {
        const known = Object.keys(component.inputs);
        problems.push({
          code: "unknown-input",
          instanceId: instance.id,
          input: inputName,
          message: `"${instance.id}" has no input "${inputName}" (it has ${known.length > 0 ? known.map((name) => `"${name}"`).join(", ") : "none"}); remove the connection`,
        });
        continue;
      }
      for (const ref of refs) {
        if (isHubRef(ref)) {
          if (!hubs.has(ref.hubId)) {
            problems.push({ code: "dangling-reference", instanceId: instance.id, input: inputName, message: `${describeInput(instance, inputName)} refers to hub "${ref.hubId}", which is not in the project` });
          }
          continue;
        }
        const { problem } = checkReference(ref, instances, registry, spec, describeInput(instance, inputName));
        if (problem) problems.push({ ...problem, instanceId: instance.id, input: inputName });
      }
    }
    for (const hubId of instance.injectionInputs) {
      if (!hubs.has(hubId)) problems.push({ code: "dangling-reference", instanceId: instance.id, message: `"${instance.id}" is injected with hub "${hubId}", which is not in the project` });
    }
    const resolvedInputs = resolved.get(instance.id) ?? {};
    for (const [inputName, spec] of Object.entries(component.inputs)) {
      const refs = resolvedInputs[inputName] ?? [];
      if (spec.required && refs.length === 0) {
        problems.push({ code: "missing-input", instanceId: instance.id, input: inputName, message: `${describeInput(instance, inputName)} is required: connect an output of type "${spec.entity}"` });
      }
      if (!spec.multiple && refs.length > 1) {
        problems.push({
          code: "too-many-inputs",
          instanceId: instance.id,
          input: inputName,
          message: `${describeInput(instance, inputName)} takes a single "${spec.entity}" but ${refs.length} are connected (${refs.map((ref) => `"${ref.instanceId}".${ref.output}`).join(", ")}); keep one`,
        });
      }
    }
  }
  return problems;
}
