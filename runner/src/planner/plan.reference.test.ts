/**
 * Cross-checks the planner, which is written for speed on large projects (flat arrays, one pass), against
 * a plain recursive reference written for clarity, on many random projects: cycles, dangling references,
 * unknown components, instances not created, failed or never recorded, and changed args.
 */
import {
  buildRegistry,
  defineComponent,
  defineEntity,
  type Instance,
  type Project,
  resolveProjectInputs,
  validateProject,
  z,
} from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { hashJson } from "../fs/canonical.js";
import { seededRandom } from "./__fixtures__/seeded-random.js";
import { type PlanInstanceState, planProject } from "./plan.js";

const item = defineEntity({ type: "ref.item.v1", schema: z.object({ value: z.string() }), meta: { title: "Item" } });
const node = defineComponent({
  type: "ref.node.v1",
  args: { size: z.number().default(1) },
  inputs: { deps: { entity: item, required: false, multiple: true } },
  outputs: { out: item },
  meta: { title: "Node" },
  source: { package: "ref-pkg", path: "node" },
});
const registry = buildRegistry([{ package: { name: "ref-pkg", version: "1.0.0" }, entities: [item], components: [node] }]);

function randomProject(seed: number): { project: Project; states: Map<string, PlanInstanceState> } {
  const next = seededRandom(seed);
  const count = 5 + Math.floor(next() * 30);
  const typeOf = (index: number) => (index % 11 === 7 ? "ref.gone.v1" : "ref.node.v1");
  const idOf = (index: number) => `${typeOf(index)}:n${index}`;
  const instances: Instance[] = [];
  for (let index = 0; index < count; index += 1) {
    const deps: Array<{ instanceId: string; output: string }> = [];
    const wanted = Math.floor(next() * 4);
    for (let edge = 0; edge < wanted && index > 0; edge += 1) deps.push({ instanceId: idOf(Math.floor(next() * index)), output: "out" });
    if (next() < 0.04) deps.push({ instanceId: idOf(Math.min(count - 1, index + 1 + Math.floor(next() * 3))), output: "out" }); // may close a cycle
    if (next() < 0.03) deps.push({ instanceId: "ref.node.v1:missing", output: "out" });
    instances.push({
      id: idOf(index),
      type: typeOf(index),
      name: `n${index}`,
      uid: `uid${String(index).padStart(8, "0")}`,
      args: { size: 1 },
      inputs: { deps },
      injectionInputs: [],
      position: { x: 0, y: 0 },
    });
  }
  const project: Project = { version: 1, instances, hubs: [] };
  const states = new Map<string, PlanInstanceState>();
  for (const instance of instances) states.set(instance.id, { created: true, outputDigests: { out: hashJson({ id: instance.id }) } });
  for (const plan of planProject({ project, registry, states }).instances) {
    if (plan.fingerprint) states.set(plan.id, { ...states.get(plan.id)!, lastSuccess: plan.fingerprint });
  }
  for (const instance of instances) {
    const roll = next();
    if (roll < 0.15) states.delete(instance.id);
    else if (roll < 0.2) states.set(instance.id, { created: true, outputDigests: states.get(instance.id)!.outputDigests! });
    else if (roll < 0.25) states.set(instance.id, { ...states.get(instance.id)!, failed: true });
    else if (roll < 0.35) instance.args = { size: 2 };
  }
  return { project, states };
}

interface Expected {
  outdated: boolean;
  reasons: string[];
  blocked: string | undefined;
}

/** The plan as the planner's documentation describes it, computed the plain way. */
function referencePlan(project: Project, states: Map<string, PlanInstanceState>): { byId: Map<string, Expected>; layers: string[][] } {
  const resolved = resolveProjectInputs(project, registry);
  const problems = validateProject(project, registry);
  const known = (instance: Instance) => instance.type in registry.components;
  const byId = new Map(project.instances.map((instance) => [instance.id, instance]));
  const upstreamOf = (instance: Instance): string[] => {
    const ids = known(instance)
      ? Object.values(resolved.get(instance.id)!).flatMap((refs) => refs.map((ref) => ref.instanceId))
      : Object.values(instance.inputs).flatMap((refs) =>
          refs.flatMap((ref) => ("instanceId" in ref && byId.has(ref.instanceId) ? [ref.instanceId] : [])),
        );
    return [...new Set(ids)];
  };
  const created = (id: string) => states.get(id)?.created ?? false;
  // On a cycle: can reach itself. After a cycle: some upstream is on or after one.
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean =>
    upstreamOf(byId.get(from)!).some((up) => {
      if (up === target) return true;
      if (seen.has(up)) return false;
      seen.add(up);
      return reaches(up, target, seen);
    });
  const onCycle = (id: string) => reaches(id, id);
  const cyclic = new Map<string, boolean>();
  const onOrAfterCycle = (id: string): boolean => {
    if (!cyclic.has(id)) {
      cyclic.set(id, true);
      cyclic.set(id, onCycle(id) || upstreamOf(byId.get(id)!).some(onOrAfterCycle));
    }
    return cyclic.get(id)!;
  };
  const ownReasons = (instance: Instance): string[] => {
    const state = states.get(instance.id);
    if (!state?.created) return [];
    // An upstream whose state is gone no longer gives the output digest its last run saw.
    const inputChanged = known(instance) && resolved.get(instance.id)!.deps!.some((ref) => !states.has(ref.instanceId));
    const changes = [...(instance.args.size === 2 ? ["args changed"] : []), ...(inputChanged ? ['input "deps" changed'] : [])];
    const reasons = state.lastSuccess ? changes : ["no successful run is recorded"];
    return state.failed ? ["the last run failed", ...reasons] : reasons;
  };
  const memo = new Map<string, Expected>();
  const planOf = (id: string): Expected => {
    const cached = memo.get(id);
    if (cached) return cached;
    const instance = byId.get(id)!;
    let blocked: string | undefined;
    if (!known(instance)) blocked = `component "${instance.type}" is not installed; install the package that provides it`;
    else blocked = problems.find((problem) => problem.instanceId === id)?.message;
    if (blocked === undefined && onCycle(id)) blocked = "cycle";
    let reasons = ownReasons(instance);
    if (!onOrAfterCycle(id)) {
      for (const up of upstreamOf(instance)) {
        const upstream = planOf(up);
        if (created(id) && (upstream.outdated || !created(up)))
          reasons = [...reasons, created(up) ? `upstream "${up}" is outdated` : `upstream "${up}" is not created`];
        if (blocked === undefined && upstream.blocked !== undefined && !created(up))
          blocked = `upstream "${up}" cannot run (${upstream.blocked})`;
      }
    }
    if (blocked === undefined && onOrAfterCycle(id)) blocked = "after-cycle";
    const outdated = created(id) && known(instance) && reasons.length > 0;
    const result = { outdated, reasons: outdated ? reasons : [], blocked };
    memo.set(id, result);
    return result;
  };
  for (const instance of project.instances) planOf(instance.id);
  const members = project.instances.filter((instance) => {
    const plan = memo.get(instance.id)!;
    return plan.blocked === undefined && known(instance) && (!created(instance.id) || plan.outdated);
  });
  const memberIds = new Set(members.map((instance) => instance.id));
  const layerMemo = new Map<string, number>();
  const layerOf = (id: string): number => {
    if (!layerMemo.has(id))
      layerMemo.set(
        id,
        Math.max(
          0,
          ...upstreamOf(byId.get(id)!)
            .filter((up) => memberIds.has(up))
            .map((up) => layerOf(up) + 1),
        ),
      );
    return layerMemo.get(id)!;
  };
  const layers: string[][] = [];
  for (const instance of members) {
    const layer = layerOf(instance.id);
    layers[layer] = [...(layers[layer] ?? []), instance.id];
  }
  return { byId: memo, layers };
}

describe("planProject with intertwined cycles", () => {
  it("blocks every instance of a group that depends on itself, naming the cycle each is on", () => {
    const make = (name: string, deps: string[]): Instance => ({
      id: `ref.node.v1:${name}`,
      type: "ref.node.v1",
      name,
      uid: `uid0000000${name}`,
      args: {},
      inputs: { deps: deps.map((dep) => ({ instanceId: `ref.node.v1:${dep}`, output: "out" })) },
      injectionInputs: [],
      position: { x: 0, y: 0 },
    });
    // a ⇄ b and b ⇄ c: one group; the cycle reported for it is a → b → a, which c is not on.
    const project: Project = {
      version: 1,
      instances: [make("a", ["b"]), make("b", ["a", "c"]), make("c", ["b"]), make("d", ["c"])],
      hubs: [],
    };
    const plan = planProject({ project, registry });
    expect(plan.graph.cycles).toEqual([["ref.node.v1:a", "ref.node.v1:b", "ref.node.v1:a"]]);
    const blocked = Object.fromEntries(plan.instances.map((item) => [item.id.slice("ref.node.v1:".length), item.blocked]));
    expect(blocked).toEqual({
      a: 'it is part of a dependency cycle: "ref.node.v1:a" → "ref.node.v1:b" → "ref.node.v1:a"',
      b: 'it is part of a dependency cycle: "ref.node.v1:a" → "ref.node.v1:b" → "ref.node.v1:a"',
      c: 'it is on a dependency cycle that goes through "ref.node.v1:a" → "ref.node.v1:b" → "ref.node.v1:a"',
      d: "it depends on instances that form a dependency cycle",
    });
    expect(plan.layers).toEqual([]);
  });
});

describe("planProject against a plain reference", () => {
  it("agrees on outdated, reasons, blocked and layers for 300 random projects", () => {
    let cycles = 0;
    let blockedByUpstream = 0;
    let outdatedByUpstream = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const { project, states } = randomProject(seed);
      const plan = planProject({ project, registry, states });
      const reference = referencePlan(project, states);
      for (const actual of plan.instances) {
        const expected = reference.byId.get(actual.id)!;
        const context = `seed ${seed}, ${actual.id}`;
        expect(actual.outdated, context).toBe(expected.outdated);
        expect(actual.reasons, context).toEqual(expected.reasons);
        // The reference names cycle cases by kind only; the planner's wording is checked elsewhere.
        if (expected.blocked === "cycle") expect(actual.blocked, context).toMatch(/^it is (part of|on) a dependency cycle/);
        else if (expected.blocked === "after-cycle")
          expect(actual.blocked, context).toBe("it depends on instances that form a dependency cycle");
        else expect(actual.blocked, context).toBe(expected.blocked);
        if (expected.blocked?.startsWith("upstream ")) blockedByUpstream += 1;
        if (expected.reasons.some((reason) => reason.startsWith("upstream "))) outdatedByUpstream += 1;
      }
      expect(plan.layers, `seed ${seed}`).toEqual(reference.layers);
      if (plan.graph.cycles.length > 0) cycles += 1;
    }
    // The random projects do exercise every case.
    expect(cycles).toBeGreaterThan(10);
    expect(blockedByUpstream).toBeGreaterThan(10);
    expect(outdatedByUpstream).toBeGreaterThan(100);
  });
});
