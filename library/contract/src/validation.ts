import type { AnyComponent } from "./component.js";
import { checkInstanceName, type Hub, hubIdPattern, type Instance, type InstanceOutputRef, isHubRef, type Project } from "./project.js";
import { hubContents, PositionList, UniqueRefs } from "./ref-collections.js";
import type { Registry, RegistryComponent, RegistryInputSpec } from "./registry.js";
import { typeIdPattern } from "./type-id.js";

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

/**
 * An entity value source resolved for an input: which instance output feeds it and how it got there.
 * A direct connection resolves to the project's own reference object, so treat these as read-only.
 */
export interface ResolvedInputRef extends InstanceOutputRef {
  /** The hub the value came through, when it came through one. */
  viaHub?: string;
}

/** The result of input resolution: instance id → input name → the outputs feeding it. */
export type ResolvedInputs = Map<string, Record<string, ResolvedInputRef[]>>;

/**
 * Everything {@link analyzeProject} finds in one pass over a project: the input resolution, indexed by
 * position so callers need no lookups by id, and every problem.
 */
export interface ProjectAnalysis {
  /** Instance id → position in `project.instances` (of the first instance, when an id is duplicated). */
  readonly index: ReadonlyMap<string, number>;
  /**
   * For each instance by position: input name → the outputs feeding it, in the component's input
   * order, each output at most once, in the order first met. Empty for instances of unknown components.
   */
  readonly inputs: readonly Readonly<Record<string, readonly ResolvedInputRef[]>>[];
  /**
   * The position of the instance behind every resolved entry. Instance `i`'s entries are
   * `refSources[refStart[i]] … refSources[refStart[i + 1] - 1]`, in the order
   * `for (const name in inputs[i]) for (const ref of inputs[i][name])` visits them.
   */
  readonly refSources: Int32Array;
  /** Where each instance's entries start in {@link refSources}; one more entry than there are instances. */
  readonly refStart: Int32Array;
  /** Every problem found: naming problems of all instances, then hub problems, then the rest instance by instance in project order. */
  readonly problems: ProjectProblem[];
}

const noInputs: Readonly<Record<string, readonly ResolvedInputRef[]>> = Object.freeze({});

function describeInput(instance: Instance, input: string): string {
  return `input "${input}" of "${instance.id}"`;
}

/**
 * Checks that a reference points at an existing output (of the expected entity, when one is given),
 * given the position of the instance it names (`undefined` when none has that id) and that instance's
 * component (`undefined` when unknown: nothing more can be checked). Returns what is wrong, if anything;
 * {@link referenceProblem} words it (only then, so checking a large project builds no strings).
 */
function checkReference(
  ref: InstanceOutputRef,
  source: number | undefined,
  sourceComponent: RegistryComponent | undefined,
  expected: RegistryInputSpec | undefined,
): "no-instance" | "no-output" | "wrong-entity" | undefined {
  if (source === undefined) return "no-instance";
  if (!sourceComponent) return undefined;
  const output = Object.hasOwn(sourceComponent.outputs, ref.output) ? sourceComponent.outputs[ref.output] : undefined;
  if (!output) return "no-output";
  if (expected && output.entity !== expected.entity) return "wrong-entity";
  return undefined;
}

/** Words what {@link checkReference} found; `where` names the referring side. */
function referenceProblem(
  verdict: "no-instance" | "no-output" | "wrong-entity",
  ref: InstanceOutputRef,
  sourceComponent: RegistryComponent | undefined,
  expected: RegistryInputSpec | undefined,
  where: string,
): Pick<ProjectProblem, "code" | "message"> {
  if (verdict === "no-instance") {
    return {
      code: "dangling-reference",
      message: `${where} refers to instance "${ref.instanceId}", which is not in the project; reconnect it or remove the connection`,
    };
  }
  if (verdict === "no-output") {
    const known = Object.keys(sourceComponent?.outputs ?? {});
    return {
      code: "dangling-reference",
      message: `${where} refers to output "${ref.output}" of "${ref.instanceId}", which has no such output (it has ${known.length > 0 ? known.map((name) => `"${name}"`).join(", ") : "none"}); reconnect it`,
    };
  }
  const given = sourceComponent?.outputs[ref.output]?.entity;
  return {
    code: "incompatible-entity",
    message: `${where} takes "${expected?.entity}" but output "${ref.output}" of "${ref.instanceId}" gives "${given}"; connect an output of type "${expected?.entity}"`,
  };
}

/**
 * Whether `id` is exactly `<type>:<name>` with a valid type id and a valid name (`nameIsValid`, from
 * `checkInstanceName`): what `parseInstanceId` would accept and split that way, without building strings.
 */
function isInstanceIdOf(id: string, type: string, name: string, nameIsValid: boolean): boolean {
  return (
    id.length === type.length + 1 + name.length &&
    id.charCodeAt(type.length) === 58 /* ":" */ &&
    id.startsWith(type) &&
    id.endsWith(name) &&
    nameIsValid &&
    typeIdPattern.test(type)
  );
}

/**
 * Resolves every instance's inputs and validates the project, in one pass over its instances after
 * one to index them (large projects stay fast: each instance's data is read while it is in cache).
 *
 * Inputs resolve to instance outputs: direct references, hub references (every matching entity in the
 * hub) and injected hubs (which fill only inputs with nothing connected directly). References that
 * cannot be resolved (missing instance or output, wrong entity type, missing hub) are left out of the
 * resolution and reported. Every problem is reported, not just the first; unknown components are
 * reported (never dropped) and their instances otherwise left alone.
 */
export function analyzeProject(project: Project, registry: Registry, options: { validateArgs?: ArgsValidator } = {}): ProjectAnalysis {
  const problems: ProjectProblem[] = [];
  const { instances } = project;
  const count = instances.length;
  const index = new Map<string, number>();
  const uids = new Set<string>();
  const components: Array<RegistryComponent | undefined> = new Array(count);
  for (let position = 0; position < count; position += 1) {
    const instance = instances[position]!;
    components[position] = Object.hasOwn(registry.components, instance.type) ? registry.components[instance.type] : undefined;
    const nameProblem = checkInstanceName(instance.name);
    if (nameProblem) {
      problems.push({
        code: "invalid-name",
        instanceId: instance.id,
        message: `instance "${instance.id}" has an invalid name "${instance.name}": ${nameProblem}`,
      });
    }
    if (!isInstanceIdOf(instance.id, instance.type, instance.name, nameProblem === undefined)) {
      problems.push({
        code: "malformed-id",
        instanceId: instance.id,
        message: `instance id "${instance.id}" must be "<component type>:<name>", here "${instance.type}:${instance.name}"`,
      });
    }
    if (index.has(instance.id)) {
      problems.push({
        code: "duplicate-name",
        instanceId: instance.id,
        message: `two instances of "${instance.type}" are named "${instance.name}"; names must be unique per component type, rename one`,
      });
    } else {
      index.set(instance.id, position);
    }
    if (uids.has(instance.uid)) {
      // Rare, so the other instance is looked for only now.
      const other = instances.find((item) => item.uid === instance.uid)!;
      if (other.id !== instance.id) {
        problems.push({
          code: "duplicate-uid",
          instanceId: instance.id,
          message: `instances "${other.id}" and "${instance.id}" share the stack identity "${instance.uid}"; give one a new uid`,
        });
      }
    } else {
      uids.add(instance.uid);
    }
  }
  const componentOf = (source: number | undefined) => (source === undefined ? undefined : components[source]);

  const hubs = new Map<string, Hub>();
  for (const hub of project.hubs) {
    if (!hubIdPattern.test(hub.id))
      problems.push({ code: "malformed-id", hubId: hub.id, message: `hub id "${hub.id}" must look like "hub:<name>"` });
    if (hubs.has(hub.id)) problems.push({ code: "duplicate-name", hubId: hub.id, message: `two hubs have the id "${hub.id}"; rename one` });
    hubs.set(hub.id, hub);
  }
  for (const hub of project.hubs) {
    for (const ref of hub.inputs) {
      const source = index.get(ref.instanceId);
      const verdict = checkReference(ref, source, componentOf(source), undefined);
      if (verdict) problems.push({ ...referenceProblem(verdict, ref, componentOf(source), undefined, `hub "${hub.id}"`), hubId: hub.id });
    }
    for (const injected of hub.injectionInputs) {
      if (!hubs.has(injected))
        problems.push({
          code: "dangling-reference",
          hubId: hub.id,
          message: `hub "${hub.id}" includes hub "${injected}", which is not in the project`,
        });
    }
  }

  const hubCache = new Map<string, InstanceOutputRef[]>();
  const refSources = new PositionList();
  const refStart = new Int32Array(count + 1);
  const inputs: Array<Readonly<Record<string, readonly ResolvedInputRef[]>>> = new Array(count);
  const target = new UniqueRefs<ResolvedInputRef>();
  // Adds the outputs of a hub that match an input's entity (hubs were checked above).
  const addFromHub = (target: UniqueRefs<ResolvedInputRef>, hubId: string, entity: string) => {
    for (const item of hubContents(hubId, hubs, hubCache)) {
      const source = index.get(item.instanceId);
      const component = componentOf(source);
      const output = component && Object.hasOwn(component.outputs, item.output) ? component.outputs[item.output] : undefined;
      if (output?.entity === entity && target.add({ instanceId: item.instanceId, output: item.output, viaHub: hubId }))
        refSources.push(source!);
    }
  };

  for (let position = 0; position < count; position += 1) {
    const instance = instances[position]!;
    const component = components[position];
    refStart[position] = refSources.length;
    if (!component) {
      problems.push({
        code: "unknown-component",
        instanceId: instance.id,
        message: `instance "${instance.id}" uses component "${instance.type}", which is not installed; install the package that provides it (the instance is kept as it is)`,
      });
      inputs[position] = noInputs;
      continue;
    }
    if (options.validateArgs) {
      for (const issue of options.validateArgs(instance.type, instance.args)) {
        problems.push({
          code: "invalid-arg",
          instanceId: instance.id,
          arg: issue.path,
          message: `arg "${issue.path}" of "${instance.id}": ${issue.message}`,
        });
      }
    }
    for (const inputName in instance.inputs) {
      if (Object.hasOwn(component.inputs, inputName)) continue;
      const known = Object.keys(component.inputs);
      problems.push({
        code: "unknown-input",
        instanceId: instance.id,
        input: inputName,
        message: `"${instance.id}" has no input "${inputName}" (it has ${known.length > 0 ? known.map((name) => `"${name}"`).join(", ") : "none"}); remove the connection`,
      });
    }
    for (const hubId of instance.injectionInputs) {
      if (!hubs.has(hubId))
        problems.push({
          code: "dangling-reference",
          instanceId: instance.id,
          message: `"${instance.id}" is injected with hub "${hubId}", which is not in the project`,
        });
    }

    const result: Record<string, ResolvedInputRef[]> = {};
    for (const inputName in component.inputs) {
      const spec = component.inputs[inputName]!;
      target.reset();
      const given = Object.hasOwn(instance.inputs, inputName) ? instance.inputs[inputName] : undefined;
      if (given) {
        for (const ref of given) {
          if (isHubRef(ref)) {
            if (hubs.has(ref.hubId)) addFromHub(target, ref.hubId, spec.entity);
            else
              problems.push({
                code: "dangling-reference",
                instanceId: instance.id,
                input: inputName,
                message: `${describeInput(instance, inputName)} refers to hub "${ref.hubId}", which is not in the project`,
              });
            continue;
          }
          const source = index.get(ref.instanceId);
          const sourceComponent = componentOf(source);
          const verdict = checkReference(ref, source, sourceComponent, spec);
          if (verdict)
            problems.push({
              ...referenceProblem(verdict, ref, sourceComponent, spec, describeInput(instance, inputName)),
              instanceId: instance.id,
              input: inputName,
            });
          else if (sourceComponent && target.add(ref)) refSources.push(source!);
        }
      }
      if (target.length === 0) for (const hubId of instance.injectionInputs) if (hubs.has(hubId)) addFromHub(target, hubId, spec.entity);
      const refs = target.take();
      if (spec.required && refs.length === 0) {
        problems.push({
          code: "missing-input",
          instanceId: instance.id,
          input: inputName,
          message: `${describeInput(instance, inputName)} is required: connect an output of type "${spec.entity}"`,
        });
      }
      if (!spec.multiple && refs.length > 1) {
        problems.push({
          code: "too-many-inputs",
          instanceId: instance.id,
          input: inputName,
          message: `${describeInput(instance, inputName)} takes a single "${spec.entity}" but ${refs.length} are connected (${refs.map((ref) => `"${ref.instanceId}".${ref.output}`).join(", ")}); keep one`,
        });
      }
      result[inputName] = refs;
    }
    inputs[position] = result;
  }
  refStart[count] = refSources.length;
  return { index, inputs, refSources: refSources.values.subarray(0, refSources.length), refStart, problems };
}

/**
 * Resolves every instance's inputs to instance outputs (see {@link analyzeProject}, which also gives
 * the problems and positions). When two instances share an id, the first one's inputs are given.
 */
export function resolveProjectInputs(project: Project, registry: Registry): ResolvedInputs {
  const { index, inputs } = analyzeProject(project, registry);
  const resolved: ResolvedInputs = new Map();
  for (const [id, position] of index) resolved.set(id, inputs[position] as Record<string, ResolvedInputRef[]>);
  return resolved;
}

/**
 * Validates a project against a registry and returns every problem found, not just the first (see
 * {@link analyzeProject}). Unknown components are reported (never dropped); their instances are
 * otherwise left alone.
 */
export function validateProject(project: Project, registry: Registry, options: { validateArgs?: ArgsValidator } = {}): ProjectProblem[] {
  return analyzeProject(project, registry, options).problems;
}
