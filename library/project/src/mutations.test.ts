import { emptyProject, instanceUidPattern, type Project, projectSchema } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { randomMutation, seededRandom } from "./__fixtures__/random-mutations.js";
import { cluster, db, deepFreeze, key, sampleProject, sampleRegistry, web } from "./__fixtures__/registry.js";
import { type ProjectMutation, projectMutationSchema } from "./api.js";
import { DuplicateInstanceError, IncompatibleInputError, InvalidArgsError, ProjectOperationError } from "./errors.js";
import { findHub } from "./hubs.js";
import { findInstance } from "./instances.js";
import { applyMutation, applyMutations, assignInstanceUids, invertMutation, invertMutations, MutationRefusedError } from "./mutations.js";

const registry = sampleRegistry();

function refusedBatch(project: Project, mutations: ProjectMutation[]): MutationRefusedError {
  try {
    applyMutations(project, registry, mutations);
  } catch (error) {
    expect(error).toBeInstanceOf(MutationRefusedError);
    return error as MutationRefusedError;
  }
  throw new Error("the batch was not refused");
}

describe("applyMutation", () => {
  it("applies every kind of mutation with the project operations", () => {
    let project: Project = sampleProject();
    const steps: ProjectMutation[] = [
      { op: "add-instance", type: "test.server.v1", name: "cache", uid: "cache0000001", args: { endpoint: "c" }, position: { x: 1, y: 1 } },
      { op: "connect", instanceId: cluster, input: "workers", source: { instanceId: "test.server.v1:cache", output: "server" } },
      { op: "rename-instance", instanceId: "test.server.v1:cache", newName: "redis" },
      { op: "move", nodeId: "test.server.v1:redis", position: { x: 7, y: 8 } },
      { op: "move", nodeId: "hub:keys", position: { x: 9, y: 9 } },
      { op: "set-args", instanceId: "test.server.v1:redis", args: { endpoint: "r" } },
      { op: "add-hub", hubId: "hub:servers", title: "Servers" },
      { op: "connect-hub", hubId: "hub:servers", source: { instanceId: "test.server.v1:redis", output: "server" } },
      { op: "connect-hub", hubId: "hub:servers", source: { hubId: "hub:keys" } },
      { op: "inject-hub", instanceId: web, hubId: "hub:servers" },
      { op: "disconnect", instanceId: cluster, input: "workers", source: { instanceId: db, output: "server" } },
    ];
    for (const step of steps) project = applyMutation(project, registry, step);
    const redis = findInstance(project, "test.server.v1:redis");
    expect(redis).toMatchObject({ uid: "cache0000001", args: { endpoint: "r" }, position: { x: 7, y: 8 } });
    expect(findInstance(project, cluster).inputs.workers).toEqual([{ instanceId: "test.server.v1:redis", output: "server" }]);
    expect(findHub(project, "hub:keys").position).toEqual({ x: 9, y: 9 });
    expect(findHub(project, "hub:servers")).toMatchObject({
      title: "Servers",
      inputs: [{ instanceId: "test.server.v1:redis", output: "server" }],
      injectionInputs: ["hub:keys"],
    });
    expect(findInstance(project, web).injectionInputs).toEqual(["hub:servers"]);
    // And back, with the opposite mutations.
    project = applyMutations(project, registry, [
      { op: "uninject-hub", instanceId: web, hubId: "hub:servers" },
      { op: "disconnect-hub", hubId: "hub:servers", source: { hubId: "hub:keys" } },
      { op: "disconnect-hub", hubId: "hub:servers", source: { instanceId: "test.server.v1:redis", output: "server" } },
      { op: "remove-hub", hubId: "hub:servers" },
      { op: "remove-instance", instanceId: "test.server.v1:redis" },
    ]);
    expect(findInstance(project, web).injectionInputs).toEqual([]);
    expect(project.hubs.map((hub) => hub.id)).toEqual(["hub:keys"]);
    expect(findInstance(project, cluster).inputs).toEqual({ master: [{ instanceId: web, output: "server" }] });
    // Every result is a valid project document.
    expect(projectSchema.safeParse(project).success).toBe(true);
  });

  it("validates args with the validator it is given (the server's)", () => {
    const validateArgs = () => [{ path: "endpoint", message: "is required" }];
    expect(() => applyMutation(sampleProject(), registry, { op: "set-args", instanceId: web, args: {} }, { validateArgs })).toThrow(
      InvalidArgsError,
    );
    expect(() => applyMutation(sampleProject(), registry, { op: "set-args", instanceId: web, args: {} })).not.toThrow();
  });
});

describe("applyMutations", () => {
  it("refuses the whole batch at the first refused mutation, naming its index and the mutation's field", () => {
    const before = sampleProject();
    const wrongType = refusedBatch(before, [
      { op: "move", nodeId: web, position: { x: 1, y: 1 } },
      { op: "connect", instanceId: cluster, input: "master", source: { instanceId: key, output: "keyPair" } },
    ]);
    expect(wrongType).toMatchObject({ index: 1, field: "input" });
    expect(wrongType.cause).toBeInstanceOf(IncompatibleInputError);
    expect(wrongType.message).toBe(
      `Mutation 1 (connect) was refused: Input "master" of "${cluster}" takes "test.server.v1", but output "keyPair" of "${key}" gives "test.key-pair.v1"; connect an output of type "test.server.v1".`,
    );
    expect(
      refusedBatch(before, [{ op: "connect", instanceId: web, input: "key", source: { instanceId: key, output: "nope" } }]).field,
    ).toBe("source.output");
    const taken = refusedBatch(before, [{ op: "rename-instance", instanceId: web, newName: "db" }]);
    expect(taken).toMatchObject({ index: 0, field: "newName" });
    expect(taken.cause).toBeInstanceOf(DuplicateInstanceError);
    expect(refusedBatch(before, [{ op: "move", nodeId: "hub:nope", position: { x: 0, y: 0 } }]).field).toBe("nodeId");
    expect(refusedBatch(before, [{ op: "inject-hub", instanceId: "test.server.v1:nope", hubId: "hub:keys" }]).field).toBe("instanceId");
    expect(
      refusedBatch(before, [{ op: "connect-hub", hubId: "hub:keys", source: { instanceId: "test.key.v1:x", output: "keyPair" } }]).field,
    ).toBe("source");
  });

  it("returns the very project for a batch that changes nothing", () => {
    const before = sampleProject();
    expect(
      applyMutations(before, registry, [
        { op: "connect", instanceId: web, input: "key", source: { instanceId: key, output: "keyPair" } },
        { op: "inject-hub", instanceId: db, hubId: "hub:keys" },
        { op: "rename-instance", instanceId: web, newName: "web" },
      ]),
    ).toBe(before);
  });
});

describe("assignInstanceUids", () => {
  it("gives each new instance a distinct valid uid the project does not use, and keeps given ones", () => {
    const batch: ProjectMutation[] = [
      { op: "add-instance", type: "test.key.v1", name: "x" },
      { op: "add-instance", type: "test.key.v1", name: "y", uid: "given000001" },
      { op: "move", nodeId: web, position: { x: 0, y: 0 } },
      { op: "add-instance", type: "test.key.v1", name: "z" },
    ];
    const assigned = assignInstanceUids(sampleProject(), batch);
    const uids = assigned.flatMap((mutation) => (mutation.op === "add-instance" ? [mutation.uid] : []));
    expect(uids[1]).toBe("given000001");
    expect(new Set(uids).size).toBe(3);
    for (const uid of uids) expect(uid).toMatch(instanceUidPattern);
    expect(assigned[2]).toBe(batch[2]);
    for (const mutation of assigned) expect(projectMutationSchema.safeParse(mutation).success).toBe(true);
    expect(findInstance(applyMutations(sampleProject(), registry, assigned), "test.key.v1:x").uid).toBe(uids[0]);
  });
});

describe("invertMutations", () => {
  it("brings back a removed instance with its uid, args, position and every connection to and from it", () => {
    const before = sampleProject();
    const mutations: ProjectMutation[] = [{ op: "remove-instance", instanceId: web }];
    const after = applyMutations(before, registry, mutations);
    const undone = applyMutations(after, registry, invertMutations(before, registry, mutations));
    expect(findInstance(undone, web)).toEqual(findInstance(before, web));
    expect(findInstance(undone, cluster).inputs).toEqual(findInstance(before, cluster).inputs);
  });

  it("restores the old source of a single input a connection replaced", () => {
    const before = sampleProject();
    const connect: ProjectMutation = { op: "connect", instanceId: cluster, input: "master", source: { instanceId: db, output: "server" } };
    expect(invertMutation(before, registry, connect)).toEqual([
      { op: "disconnect", instanceId: cluster, input: "master", source: { instanceId: db, output: "server" } },
      { op: "connect", instanceId: cluster, input: "master", source: { instanceId: web, output: "server" } },
    ]);
  });

  it("has nothing to undo for a mutation that changes nothing or is refused", () => {
    const before = sampleProject();
    expect(
      invertMutation(before, registry, { op: "connect-hub", hubId: "hub:keys", source: { instanceId: key, output: "keyPair" } }),
    ).toEqual([]);
    expect(invertMutation(before, registry, { op: "inject-hub", instanceId: db, hubId: "hub:keys" })).toEqual([]);
    expect(invertMutation(before, registry, { op: "remove-instance", instanceId: "test.key.v1:nope" })).toEqual([]);
  });

  it("undoes random batches exactly (300 batches from a fixed seed)", () => {
    const random = seededRandom(20261204);
    let project: Project = deepFreeze(emptyProject());
    let applied = 0;
    for (let round = 0; round < 300; round++) {
      const batch: ProjectMutation[] = [];
      let preview = project;
      for (let count = 1 + Math.floor(random() * 4); count > 0; count--) {
        const mutation = assignInstanceUids(preview, [randomMutation(preview, registry, random)])[0]!;
        try {
          preview = applyMutation(preview, registry, mutation);
          batch.push(mutation);
        } catch (error) {
          if (!(error instanceof ProjectOperationError)) throw error;
        }
      }
      const after = deepFreeze(applyMutations(project, registry, batch));
      const undone = applyMutations(after, registry, invertMutations(project, registry, batch));
      // Instances and hubs come back with the same content; re-created ones (and the connections to
      // them) go to the end of their lists, as there is no mutation that inserts at a place.
      const byJson = <T>(items: T[]) => [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      const sorted = (value: Project) => ({
        instances: value.instances
          .map((instance) => ({
            ...instance,
            inputs: Object.fromEntries(Object.entries(instance.inputs).map(([name, refs]) => [name, byJson(refs)])),
            injectionInputs: byJson(instance.injectionInputs),
          }))
          .sort((a, b) => a.id.localeCompare(b.id)),
        hubs: value.hubs
          .map((hub) => ({ ...hub, inputs: byJson(hub.inputs), injectionInputs: byJson(hub.injectionInputs) }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      });
      expect(sorted(undone), `round ${round}: ${JSON.stringify(batch)}`).toEqual(sorted(project));
      expect(projectSchema.safeParse(after).success).toBe(true);
      applied += batch.length;
      project = after;
    }
    expect(applied).toBeGreaterThan(300);
    expect(project.instances.length).toBeGreaterThan(0);
  });
});
