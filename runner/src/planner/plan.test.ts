import { buildRegistry, defineComponent, defineEntity, type Instance, type Project, type Registry, z } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { hashJson } from "../fs/canonical.js";
import { DependencyCycleError, HasDependentsError, InstanceBlockedError, UnknownInstanceError } from "./errors.js";
import { fingerprintKeyFromBytes } from "./fingerprint.js";
import { resolvedInputsOf } from "./graph.js";
import { instancePlan, type PlanInstanceState, type PlanOptions, planProject, planStatesFromStore } from "./plan.js";
import { dependenciesToRun, dependentsOf, planDestroy, planRun } from "./selection.js";

const server = defineEntity({ type: "test.server.v1", schema: z.object({ host: z.string() }), meta: { title: "Server" } });
const cluster = defineEntity({ type: "test.cluster.v1", schema: z.object({ name: z.string() }), meta: { title: "Cluster" } });

const machine = defineComponent({
  type: "test.machine.v1",
  args: { size: z.number().default(1) },
  secrets: { password: z.string().optional() },
  outputs: { server },
  meta: { title: "Machine" },
  source: { package: "test-pkg", path: "machine" },
});
const k8s = defineComponent({
  type: "test.k8s.v1",
  inputs: { server, extra: { entity: server, required: false, multiple: true } },
  outputs: { cluster },
  meta: { title: "K8s" },
  source: { package: "test-pkg", path: "k8s" },
});
const app = defineComponent({
  type: "test.app.v1",
  inputs: { cluster, server: { entity: server, required: false } },
  outputs: { endpoint: server },
  meta: { title: "App" },
  source: { package: "other-pkg", path: "app" },
});

function registry(versions: { test?: string; other?: string } = {}): Registry {
  return buildRegistry([
    { package: { name: "test-pkg", version: versions.test ?? "1.0.0" }, entities: [server, cluster], components: [machine, k8s] },
    { package: { name: "other-pkg", version: versions.other ?? "1.0.0" }, entities: [], components: [app] },
  ]);
}

let uidCounter = 0;
function instance(type: string, name: string, inputs: Instance["inputs"] = {}, extra: Partial<Instance> = {}): Instance {
  uidCounter += 1;
  return {
    id: `${type}:${name}`,
    type,
    name,
    uid: `uid${String(uidCounter).padStart(8, "0")}`,
    args: {},
    inputs,
    injectionInputs: [],
    position: { x: 0, y: 0 },
    ...extra,
  };
}
const ref = (instanceId: string, output: string) => ({ instanceId, output });
const M = (name: string) => `test.machine.v1:${name}`;
const K = (name: string) => `test.k8s.v1:${name}`;
const A = (name: string) => `test.app.v1:${name}`;

/** m1 → k1 → a1, m2 standalone. */
function chainProject(): Project {
  return {
    version: 1,
    instances: [
      instance("test.app.v1", "a1", { cluster: [ref(K("k1"), "cluster")] }),
      instance("test.k8s.v1", "k1", { server: [ref(M("m1"), "server")] }),
      instance("test.machine.v1", "m1"),
      instance("test.machine.v1", "m2"),
    ],
    hubs: [],
  };
}

/** States where every instance is created and ran with exactly the current project. */
function upToDate(options: PlanOptions): Map<string, PlanInstanceState> {
  const states = new Map<string, PlanInstanceState>();
  // Outputs first, so fingerprints see the digests the runs produced.
  for (const item of options.project.instances) {
    const outputs = Object.keys(options.registry.components[item.type]?.outputs ?? {});
    states.set(item.id, {
      created: true,
      outputDigests: Object.fromEntries(outputs.map((name) => [name, hashJson({ from: item.id, name })])),
    });
  }
  const plan = planProject({ ...options, states });
  for (const item of plan.instances) states.set(item.id, { ...states.get(item.id)!, lastSuccess: item.fingerprint! });
  return states;
}

describe("planProject", () => {
  it("orders instances into parallel layers", () => {
    const plan = planProject({ project: chainProject(), registry: registry() });
    expect(plan.layers).toEqual([[M("m1"), M("m2")], [K("k1")], [A("a1")]]);
    expect(plan.instances.map((item) => [item.id, item.state, item.level])).toEqual([
      [A("a1"), "not-created", 2],
      [K("k1"), "not-created", 1],
      [M("m1"), "not-created", 0],
      [M("m2"), "not-created", 0],
    ]);
    expect(plan.problems).toEqual([]);
  });

  it("reports a cycle naming it, blocks its instances and what depends on them", () => {
    const project: Project = {
      version: 1,
      instances: [
        instance("test.app.v1", "x", { cluster: [ref(K("k"), "cluster")] }),
        instance("test.k8s.v1", "k", { server: [ref(A("y"), "endpoint")] }),
        instance("test.app.v1", "y", { cluster: [ref(K("k"), "cluster")] }),
        instance("test.machine.v1", "free"),
      ],
      hubs: [],
    };
    const plan = planProject({ project, registry: registry() });
    expect(plan.graph.cycles).toEqual([[A("y"), K("k"), A("y")]]);
    expect(plan.problems).toEqual([
      {
        code: "dependency-cycle",
        instanceId: A("y"),
        message: `instances depend on each other in a cycle: "${A("y")}" → "${K("k")}" → "${A("y")}"; remove one of these connections`,
      },
    ]);
    expect(instancePlan(plan, K("k"))!.blocked).toBe(`it is part of a dependency cycle: "${A("y")}" → "${K("k")}" → "${A("y")}"`);
    expect(instancePlan(plan, A("x"))!.blocked).toBe("it depends on instances that form a dependency cycle");
    expect(plan.layers).toEqual([[M("free")]]);
    const error = (() => {
      try {
        planRun(plan, [A("x")]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as Error).message).toBe(
      `Instances depend on each other in a cycle: "${A("y")}" → "${K("k")}" → "${A("y")}"; remove one of these connections`,
    );
  });

  it("reports an instance feeding itself as a cycle of one", () => {
    const project: Project = {
      version: 1,
      instances: [
        instance("test.app.v1", "self", { cluster: [ref(K("k"), "cluster")], server: [ref(A("self"), "endpoint")] }),
        instance("test.k8s.v1", "k", { server: [ref(A("self"), "endpoint")] }),
      ],
      hubs: [],
    };
    const plan = planProject({ project, registry: registry() });
    expect(plan.graph.cycles).toEqual([[A("self"), K("k"), A("self")]]);
    const lonely: Project = { version: 1, instances: [instance("test.app.v1", "me", { server: [ref(A("me"), "endpoint")] })], hubs: [] };
    expect(planProject({ project: lonely, registry: registry() }).graph.cycles).toEqual([[A("me"), A("me")]]);
  });

  it("is up to date when nothing changed and propagates a change downstream with reasons", () => {
    const project = chainProject();
    const states = upToDate({ project, registry: registry() });
    const clean = planProject({ project, registry: registry(), states });
    expect(clean.instances.filter((item) => item.outdated)).toEqual([]);
    expect(clean.layers).toEqual([]);

    project.instances[2]!.args = { size: 3 };
    const plan = planProject({ project, registry: registry(), states });
    expect(plan.instances.map((item) => [item.id, item.outdated, item.reasons])).toEqual([
      [A("a1"), true, [`upstream "${K("k1")}" is outdated`]],
      [K("k1"), true, [`upstream "${M("m1")}" is outdated`]],
      [M("m1"), true, ["args changed"]],
      [M("m2"), false, []],
    ]);
    expect(plan.layers).toEqual([[M("m1")], [K("k1")], [A("a1")]]);
  });

  it("sees a component package update, changed secrets and changed input values", () => {
    const project = chainProject();
    const key = fingerprintKeyFromBytes(Buffer.from("0123456789abcdef0123456789abcdef"));
    const secretsDigests = new Map([[M("m2"), key.digest({ password: "one" })]]);
    const states = upToDate({ project, registry: registry(), secretsDigests });

    const bumped = planProject({
      project,
      registry: registry({ other: "1.1.0" }),
      states,
      secretsDigests: new Map([[M("m2"), key.digest({ password: "two" })]]),
    });
    expect(instancePlan(bumped, A("a1"))!.reasons).toEqual(['component package "other-pkg" updated (1.0.0 → 1.1.0)']);
    expect(instancePlan(bumped, M("m2"))!.reasons).toEqual(["secrets changed"]);
    expect(instancePlan(bumped, K("k1"))!.outdated).toBe(false);

    // Without a password the secrets are not compared.
    expect(instancePlan(planProject({ project, registry: registry(), states }), M("m2"))!.outdated).toBe(false);

    // m1 ran again (outside this plan) and returned another server: k1's input changed.
    states.set(M("m1"), { ...states.get(M("m1"))!, outputDigests: { server: hashJson({ host: "10.0.0.9" }) } });
    const moved = planProject({ project, registry: registry(), states });
    expect(instancePlan(moved, K("k1"))!.reasons).toEqual(['input "server" changed']);
    expect(instancePlan(moved, A("a1"))!.reasons).toEqual([`upstream "${K("k1")}" is outdated`]);
  });

  it("marks created instances whose upstream is not created, and instances without a recorded success", () => {
    const project = chainProject();
    const states = upToDate({ project, registry: registry() });
    states.set(M("m1"), { created: false });
    states.set(M("m2"), { created: true });
    const plan = planProject({ project, registry: registry(), states });
    expect(instancePlan(plan, K("k1"))!.reasons).toEqual(['input "server" changed', `upstream "${M("m1")}" is not created`]);
    expect(instancePlan(plan, M("m2"))!.reasons).toEqual(["no successful run is recorded"]);
    expect(plan.layers).toEqual([[M("m1"), M("m2")], [K("k1")], [A("a1")]]);
  });

  it("reads the state store's states by uid, counting failed stacks with resources as created", () => {
    const project = chainProject();
    const [a1, k1, m1, m2] = project.instances.map((item) => item.uid) as [string, string, string, string];
    const fingerprint = planProject({ project, registry: registry() }).instances[2]!.fingerprint!;
    const states = planStatesFromStore(project, {
      [a1]: { status: "failed", resourceCount: 0 },
      [k1]: { status: "failed", resourceCount: 4, outputDigests: { cluster: "sha256:x" } },
      [m1]: { status: "created", resourceCount: 1, lastSuccess: fingerprint, outputDigests: {} },
      [m2]: { status: "not-created" },
      unrelated0: { status: "created" },
    });
    expect(Object.fromEntries(states)).toEqual({
      [A("a1")]: { created: false, failed: true },
      [K("k1")]: { created: true, failed: true, outputDigests: { cluster: "sha256:x" } },
      [M("m1")]: { created: true, lastSuccess: fingerprint, outputDigests: {} },
      [M("m2")]: { created: false },
    });
    const plan = planProject({ project, registry: registry(), states });
    expect(instancePlan(plan, K("k1"))!.reasons).toEqual(["the last run failed", "no successful run is recorded"]);
    expect(instancePlan(plan, M("m1"))!.outdated).toBe(false);
  });

  it("resolves hub references and hub injection into dependencies", () => {
    const project: Project = {
      version: 1,
      instances: [
        instance("test.machine.v1", "m1"),
        instance("test.machine.v1", "m2"),
        instance("test.k8s.v1", "injected", {}, { injectionInputs: ["hub:servers"] }),
        instance("test.k8s.v1", "referenced", { server: [ref(M("m1"), "server")], extra: [{ hubId: "hub:servers" }] }),
      ],
      hubs: [{ id: "hub:servers", inputs: [ref(M("m2"), "server")], injectionInputs: [], position: { x: 0, y: 0 } }],
    };
    const plan = planProject({ project, registry: registry() });
    expect(plan.problems).toEqual([]);
    expect(resolvedInputsOf(plan.graph, K("injected"))).toEqual({
      server: [{ instanceId: M("m2"), output: "server", viaHub: "hub:servers" }],
      extra: [{ instanceId: M("m2"), output: "server", viaHub: "hub:servers" }],
    });
    expect(plan.layers).toEqual([
      [M("m1"), M("m2")],
      [K("injected"), K("referenced")],
    ]);
    expect(dependenciesToRun(plan, [K("injected")])).toEqual([M("m2")]);
    expect(dependenciesToRun(plan, [K("referenced")])).toEqual([M("m1"), M("m2")]);
  });

  it("blocks instances that break cardinality, and what needs them", () => {
    const project: Project = {
      version: 1,
      instances: [
        instance("test.machine.v1", "m1"),
        instance("test.machine.v1", "m2"),
        instance("test.k8s.v1", "two", { server: [ref(M("m1"), "server"), ref(M("m2"), "server")] }),
        instance("test.k8s.v1", "none"),
        instance("test.app.v1", "after", { cluster: [ref(K("two"), "cluster")] }),
      ],
      hubs: [],
    };
    const plan = planProject({ project, registry: registry() });
    expect(plan.problems.map((problem) => [problem.code, problem.instanceId])).toEqual([
      ["too-many-inputs", K("two")],
      ["missing-input", K("none")],
    ]);
    expect(instancePlan(plan, K("two"))!.blocked).toBe(
      `input "server" of "${K("two")}" takes a single "test.server.v1" but 2 are connected ("${M("m1")}".server, "${M("m2")}".server); keep one`,
    );
    expect(instancePlan(plan, K("none"))!.blocked).toBe(
      `input "server" of "${K("none")}" is required: connect an output of type "test.server.v1"`,
    );
    expect(instancePlan(plan, A("after"))!.blocked).toMatch(new RegExp(`^upstream "${K("two")}" cannot run \\(input "server"`));
    expect(plan.layers).toEqual([[M("m1"), M("m2")]]);
    expect(() => planRun(plan, [K("none")])).toThrow(InstanceBlockedError);
  });

  it("keeps instances of unknown components, with their direct dependencies", () => {
    const project: Project = {
      version: 1,
      instances: [instance("test.machine.v1", "m1"), instance("gone.thing.v1", "old", { server: [ref(M("m1"), "server")] })],
      hubs: [],
    };
    const states = new Map<string, PlanInstanceState>([
      [M("m1"), { created: true }],
      ["gone.thing.v1:old", { created: true }],
    ]);
    const plan = planProject({ project, registry: registry(), states });
    const old = instancePlan(plan, "gone.thing.v1:old")!;
    expect([old.state, old.created, old.outdated, old.blocked]).toEqual([
      "unknown-component",
      true,
      false,
      'component "gone.thing.v1" is not installed; install the package that provides it',
    ]);
    expect(dependentsOf(plan, [M("m1")])).toEqual(["gone.thing.v1:old"]);
    expect(() => planDestroy(plan, [M("m1")])).toThrow(HasDependentsError);
  });
});

describe("selections", () => {
  it("runs a selection with the dependencies that are not created or outdated", () => {
    const project = chainProject();
    const states = upToDate({ project, registry: registry() });
    states.set(M("m1"), { created: false });
    const plan = planProject({ project, registry: registry(), states });
    expect(dependenciesToRun(plan, [A("a1")])).toEqual([K("k1"), M("m1")]);
    expect(planRun(plan, [A("a1")], { includeDependencies: true })).toEqual([[M("m1")], [K("k1")], [A("a1")]]);
    expect(() => planRun(plan, [K("k1")])).toThrow(
      new InstanceBlockedError(
        K("k1"),
        `it takes inputs from "${M("m1")}", which is not created; run "${M("m1")}" first, or include dependencies (\`highstate up --include-dependencies\`)`,
        M("m1"),
      ),
    );
    expect(() => planRun(plan, ["test.machine.v1:nope"])).toThrow(UnknownInstanceError);
    expect(planRun(plan, [M("m2"), M("m1")])).toEqual([[M("m1"), M("m2")]]);
  });

  it("refuses to destroy what others depend on unless cascading, then destroys in reverse order", () => {
    const project = chainProject();
    const states = upToDate({ project, registry: registry() });
    const plan = planProject({ project, registry: registry(), states });
    let error: unknown;
    try {
      planDestroy(plan, [M("m1")]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HasDependentsError);
    expect((error as Error).message).toBe(
      `Cannot destroy "${M("m1")}": "${A("a1")}", "${K("k1")}" still depend on it; destroy them first or destroy with cascade`,
    );
    expect(planDestroy(plan, [M("m1")], { cascade: true })).toEqual([[A("a1")], [K("k1")], [M("m1")]]);
    expect(planDestroy(plan, [A("a1")])).toEqual([[A("a1")]]);
    expect(dependentsOf(plan, [K("k1")])).toEqual([A("a1")]);

    // Dependents that are not created do not hold a destroy back.
    states.set(A("a1"), { created: false });
    states.set(K("k1"), { created: false });
    expect(planDestroy(planProject({ project, registry: registry(), states }), [M("m1")])).toEqual([[M("m1")]]);
  });
});
