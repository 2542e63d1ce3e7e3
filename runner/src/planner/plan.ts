/**
 * The plan of a project: for every instance whether it is created, outdated (and why) or blocked (and
 * why), and the order in which the instances that need to run would run.
 */
import { type ArgsValidator, analyzeProject, type Project, type ProjectProblem, type Registry } from "@highstate/contract";
import { formatCycle } from "./errors.js";
import {
  computeInstanceFingerprint,
  describeFingerprintChanges,
  type FingerprintInput,
  type InstanceFingerprint,
  missingOutputDigest,
} from "./fingerprint.js";
import { buildProjectGraph, layersOf, type ProjectGraph } from "./graph.js";

/** What the planner needs to know about an instance's deployment (from the instance state store). */
export interface PlanInstanceState {
  /** Whether the instance's stack has resources (created and not destroyed since). */
  created: boolean;
  /** The fingerprint recorded by the last successful `up`; absent when none succeeded. */
  lastSuccess?: InstanceFingerprint;
  /** Hashes of the last outputs (output name → hash: the instance state's `outputHashes`). */
  outputDigests?: Record<string, string>;
  /** Whether the last `up` or `destroy` failed (the instance needs another run even if nothing changed). */
  failed?: boolean;
}

/** The fields of a stored instance state the planner reads (the workspace's `InstanceState` has them). */
export interface StoredInstanceState {
  status: "not-created" | "created" | "failed";
  /** Resources in the stack after the last operation. */
  resourceCount?: number;
  lastSuccess?: InstanceFingerprint;
  outputDigests?: Record<string, string>;
}

/**
 * Turns the instance state store's states (by uid, `InstanceStateStore.getAll()`) into the planner's
 * states (by instance id). A failed instance counts as created while its stack still has resources.
 */
export function planStatesFromStore(
  project: Project,
  statesByUid: Readonly<Record<string, StoredInstanceState>>,
): Map<string, PlanInstanceState> {
  const states = new Map<string, PlanInstanceState>();
  for (const instance of project.instances) {
    const stored = Object.hasOwn(statesByUid, instance.uid) ? statesByUid[instance.uid] : undefined;
    if (!stored) continue;
    const created = stored.status === "created" || (stored.status === "failed" && (stored.resourceCount ?? 0) > 0);
    states.set(instance.id, {
      created,
      ...(stored.lastSuccess ? { lastSuccess: stored.lastSuccess } : {}),
      ...(stored.outputDigests ? { outputDigests: stored.outputDigests } : {}),
      ...(stored.status === "failed" ? { failed: true } : {}),
    });
  }
  return states;
}

/** Options of {@link planProject}. */
export interface PlanOptions {
  project: Project;
  registry: Registry;
  /** Instance id → deployment state; instances without one are not created. */
  states?: ReadonlyMap<string, PlanInstanceState>;
  /**
   * Instance id → digest of its secrets (`digestSecrets`). Instances without an entry have their
   * secrets left unchecked (e.g. no password given), so only other changes make them outdated.
   */
  secretsDigests?: ReadonlyMap<string, string>;
  /** Validates args against the live definitions; without it args are not validated. */
  validateArgs?: ArgsValidator;
}

/** The plan of one instance. */
export interface InstancePlan {
  id: string;
  /** `unknown-component` when no installed package defines its type. */
  state: "unknown-component" | "not-created" | "created";
  /** Whether the stack has resources (also known for unknown components). */
  created: boolean;
  /** Created, and args, secrets, inputs or the component package changed since the last successful `up` (or upstream will change). */
  outdated: boolean;
  /** Why it is outdated, e.g. `args changed`, `input "cluster" changed`, `upstream "…" is outdated`. */
  reasons: string[];
  /** Why it cannot run (unknown component, invalid args or inputs, a cycle, an upstream that cannot run). */
  blocked?: string;
  /** The fingerprint it would have if it ran now; absent for unknown components. */
  fingerprint?: InstanceFingerprint;
  /** Its topological level in the whole project (`-1` on or after a cycle). */
  level: number;
}

/** The plan of a project. */
export interface ProjectPlan {
  graph: ProjectGraph;
  /** Instance plans in project order (index-aligned with `graph.ids`). */
  instances: InstancePlan[];
  /** Validation problems, dependency cycles included. */
  problems: ProjectProblem[];
  /** Instances that need to run (not created, or outdated) and can, in dependency-ordered layers. */
  layers: string[][];
}

/** Whether an instance of a known component needs `up`: not created, or outdated. */
export function needsRun(plan: InstancePlan): boolean {
  return plan.state !== "unknown-component" && (!plan.created || plan.outdated);
}

/** Builds the plan of a project. Cycles do not throw: their instances are blocked and reported in `problems`. */
export function planProject(options: PlanOptions): ProjectPlan {
  const { project, registry } = options;
  const states = options.states ?? new Map<string, PlanInstanceState>();
  const analysis = analyzeProject(project, registry, options.validateArgs ? { validateArgs: options.validateArgs } : {});
  const graph = buildProjectGraph(project, registry, analysis);
  const problems = analysis.problems;
  const firstProblem = new Map<string, string>();
  for (const problem of problems)
    if (problem.instanceId !== undefined && !firstProblem.has(problem.instanceId)) firstProblem.set(problem.instanceId, problem.message);

  const cycleTexts = graph.cycles.map(formatCycle);
  for (const [group, cycle] of graph.cycles.entries()) {
    problems.push({
      code: "dependency-cycle",
      instanceId: cycle[0]!,
      message: `instances depend on each other in a cycle: ${cycleTexts[group]}; remove one of these connections`,
    });
  }

  // States by index, looked up once (ids used as keys are usually the project's own strings).
  const stateAt = project.instances.map((instance) => states.get(instance.id));
  // What each instance's dependents read of it, one hop closer.
  const outputDigestsAt = stateAt.map((state) => state?.outputDigests);
  // Flags by index for propagation below, set while each instance's plan is at hand.
  const count = project.instances.length;
  const created = new Uint8Array(count);
  const known = new Uint8Array(count);
  const blocked = new Uint8Array(count);
  const changes = new Uint8Array(count); // 1: will run (not created, or outdated), so its outputs may change
  const instances: InstancePlan[] = project.instances.map((instance, position) => {
    const component = Object.hasOwn(registry.components, instance.type) ? registry.components[instance.type] : undefined;
    const state = stateAt[position];
    const isCreated = state?.created ?? false;
    const plan: InstancePlan = {
      id: instance.id,
      state: component ? (isCreated ? "created" : "not-created") : "unknown-component",
      created: isCreated,
      outdated: false,
      reasons: [],
      level: graph.level[position]!,
    };
    if (!component) plan.blocked = `component "${instance.type}" is not installed; install the package that provides it`;
    else if (component.problems !== undefined && component.problems.length > 0) plan.blocked = component.problems[0]!.message;
    else if (firstProblem.size > 0 && firstProblem.has(instance.id)) plan.blocked = firstProblem.get(instance.id)!;
    else if (graph.cycleGroup[position]! >= 0) {
      const group = graph.cycleGroup[position]!;
      plan.blocked = graph.cycles[group]!.includes(instance.id)
        ? `it is part of a dependency cycle: ${cycleTexts[group]}`
        : `it is on a dependency cycle that goes through ${cycleTexts[group]}`;
    }
    if (component) {
      // The graph lists the source of every resolved entry in this same order (see `refSources`).
      const resolved = graph.inputs[position];
      const inputs: Record<string, string[]> = {};
      let cursor = graph.refStart[position]!;
      for (const name in resolved) {
        const refs = resolved[name]!;
        const digests: string[] = new Array(refs.length);
        for (let item = 0; item < refs.length; item += 1) {
          const source = graph.refSources[cursor]!;
          cursor += 1;
          digests[item] = (source >= 0 ? outputDigestsAt[source]?.[refs[item]!.output] : undefined) ?? missingOutputDigest;
        }
        inputs[name] = digests;
      }
      const fingerprintInput: FingerprintInput = { componentType: instance.type, package: component.package, args: instance.args, inputs };
      const secretsDigest = options.secretsDigests?.get(instance.id);
      if (secretsDigest !== undefined) fingerprintInput.secretsDigest = secretsDigest;
      plan.fingerprint = computeInstanceFingerprint(fingerprintInput);
      if (isCreated) {
        plan.reasons = state?.lastSuccess
          ? describeFingerprintChanges(state.lastSuccess, plan.fingerprint)
          : ["no successful run is recorded"];
        if (state?.failed) plan.reasons.unshift("the last run failed");
      }
    }
    created[position] = plan.created ? 1 : 0;
    known[position] = component ? 1 : 0;
    blocked[position] = plan.blocked === undefined ? 0 : 1;
    changes[position] = !plan.created || (component !== undefined && plan.reasons.length > 0) ? 1 : 0;
    return plan;
  });

  // Propagate along the topological order: an upstream that will run may change what flows downstream.
  // This pass reads and writes flags by index only (compact, so it stays fast on large projects);
  // the reasons are worded afterwards in project order, each upstream's once.
  const { start, list } = graph.upstream;
  for (const node of graph.order) {
    const mayBecomeOutdated = created[node] === 1 && known[node] === 1;
    for (let edge = start[node]!; edge < start[node + 1]!; edge += 1) {
      const source = list[edge]!;
      if (mayBecomeOutdated && changes[source] === 1) changes[node] = 1;
      if (blocked[node] === 0 && blocked[source] === 1 && created[source] === 0) {
        instances[node]!.blocked = `upstream "${graph.ids[source]}" cannot run (${instances[source]!.blocked})`;
        blocked[node] = 1;
      }
    }
  }
  const upstreamReason: Array<string | undefined> = new Array(count);
  const added: string[] = [];
  for (let position = 0; position < count; position += 1) {
    const plan = instances[position]!;
    plan.outdated = created[position] === 1 && known[position] === 1 && changes[position] === 1;
    if (!plan.outdated) {
      plan.reasons.length = 0;
      continue;
    }
    // On or after a cycle nothing is ordered, so only its own changes count.
    if (graph.level[position] === -1) continue;
    added.length = 0;
    for (let edge = start[position]!; edge < start[position + 1]!; edge += 1) {
      const source = list[edge]!;
      if (changes[source] === 0) continue;
      upstreamReason[source] ??=
        created[source] === 1 ? `upstream "${graph.ids[source]}" is outdated` : `upstream "${graph.ids[source]}" is not created`;
      added.push(upstreamReason[source]);
    }
    // Arrays of the exact size (pushing one by one would leave room for sixteen in each).
    if (added.length > 0) plan.reasons = plan.reasons.length === 0 ? added.slice() : plan.reasons.concat(added);
  }
  for (const plan of instances) {
    if (plan.level === -1 && plan.blocked === undefined) plan.blocked = "it depends on instances that form a dependency cycle";
  }

  const members: number[] = [];
  for (let position = 0; position < instances.length; position += 1) {
    const plan = instances[position]!;
    if (plan.blocked === undefined && needsRun(plan)) members.push(position);
  }
  const layers = layersOf(graph, members).map((layer) => layer.map((position) => graph.ids[position]!));
  return { graph, instances, problems, layers };
}

/** The plan of one instance by id, or `undefined`. */
export function instancePlan(plan: ProjectPlan, id: string): InstancePlan | undefined {
  const position = plan.graph.index.get(id);
  return position === undefined ? undefined : plan.instances[position];
}
