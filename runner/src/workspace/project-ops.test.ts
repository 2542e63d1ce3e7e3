import { emptyProject, type Project, validateProject } from "@highstate/contract";
import {
  addInstance,
  connectInput,
  DuplicateInstanceError,
  disconnectInput,
  generateInstanceUid,
  HubNotFoundError,
  IncompatibleInputError,
  InputNotFoundError,
  InstanceNotFoundError,
  InvalidArgsError,
  InvalidInstanceNameError,
  InvalidPositionError,
  moveInstance,
  OutputNotFoundError,
  ProjectOperationError,
  removeInstance,
  renameInstance,
  setInstanceArgs,
  UnknownComponentTypeError,
  unknownComponentInstances,
} from "@highstate/project";
import { describe, expect, it } from "vitest";
import { sampleRegistry } from "./__fixtures__/registry.js";
import { parseProjectFile, serializeProject } from "./project-file.js";

const registry = sampleRegistry();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** A key pair, two servers and a cluster, wired up; frozen so any mutation of the input fails. */
function wired(): Project {
  let project = emptyProject();
  project = addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "admin", uid: "keypair00001" });
  project = addInstance(project, registry, {
    type: "common.existing-server.v1",
    name: "a",
    uid: "servera00001",
    args: { endpoint: "10.0.0.1" },
  });
  project = addInstance(project, registry, { type: "common.existing-server.v1", name: "b", uid: "serverb00001" });
  project = addInstance(project, registry, { type: "k3s.cluster.v1", name: "main", uid: "cluster00001", position: { x: 400, y: 100 } });
  project = connectInput(project, registry, {
    instanceId: "common.existing-server.v1:a",
    input: "sshKeyPair",
    from: { instanceId: "common.ssh-key-pair.v1:admin", output: "keyPair" },
  });
  project = connectInput(project, registry, {
    instanceId: "k3s.cluster.v1:main",
    input: "master",
    from: { instanceId: "common.existing-server.v1:a", output: "server" },
  });
  project = connectInput(project, registry, {
    instanceId: "k3s.cluster.v1:main",
    input: "workers",
    from: { instanceId: "common.existing-server.v1:b", output: "server" },
  });
  project = {
    ...project,
    hubs: [
      {
        id: "hub:servers",
        inputs: [{ instanceId: "common.existing-server.v1:a", output: "server" }],
        injectionInputs: [],
        position: { x: 0, y: 0 },
      },
    ],
  };
  return deepFreeze(project);
}

function instance(project: Project, id: string) {
  return project.instances.find((candidate) => candidate.id === id);
}

async function caught(run: () => unknown): Promise<ProjectOperationError> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectOperationError);
    return error as ProjectOperationError;
  }
  throw new Error("expected the operation to be refused");
}

describe("addInstance", () => {
  it("adds an instance with a generated uid, and the project validates and round-trips", () => {
    const project = wired();
    expect(instance(project, "k3s.cluster.v1:main")).toEqual({
      id: "k3s.cluster.v1:main",
      type: "k3s.cluster.v1",
      name: "main",
      uid: "cluster00001",
      args: {},
      inputs: {
        master: [{ instanceId: "common.existing-server.v1:a", output: "server" }],
        workers: [{ instanceId: "common.existing-server.v1:b", output: "server" }],
      },
      injectionInputs: [],
      position: { x: 400, y: 100 },
    });
    const added = addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "deploy" });
    expect(instance(added, "common.ssh-key-pair.v1:deploy")?.uid).toMatch(/^[a-z0-9]{16}$/);
    expect(validateProject(added, registry)).toEqual([]);
    const text = serializeProject(added);
    expect(serializeProject(parseProjectFile(text, "p.json"))).toBe(text);
  });

  it("refuses bad names, duplicates, unknown components, taken uids, bad args and positions, naming the field", async () => {
    const project = wired();
    const badName = await caught(() => addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "Admin" }));
    expect(badName).toBeInstanceOf(InvalidInstanceNameError);
    expect(badName.field).toBe("name");
    expect(badName.message).toMatch(/"Admin" is not a valid instance name: the name must start with a lower-case letter/);
    const duplicate = await caught(() => addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "admin" }));
    expect(duplicate).toBeInstanceOf(DuplicateInstanceError);
    expect(duplicate.message).toContain('"common.ssh-key-pair.v1:admin"');
    expect(addInstance(project, registry, { type: "common.existing-server.v1", name: "admin" }).instances).toHaveLength(5);
    const unknown = await caught(() => addInstance(project, registry, { type: "vendor.thing.v1", name: "x" }));
    expect(unknown).toBeInstanceOf(UnknownComponentTypeError);
    expect(unknown.field).toBe("type");
    expect(
      (await caught(() => addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "x", uid: "keypair00001" }))).field,
    ).toBe("uid");
    const args = await caught(() =>
      addInstance(project, registry, {
        type: "common.existing-server.v1",
        name: "c",
        args: { port: "x" },
        validateArgs: () => [{ path: "port", message: "expected number" }],
      }),
    );
    expect(args).toBeInstanceOf(InvalidArgsError);
    expect(args.field).toBe("args.port");
    expect(
      (await caught(() => addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "x", position: { x: Number.NaN, y: 0 } })))
        .field,
    ).toBe("position");
  });

  it("generates uids unique in the project", () => {
    const uids = new Set(Array.from({ length: 50 }, () => generateInstanceUid(wired())));
    expect(uids.size).toBe(50);
  });
});

describe("removeInstance", () => {
  it("removes the instance and every reference to it", () => {
    const project = removeInstance(wired(), "common.existing-server.v1:a");
    expect(instance(project, "common.existing-server.v1:a")).toBeUndefined();
    expect(instance(project, "k3s.cluster.v1:main")?.inputs).toEqual({
      workers: [{ instanceId: "common.existing-server.v1:b", output: "server" }],
    });
    expect(project.hubs[0]?.inputs).toEqual([]);
    expect(() => removeInstance(project, "common.existing-server.v1:a")).toThrow(InstanceNotFoundError);
  });
});

describe("renameInstance", () => {
  it("keeps the uid and rewrites references in instances and hubs", () => {
    const project = renameInstance(wired(), "common.existing-server.v1:a", "alpha");
    const renamed = instance(project, "common.existing-server.v1:alpha");
    expect(renamed).toMatchObject({ name: "alpha", uid: "servera00001", args: { endpoint: "10.0.0.1" } });
    expect(renamed?.inputs.sshKeyPair).toEqual([{ instanceId: "common.ssh-key-pair.v1:admin", output: "keyPair" }]);
    expect(instance(project, "k3s.cluster.v1:main")?.inputs.master).toEqual([
      { instanceId: "common.existing-server.v1:alpha", output: "server" },
    ]);
    expect(project.hubs[0]?.inputs).toEqual([{ instanceId: "common.existing-server.v1:alpha", output: "server" }]);
    expect(validateProject(project, registry)).toEqual([]);
  });

  it("refuses invalid and taken names", async () => {
    expect(await caught(() => renameInstance(wired(), "common.existing-server.v1:a", "b"))).toBeInstanceOf(DuplicateInstanceError);
    expect(await caught(() => renameInstance(wired(), "common.existing-server.v1:a", "-x"))).toBeInstanceOf(InvalidInstanceNameError);
    expect(renameInstance(wired(), "common.existing-server.v1:a", "a")).toEqual(wired());
  });
});

describe("moveInstance and setInstanceArgs", () => {
  it("moves and sets args without touching anything else", async () => {
    const moved = moveInstance(wired(), "common.existing-server.v1:b", { x: 10, y: -5 });
    expect(instance(moved, "common.existing-server.v1:b")?.position).toEqual({ x: 10, y: -5 });
    expect(await caught(() => moveInstance(wired(), "common.existing-server.v1:b", { x: Number.POSITIVE_INFINITY, y: 0 }))).toBeInstanceOf(
      InvalidPositionError,
    );
    const withArgs = setInstanceArgs(wired(), "common.existing-server.v1:a", { endpoint: "10.0.0.9", sshPort: undefined });
    expect(instance(withArgs, "common.existing-server.v1:a")?.args).toEqual({ endpoint: "10.0.0.9" });
    expect(instance(withArgs, "common.existing-server.v1:b")).toEqual(instance(wired(), "common.existing-server.v1:b"));
    const error = await caught(() =>
      setInstanceArgs(
        wired(),
        "common.existing-server.v1:a",
        { endpoint: 1 },
        { validateArgs: () => [{ path: "endpoint", message: "expected string" }] },
      ),
    );
    expect(error.field).toBe("args.endpoint");
    expect(error.message).toContain('"endpoint": expected string');
  });
});

describe("connectInput and disconnectInput", () => {
  it("replaces the connection of a single input and adds to a multiple one", () => {
    let project = connectInput(wired(), registry, {
      instanceId: "k3s.cluster.v1:main",
      input: "master",
      from: { instanceId: "common.existing-server.v1:b", output: "server" },
    });
    expect(instance(project, "k3s.cluster.v1:main")?.inputs.master).toEqual([
      { instanceId: "common.existing-server.v1:b", output: "server" },
    ]);
    project = connectInput(project, registry, {
      instanceId: "k3s.cluster.v1:main",
      input: "workers",
      from: { instanceId: "common.existing-server.v1:a", output: "server" },
    });
    project = connectInput(project, registry, {
      instanceId: "k3s.cluster.v1:main",
      input: "workers",
      from: { instanceId: "common.existing-server.v1:a", output: "server" },
    });
    project = connectInput(project, registry, { instanceId: "k3s.cluster.v1:main", input: "workers", from: { hubId: "hub:servers" } });
    expect(instance(project, "k3s.cluster.v1:main")?.inputs.workers).toEqual([
      { instanceId: "common.existing-server.v1:b", output: "server" },
      { instanceId: "common.existing-server.v1:a", output: "server" },
      { hubId: "hub:servers" },
    ]);
    project = disconnectInput(project, { instanceId: "k3s.cluster.v1:main", input: "workers", from: { hubId: "hub:servers" } });
    project = disconnectInput(project, {
      instanceId: "k3s.cluster.v1:main",
      input: "workers",
      from: { instanceId: "common.existing-server.v1:b", output: "server" },
    });
    expect(instance(project, "k3s.cluster.v1:main")?.inputs.workers).toEqual([
      { instanceId: "common.existing-server.v1:a", output: "server" },
    ]);
    project = disconnectInput(project, { instanceId: "k3s.cluster.v1:main", input: "workers" });
    expect(Object.keys(instance(project, "k3s.cluster.v1:main")?.inputs ?? {})).toEqual(["master"]);
  });

  it("refuses incompatible entities with the reason, and unknown inputs, outputs, instances and hubs", async () => {
    const incompatible = await caught(() =>
      connectInput(wired(), registry, {
        instanceId: "k3s.cluster.v1:main",
        input: "master",
        from: { instanceId: "common.ssh-key-pair.v1:admin", output: "keyPair" },
      }),
    );
    expect(incompatible).toBeInstanceOf(IncompatibleInputError);
    expect(incompatible.field).toBe("input");
    expect(incompatible.message).toBe(
      'Input "master" of "k3s.cluster.v1:main" takes "common.server.v1", but output "keyPair" of "common.ssh-key-pair.v1:admin" gives "common.ssh-key-pair.v1"; connect an output of type "common.server.v1".',
    );
    const noInput = await caught(() =>
      connectInput(wired(), registry, { instanceId: "k3s.cluster.v1:main", input: "nodes", from: { hubId: "hub:servers" } }),
    );
    expect(noInput).toBeInstanceOf(InputNotFoundError);
    expect(noInput.message).toContain('(it has "master", "workers")');
    const noOutput = await caught(() =>
      connectInput(wired(), registry, {
        instanceId: "k3s.cluster.v1:main",
        input: "master",
        from: { instanceId: "common.existing-server.v1:a", output: "srv" },
      }),
    );
    expect(noOutput).toBeInstanceOf(OutputNotFoundError);
    expect(
      (
        await caught(() =>
          connectInput(wired(), registry, {
            instanceId: "k3s.cluster.v1:main",
            input: "master",
            from: { instanceId: "x.y.v1:z", output: "server" },
          }),
        )
      ).field,
    ).toBe("from");
    expect(
      await caught(() =>
        connectInput(wired(), registry, { instanceId: "k3s.cluster.v1:main", input: "workers", from: { hubId: "hub:none" } }),
      ),
    ).toBeInstanceOf(HubNotFoundError);
    expect(
      await caught(() =>
        connectInput(wired(), registry, { instanceId: "k3s.cluster.v1:none", input: "workers", from: { hubId: "hub:servers" } }),
      ),
    ).toBeInstanceOf(InstanceNotFoundError);
  });
});

describe("instances of components that are not installed", () => {
  it("are reported and kept untouched by operations on other instances", async () => {
    const mystery = {
      id: "vendor.mystery.v2:m",
      type: "vendor.mystery.v2",
      name: "m",
      uid: "mystery00001",
      args: { a: [1] },
      inputs: { x: [{ instanceId: "common.existing-server.v1:a", output: "server" }] },
      injectionInputs: [],
      position: { x: 1, y: 1 },
    };
    const project = deepFreeze({ ...wired(), instances: [...wired().instances, mystery] });
    expect(unknownComponentInstances(project, registry)).toEqual(["vendor.mystery.v2:m"]);
    let changed = addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "other" });
    changed = moveInstance(changed, "common.existing-server.v1:b", { x: 3, y: 3 });
    changed = renameInstance(changed, "common.existing-server.v1:b", "bee");
    expect(instance(changed, "vendor.mystery.v2:m")).toEqual(mystery);
    expect(
      await caught(() =>
        connectInput(project, registry, { instanceId: "vendor.mystery.v2:m", input: "x", from: { hubId: "hub:servers" } }),
      ),
    ).toBeInstanceOf(UnknownComponentTypeError);
    expect(
      renameInstance(project, "vendor.mystery.v2:m", "renamed").instances.find((candidate) => candidate.uid === "mystery00001")?.id,
    ).toBe("vendor.mystery.v2:renamed");
  });
});
