import { describe, expect, it } from "vitest";
import { app, cluster, existingServer, keyPair } from "./__fixtures__/definitions.js";
import { type Instance, type Project, projectSchema } from "./project.js";
import { buildRegistry } from "./registry.js";
import { analyzeProject, argsValidatorFromDefinitions, type ProjectProblem, resolveProjectInputs, validateProject } from "./validation.js";

const registry = buildRegistry([
  { package: { name: "test-package", version: "1.0.0" }, entities: [], components: [keyPair, existingServer, cluster, app] },
]);
const validateArgs = argsValidatorFromDefinitions([keyPair, existingServer, cluster, app]);

let uidCounter = 0;
function instance(type: string, name: string, extra: Partial<Instance> = {}): Instance {
  uidCounter += 1;
  return {
    id: `${type}:${name}`,
    type,
    name,
    uid: `uid${String(uidCounter).padStart(8, "0")}`,
    args: {},
    inputs: {},
    injectionInputs: [],
    position: { x: 0, y: 0 },
    ...extra,
  };
}

function project(instances: Instance[], hubs: Project["hubs"] = []): Project {
  return projectSchema.parse({ version: 1, instances, hubs });
}

function codes(problems: ProjectProblem[]): string[] {
  return problems.map(
    (problem) =>
      `${problem.code}:${problem.instanceId ?? problem.hubId}${problem.input ? `.${problem.input}` : ""}${problem.arg ? `#${problem.arg}` : ""}`,
  );
}

const key = instance("test.key-pair.v1", "main");
const server = (name: string, extra: Partial<Instance> = {}) =>
  instance("test.existing-server.v1", name, {
    args: { endpoint: `${name}.example.com` },
    inputs: { keyPair: [{ instanceId: key.id, output: "keyPair" }] },
    ...extra,
  });

describe("validateProject", () => {
  it("accepts a good project", () => {
    const web = server("web");
    const k8s = instance("test.cluster.v1", "prod", { inputs: { masters: [{ instanceId: web.id, output: "server" }] } });
    const problems = validateProject(
      project([key, web, k8s, instance("test.app.v1", "blog", { inputs: { cluster: [{ instanceId: k8s.id, output: "cluster" }] } })]),
      registry,
      { validateArgs },
    );
    expect(problems).toEqual([]);
  });

  it("reports every problem, not just the first", () => {
    const broken = project([
      key,
      instance("test.unknown.v1", "ghost", { args: { anything: 1 } }),
      instance("test.existing-server.v1", "web", {
        args: { sshPort: 0, colour: "red" },
        inputs: { keyPair: [{ instanceId: "test.key-pair.v1:missing", output: "keyPair" }] },
      }),
      instance("test.cluster.v1", "prod", {
        inputs: {
          masters: [{ instanceId: key.id, output: "keyPair" }],
          bastion: [
            { instanceId: "test.existing-server.v1:web", output: "server" },
            { instanceId: "test.existing-server.v1:other", output: "server" },
          ],
          nonsense: [],
        },
      }),
      server("other"),
      instance("test.app.v1", "blog"),
      { ...server("dup"), uid: "uidduplicate" },
      { ...server("dup"), uid: "uidduplicate2" },
      { ...instance("test.existing-server.v1", "Bad_Name"), args: { endpoint: "x" } },
      { ...server("mismatch"), id: "test.existing-server.v1:other-name" },
    ]);
    const problems = validateProject(broken, registry, { validateArgs });
    expect(codes(problems)).toEqual(
      expect.arrayContaining([
        "unknown-component:test.unknown.v1:ghost",
        "invalid-arg:test.existing-server.v1:web#endpoint",
        "invalid-arg:test.existing-server.v1:web#sshPort",
        "invalid-arg:test.existing-server.v1:web#colour",
        "dangling-reference:test.existing-server.v1:web.keyPair",
        "incompatible-entity:test.cluster.v1:prod.masters",
        "too-many-inputs:test.cluster.v1:prod.bastion",
        "unknown-input:test.cluster.v1:prod.nonsense",
        "missing-input:test.cluster.v1:prod.masters",
        "missing-input:test.app.v1:blog.cluster",
        "duplicate-name:test.existing-server.v1:dup",
        "invalid-name:test.existing-server.v1:Bad_Name",
        "malformed-id:test.existing-server.v1:Bad_Name",
        "malformed-id:test.existing-server.v1:other-name",
      ]),
    );
    const unknown = problems.find((problem) => problem.code === "unknown-component")!;
    expect(unknown.message).toContain('"test.unknown.v1"');
    expect(unknown.message).toContain("kept");
    const incompatible = problems.find((problem) => problem.code === "incompatible-entity")!;
    expect(incompatible.message).toBe(
      'input "masters" of "test.cluster.v1:prod" takes "test.server.v1" but output "keyPair" of "test.key-pair.v1:main" gives "test.key-pair.v1"; connect an output of type "test.server.v1"',
    );
    const unknownArg = problems.find((problem) => problem.arg === "colour")!;
    expect(unknownArg.message).toContain('unknown arg "colour"');
    // The unknown instance is not dropped: validation never changes the project.
    expect(broken.instances.map((item) => item.id)).toContain("test.unknown.v1:ghost");
  });

  it("reports a reference to a missing output and a missing hub", () => {
    const web = server("web");
    const problems = validateProject(
      project([
        key,
        web,
        instance("test.cluster.v1", "prod", {
          inputs: { masters: [{ instanceId: web.id, output: "nope" }, { hubId: "hub:missing" }] },
          injectionInputs: ["hub:gone"],
        }),
      ]),
      registry,
    );
    // Per instance: the injected hubs first, then each input's connections and whether it is satisfied.
    expect(codes(problems)).toEqual([
      "dangling-reference:test.cluster.v1:prod",
      "dangling-reference:test.cluster.v1:prod.masters",
      "dangling-reference:test.cluster.v1:prod.masters",
      "missing-input:test.cluster.v1:prod.masters",
    ]);
    expect(problems[0]!.message).toBe('"test.cluster.v1:prod" is injected with hub "hub:gone", which is not in the project');
    expect(problems[1]!.message).toContain('has no such output (it has "server")');
    expect(problems[2]!.message).toBe('input "masters" of "test.cluster.v1:prod" refers to hub "hub:missing", which is not in the project');
  });
});

describe("resolveProjectInputs", () => {
  // Short lists are searched for duplicates and long ones keyed; both must keep the first of each output in order.
  it.each([3, 40])("lists each output once per input, in the order first met (%i servers)", (count) => {
    const servers = Array.from({ length: count }, (_, index) => server(`s${index}`));
    const direct = servers.map((item) => ({ instanceId: item.id, output: "server" }));
    const k8s = instance("test.cluster.v1", "prod", {
      inputs: { masters: [...direct.slice(0, 2), { hubId: "hub:all" }, ...direct, direct[0]!] },
    });
    const hubInputs = [...direct].reverse();
    const p = project(
      [key, ...servers, k8s],
      [{ id: "hub:all", inputs: [...hubInputs, hubInputs[0]!], injectionInputs: [], position: { x: 0, y: 0 } }],
    );
    const masters = resolveProjectInputs(p, registry).get(k8s.id)!.masters!;
    const expected = [servers[0]!, servers[1]!, ...[...servers].reverse().filter((item) => item !== servers[0] && item !== servers[1])].map(
      (item) => item.id,
    );
    expect(masters.map((ref) => ref.instanceId)).toEqual(expected);
    expect(masters.slice(0, 2).every((ref) => ref.viaHub === undefined)).toBe(true);
    expect(masters.slice(2).every((ref) => ref.viaHub === "hub:all")).toBe(true);
    expect(validateProject(p, registry)).toEqual([]);

    // The analysis gives the position of the instance behind every entry, in the same order.
    const analysis = analyzeProject(p, registry);
    const position = analysis.index.get(k8s.id)!;
    expect(p.instances[position]!.id).toBe(k8s.id);
    const sources = Array.from(
      analysis.refSources.subarray(analysis.refStart[position], analysis.refStart[position + 1]),
      (source) => p.instances[source]!.id,
    );
    expect(sources).toEqual(Object.values(analysis.inputs[position]!).flatMap((refs) => refs.map((ref) => ref.instanceId)));
    expect(sources).toHaveLength(count);
    expect(analysis.refStart[p.instances.length]).toBe(analysis.refSources.length);
  });

  it("reports an id whose separator is not where type and name put it", () => {
    const problems = validateProject(project([key, { ...server("web"), id: "test.existing-server.v1-web" }]), registry);
    expect(codes(problems)).toEqual(["malformed-id:test.existing-server.v1-web"]);
  });
});

describe("hubs", () => {
  it("injects matching entities into inputs with nothing connected directly", () => {
    const a = server("a");
    const b = server("b");
    const k8s = instance("test.cluster.v1", "prod", { injectionInputs: ["hub:servers"] });
    const p = project(
      [key, a, b, k8s],
      [
        {
          id: "hub:servers",
          inputs: [
            { instanceId: a.id, output: "server" },
            { instanceId: key.id, output: "keyPair" },
          ],
          injectionInputs: ["hub:more"],
          position: { x: 0, y: 0 },
        },
        { id: "hub:more", inputs: [{ instanceId: b.id, output: "server" }], injectionInputs: ["hub:servers"], position: { x: 0, y: 0 } },
      ],
    );
    const resolved = resolveProjectInputs(p, registry).get(k8s.id)!;
    expect(resolved.masters!.map((ref) => ref.instanceId)).toEqual([a.id, b.id]);
    // A single input fed two servers through the hub is ambiguous.
    expect(codes(validateProject(p, registry))).toEqual(["too-many-inputs:test.cluster.v1:prod.bastion"]);
  });

  it("lets a direct connection win over injection", () => {
    const a = server("a");
    const b = server("b");
    const k8s = instance("test.cluster.v1", "prod", {
      inputs: { masters: [{ instanceId: a.id, output: "server" }], bastion: [{ instanceId: b.id, output: "server" }] },
      injectionInputs: ["hub:servers"],
    });
    const p = project(
      [key, a, b, k8s],
      [
        {
          id: "hub:servers",
          inputs: [
            { instanceId: a.id, output: "server" },
            { instanceId: b.id, output: "server" },
          ],
          injectionInputs: [],
          position: { x: 0, y: 0 },
        },
      ],
    );
    expect(validateProject(p, registry)).toEqual([]);
    expect(resolveProjectInputs(p, registry).get(k8s.id)!.bastion).toEqual([{ instanceId: b.id, output: "server" }]);
  });
});
