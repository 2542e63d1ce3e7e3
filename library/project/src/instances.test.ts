import { emptyProject, instanceUidPattern, type Project } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { cluster, db, key, sampleProject, sampleRegistry, web } from "./__fixtures__/registry.js";
import {
  DuplicateInstanceError,
  HubNotFoundError,
  IncompatibleInputError,
  InputNotFoundError,
  InstanceNotFoundError,
  InvalidArgsError,
  InvalidInstanceNameError,
  InvalidPositionError,
  OutputNotFoundError,
  ProjectOperationError,
  UnknownComponentTypeError,
} from "./errors.js";
import {
  addInstance,
  connectInput,
  dependsOn,
  disconnectInput,
  findInstance,
  generateInstanceUid,
  moveInstance,
  removeInstance,
  renameInstance,
  sameRef,
  setInstanceArgs,
  unknownComponentInstances,
} from "./instances.js";

const registry = sampleRegistry();

function instance(project: Project, id: string) {
  return findInstance(project, id);
}

/** Runs `operation`, expecting it to throw; returns the error. */
function refusal(operation: () => unknown): ProjectOperationError {
  try {
    operation();
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectOperationError);
    return error as ProjectOperationError;
  }
  throw new Error("the operation was not refused");
}

describe("addInstance", () => {
  it("adds an instance with a fresh uid, copying args and position", () => {
    const args = { endpoint: "10.0.0.9", tags: ["a"] };
    const project = addInstance(sampleProject(), registry, { type: "test.server.v1", name: "cache", args, position: { x: 1, y: 2 } });
    const added = instance(project, "test.server.v1:cache");
    expect(added).toMatchObject({ type: "test.server.v1", name: "cache", args, inputs: {}, injectionInputs: [], position: { x: 1, y: 2 } });
    expect(added.uid).toMatch(instanceUidPattern);
    expect(added.args).not.toBe(args);
    expect(project.instances.slice(0, 4)).toEqual(sampleProject().instances);
  });

  it("keeps a given uid and refuses an invalid or taken one", () => {
    expect(instance(addInstance(emptyProject(), registry, { type: "test.key.v1", name: "k", uid: "abcdefgh" }), "test.key.v1:k").uid).toBe(
      "abcdefgh",
    );
    expect(refusal(() => addInstance(sampleProject(), registry, { type: "test.key.v1", name: "k", uid: "UPPER" }))).toMatchObject({
      field: "uid",
      message: '"UPPER" is not a valid instance uid: use 8-32 lower-case letters or digits.',
    });
    expect(refusal(() => addInstance(sampleProject(), registry, { type: "test.key.v1", name: "k", uid: "web00000001" })).message).toBe(
      `The uid "web00000001" already belongs to "${web}"; each instance needs its own stack identity.`,
    );
  });

  it("refuses an unknown type, a bad or taken name, bad args and a bad position, naming the field", () => {
    const unknown = refusal(() => addInstance(sampleProject(), registry, { type: "test.nope.v1", name: "x" }));
    expect(unknown).toBeInstanceOf(UnknownComponentTypeError);
    expect(unknown).toMatchObject({ field: "type", message: expect.stringContaining('Component "test.nope.v1" is not installed') });
    const badName = refusal(() => addInstance(sampleProject(), registry, { type: "test.key.v1", name: "Main" }));
    expect(badName).toBeInstanceOf(InvalidInstanceNameError);
    expect(badName.field).toBe("name");
    const taken = refusal(() => addInstance(sampleProject(), registry, { type: "test.key.v1", name: "main" }));
    expect(taken).toBeInstanceOf(DuplicateInstanceError);
    expect(taken.message).toBe(`The project already has an instance "${key}"; names must be unique per component type, choose another.`);
    // The same name with another type is fine.
    expect(() => addInstance(sampleProject(), registry, { type: "test.server.v1", name: "main" })).not.toThrow();
    const validateArgs = (type: string, args: Record<string, unknown>) =>
      type === "test.server.v1" && typeof args.endpoint !== "string" ? [{ path: "endpoint", message: "is required" }] : [];
    const badArgs = refusal(() => addInstance(sampleProject(), registry, { type: "test.server.v1", name: "x", args: {}, validateArgs }));
    expect(badArgs).toBeInstanceOf(InvalidArgsError);
    expect(badArgs).toMatchObject({ field: "args.endpoint", message: 'Invalid args for "test.server.v1:x": "endpoint": is required.' });
    const badPosition = refusal(() =>
      addInstance(sampleProject(), registry, { type: "test.key.v1", name: "x", position: { x: Number.NaN, y: 0 } }),
    );
    expect(badPosition).toBeInstanceOf(InvalidPositionError);
    expect(badPosition.field).toBe("position");
  });
});

describe("removeInstance", () => {
  it("removes the instance and every reference to it, dropping inputs left empty", () => {
    const before = sampleProject();
    const project = removeInstance(before, web);
    expect(project.instances.map((item) => item.id)).toEqual([key, db, cluster]);
    expect(instance(project, cluster).inputs).toEqual({ workers: [{ instanceId: db, output: "server" }] });
    // Instances and hubs it did not touch keep their objects (the designer's cards do not re-render).
    expect(project.instances[0]).toBe(before.instances[0]);
    expect(project.instances[1]).toBe(before.instances[2]);
    expect(project.hubs[0]).toBe(before.hubs[0]);
    const withoutKey = removeInstance(before, key);
    expect(withoutKey.hubs[0]!.inputs).toEqual([]);
    expect(instance(withoutKey, web).inputs).toEqual({});
  });

  it("refuses an unknown instance", () => {
    const error = refusal(() => removeInstance(sampleProject(), "test.key.v1:nope"));
    expect(error).toBeInstanceOf(InstanceNotFoundError);
    expect(error).toMatchObject({ field: "instanceId", message: expect.stringContaining('no instance "test.key.v1:nope"') });
  });
});

describe("renameInstance", () => {
  it("changes the id and name, keeps the uid and re-points every reference", () => {
    const before = sampleProject();
    const project = renameInstance(before, key, "primary");
    const renamed = instance(project, "test.key.v1:primary");
    expect(renamed.uid).toBe("key00000001");
    expect(instance(project, web).inputs.key).toEqual([{ instanceId: "test.key.v1:primary", output: "keyPair" }]);
    expect(project.hubs[0]!.inputs).toEqual([{ instanceId: "test.key.v1:primary", output: "keyPair" }]);
    // Instances that do not refer to it keep their objects.
    expect(project.instances[2]).toBe(before.instances[2]);
    expect(project.instances[3]).toBe(before.instances[3]);
  });

  it("returns the project itself for the same name, and refuses a taken or bad name", () => {
    const before = sampleProject();
    expect(renameInstance(before, key, "main")).toBe(before);
    expect(refusal(() => renameInstance(before, web, "db"))).toBeInstanceOf(DuplicateInstanceError);
    expect(refusal(() => renameInstance(before, web, "-x")).field).toBe("name");
    expect(refusal(() => renameInstance(before, "test.server.v1:nope", "x"))).toBeInstanceOf(InstanceNotFoundError);
  });
});

describe("moveInstance and setInstanceArgs", () => {
  it("moves a card and refuses a position that is not two finite numbers", () => {
    expect(instance(moveInstance(sampleProject(), web, { x: 5, y: -5 }), web).position).toEqual({ x: 5, y: -5 });
    expect(refusal(() => moveInstance(sampleProject(), web, { x: Number.POSITIVE_INFINITY, y: 0 })).message).toBe(
      `The position of "${web}" must have finite numbers "x" and "y".`,
    );
    expect(refusal(() => moveInstance(sampleProject(), "test.server.v1:nope", { x: 0, y: 0 }))).toBeInstanceOf(InstanceNotFoundError);
  });

  it("replaces args, dropping undefined values, and validates them", () => {
    const project = setInstanceArgs(sampleProject(), web, { endpoint: "10.1.1.1", port: undefined });
    expect(instance(project, web).args).toEqual({ endpoint: "10.1.1.1" });
    const validateArgs = () => [{ path: "port", message: "must be at most 65535" }];
    expect(refusal(() => setInstanceArgs(sampleProject(), web, { port: 70000 }, { validateArgs }))).toMatchObject({
      field: "args.port",
      message: `Invalid args for "${web}": "port": must be at most 65535.`,
    });
  });
});

describe("connectInput and disconnectInput", () => {
  it("replaces a single input's source and adds to a multiple input once", () => {
    let project = addInstance(sampleProject(), registry, { type: "test.server.v1", name: "extra", uid: "extra0000001" });
    project = connectInput(project, registry, { instanceId: cluster, input: "master", from: { instanceId: db, output: "server" } });
    expect(instance(project, cluster).inputs.master).toEqual([{ instanceId: db, output: "server" }]);
    const from = { instanceId: "test.server.v1:extra", output: "server" };
    project = connectInput(project, registry, { instanceId: cluster, input: "workers", from });
    expect(instance(project, cluster).inputs.workers).toEqual([{ instanceId: db, output: "server" }, from]);
    expect(connectInput(project, registry, { instanceId: cluster, input: "workers", from })).toBe(project);
    expect(connectInput(project, registry, { instanceId: cluster, input: "master", from: { instanceId: db, output: "server" } })).toBe(
      project,
    );
  });

  it("connects a hub, and refuses a missing hub", () => {
    const project = connectInput(sampleProject(), registry, { instanceId: db, input: "key", from: { hubId: "hub:keys" } });
    expect(instance(project, db).inputs.key).toEqual([{ hubId: "hub:keys" }]);
    const missing = refusal(() => connectInput(sampleProject(), registry, { instanceId: db, input: "key", from: { hubId: "hub:nope" } }));
    expect(missing).toBeInstanceOf(HubNotFoundError);
    expect(missing.field).toBe("from");
  });

  it("refuses another entity type, the instance itself, unknown inputs, outputs, instances and components", () => {
    const wrongType = refusal(() =>
      connectInput(sampleProject(), registry, { instanceId: cluster, input: "master", from: { instanceId: key, output: "keyPair" } }),
    );
    expect(wrongType).toBeInstanceOf(IncompatibleInputError);
    expect(wrongType.message).toBe(
      `Input "master" of "${cluster}" takes "test.server.v1", but output "keyPair" of "${key}" gives "test.key-pair.v1"; connect an output of type "test.server.v1".`,
    );
    expect(
      refusal(() => connectInput(sampleProject(), registry, { instanceId: web, input: "key", from: { instanceId: web, output: "server" } }))
        .message,
    ).toContain("the instance itself");
    const noInput = refusal(() =>
      connectInput(sampleProject(), registry, { instanceId: web, input: "nope", from: { instanceId: key, output: "keyPair" } }),
    );
    expect(noInput).toBeInstanceOf(InputNotFoundError);
    expect(noInput.message).toBe(`"${web}" has no input "nope" (it has "key").`);
    const noOutput = refusal(() =>
      connectInput(sampleProject(), registry, { instanceId: web, input: "key", from: { instanceId: key, output: "nope" } }),
    );
    expect(noOutput).toBeInstanceOf(OutputNotFoundError);
    expect(noOutput).toMatchObject({ field: "output", message: `"${key}" has no output "nope" (it has "keyPair").` });
    expect(
      refusal(() =>
        connectInput(sampleProject(), registry, {
          instanceId: web,
          input: "key",
          from: { instanceId: "test.key.v1:x", output: "keyPair" },
        }),
      ).field,
    ).toBe("from");
    const orphan: Project = {
      ...sampleProject(),
      instances: [
        ...sampleProject().instances,
        { ...sampleProject().instances[0]!, id: "gone.thing.v1:a", type: "gone.thing.v1", uid: "gone0000001" },
      ],
    };
    expect(
      refusal(() => connectInput(orphan, registry, { instanceId: "gone.thing.v1:a", input: "x", from: { hubId: "hub:keys" } })),
    ).toBeInstanceOf(UnknownComponentTypeError);
    expect(unknownComponentInstances(orphan, registry)).toEqual(["gone.thing.v1:a"]);
  });

  it("disconnects one source or all of them, and changes nothing for a source not connected", () => {
    const before = sampleProject();
    const one = disconnectInput(before, { instanceId: cluster, input: "workers", from: { instanceId: db, output: "server" } });
    expect(instance(one, cluster).inputs).toEqual({ master: [{ instanceId: web, output: "server" }] });
    expect(instance(disconnectInput(before, { instanceId: cluster, input: "master" }), cluster).inputs).toEqual({
      workers: [{ instanceId: db, output: "server" }],
    });
    expect(disconnectInput(before, { instanceId: cluster, input: "workers", from: { hubId: "hub:keys" } })).toBe(before);
    expect(disconnectInput(before, { instanceId: web, input: "nope" })).toBe(before);
    expect(refusal(() => disconnectInput(before, { instanceId: "test.cluster.v1:nope", input: "workers" }))).toBeInstanceOf(
      InstanceNotFoundError,
    );
  });
});

describe("helpers", () => {
  it("generates distinct valid uids that the project does not use", () => {
    const uids = new Set(Array.from({ length: 200 }, () => generateInstanceUid(sampleProject())));
    expect(uids.size).toBe(200);
    for (const uid of uids) expect(uid).toMatch(/^[a-z0-9]{16}$/);
  });

  it("tells transitive dependencies (for refusing cycles) and compares references", () => {
    expect(dependsOn(sampleProject(), cluster, key)).toBe(true);
    expect(dependsOn(sampleProject(), key, cluster)).toBe(false);
    expect(dependsOn(sampleProject(), db, key)).toBe(false);
    expect(sameRef({ hubId: "hub:a" }, { hubId: "hub:a" })).toBe(true);
    expect(sameRef({ hubId: "hub:a" }, { instanceId: "hub:a", output: "x" })).toBe(false);
    expect(sameRef({ instanceId: key, output: "keyPair" }, { instanceId: key, output: "keyPair" })).toBe(true);
  });
});
