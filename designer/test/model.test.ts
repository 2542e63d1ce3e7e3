import { buildRegistry, type Project } from "@highstate/contract";
import { applyMutations, invertMutations } from "@highstate/project";
import type { ProjectMutation } from "@highstate/project/api";
import { describe, expect, it } from "vitest";
import { checkConnection } from "../src/model/connections.ts";
import { instanceNameProblem, projectNameProblem, suggestInstanceName } from "../src/model/names.ts";
import { passwordStrength } from "../src/model/password.ts";
import { testPackages } from "./support/definitions.ts";

const registry = buildRegistry(
  testPackages.map((pkg) => ({ package: { name: pkg.name, version: "0.1.0" }, entities: pkg.entities, components: pkg.components })),
);
const key = "common.ssh-key-pair.v1:main";
const server = "common.existing-server.v1:web";
const cluster = "test.existing-cluster.v1:local";

function project(): Project {
  return {
    version: 1,
    hubs: [{ id: "hub:shared", inputs: [{ instanceId: key, output: "keyPair" }], injectionInputs: [], position: { x: 0, y: 400 } }],
    instances: [
      {
        id: key,
        type: "common.ssh-key-pair.v1",
        name: "main",
        uid: "uid00001",
        args: {},
        inputs: {},
        injectionInputs: [],
        position: { x: 0, y: 0 },
      },
      {
        id: server,
        type: "common.existing-server.v1",
        name: "web",
        uid: "uid00002",
        args: { endpoint: "10.0.0.1" },
        inputs: { sshKeyPair: [{ instanceId: key, output: "keyPair" }] },
        injectionInputs: ["hub:shared"],
        position: { x: 400, y: 0 },
      },
      {
        id: cluster,
        type: "test.existing-cluster.v1",
        name: "local",
        uid: "uid00003",
        args: {},
        inputs: { servers: [{ instanceId: server, output: "server" }] },
        injectionInputs: [],
        position: { x: 800, y: 0 },
      },
    ],
  };
}

/** Compares projects ignoring instance order and uids (re-created instances get new ones). */
function normalized(value: Project) {
  return {
    hubs: [...value.hubs].sort((a, b) => a.id.localeCompare(b.id)),
    instances: value.instances.map(({ uid: _uid, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

describe("mutations and their inverses", () => {
  const cases: Array<[string, ProjectMutation[]]> = [
    ["remove an instance with connections both ways and a hub reference", [{ op: "remove-instance", instanceId: server }]],
    [
      "remove two connected instances at once",
      [
        { op: "remove-instance", instanceId: key },
        { op: "remove-instance", instanceId: server },
      ],
    ],
    ["rename an instance others refer to", [{ op: "rename-instance", instanceId: key, newName: "primary" }]],
    [
      "move",
      [
        { op: "move", nodeId: server, position: { x: 1, y: 2 } },
        { op: "move", nodeId: "hub:shared", position: { x: 5, y: 5 } },
      ],
    ],
    ["set args", [{ op: "set-args", instanceId: server, args: { endpoint: "10.0.0.2", sshPort: 2222 } }]],
    ["connect to a multiple input", [{ op: "connect", instanceId: cluster, input: "servers", source: { hubId: "hub:shared" } }]],
    ["disconnect", [{ op: "disconnect", instanceId: server, input: "sshKeyPair", source: { instanceId: key, output: "keyPair" } }]],
    ["remove a hub used for injection", [{ op: "remove-hub", hubId: "hub:shared" }]],
    [
      "add and connect",
      [
        { op: "add-instance", type: "common.ssh-key-pair.v1", name: "other", position: { x: 3, y: 3 } },
        {
          op: "connect",
          instanceId: server,
          input: "sshKeyPair",
          source: { instanceId: "common.ssh-key-pair.v1:other", output: "keyPair" },
        },
      ],
    ],
  ];
  for (const [title, mutations] of cases) {
    it(`undoes: ${title}`, () => {
      const before = project();
      const after = applyMutations(before, registry, mutations);
      expect(normalized(after)).not.toEqual(normalized(before));
      const undone = applyMutations(after, registry, invertMutations(before, registry, mutations));
      expect(normalized(undone)).toEqual(normalized(before));
    });
  }

  it("replaces a single input and restores the old source on undo", () => {
    const before = applyMutations(project(), registry, [{ op: "add-instance", type: "common.ssh-key-pair.v1", name: "second" }]);
    const connect: ProjectMutation = {
      op: "connect",
      instanceId: server,
      input: "sshKeyPair",
      source: { instanceId: "common.ssh-key-pair.v1:second", output: "keyPair" },
    };
    const after = applyMutations(before, registry, [connect]);
    expect(after.instances.find((instance) => instance.id === server)!.inputs.sshKeyPair).toEqual([
      { instanceId: "common.ssh-key-pair.v1:second", output: "keyPair" },
    ]);
    const undone = applyMutations(after, registry, invertMutations(before, registry, [connect]));
    expect(undone.instances.find((instance) => instance.id === server)!.inputs.sshKeyPair).toEqual([
      { instanceId: key, output: "keyPair" },
    ]);
  });

  it("renaming re-points references in instances and hubs", () => {
    const after = applyMutations(project(), registry, [{ op: "rename-instance", instanceId: key, newName: "primary" }]);
    expect(after.instances.find((instance) => instance.id === server)!.inputs.sshKeyPair).toEqual([
      { instanceId: "common.ssh-key-pair.v1:primary", output: "keyPair" },
    ]);
    expect(after.hubs[0]!.inputs).toEqual([{ instanceId: "common.ssh-key-pair.v1:primary", output: "keyPair" }]);
  });
});

describe("connection rules", () => {
  const p = project();
  it("accepts an output into an input of the same entity type", () => {
    const result = checkConnection(p, registry, { nodeId: server, handleId: "out:server" }, { nodeId: cluster, handleId: "in:servers" });
    expect(result).toEqual({ ok: false, reason: 'input "servers" is already connected to that output' });
    const fresh = applyMutations(p, registry, [{ op: "add-instance", type: "common.existing-server.v1", name: "db" }]);
    expect(
      checkConnection(
        fresh,
        registry,
        { nodeId: "common.existing-server.v1:db", handleId: "out:server" },
        { nodeId: cluster, handleId: "in:servers" },
      ),
    ).toEqual({
      ok: true,
      mutation: {
        op: "connect",
        instanceId: cluster,
        input: "servers",
        source: { instanceId: "common.existing-server.v1:db", output: "server" },
      },
    });
  });
  it("refuses a different entity type and says why", () => {
    const result = checkConnection(p, registry, { nodeId: key, handleId: "out:keyPair" }, { nodeId: cluster, handleId: "in:servers" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(
      'input "servers" of Existing Cluster "local" takes Server (common.server.v1), but output "keyPair" of SSH Key Pair "main" gives SSH Key Pair (common.ssh-key-pair.v1)',
    );
  });
  it("refuses self-connections and cycles", () => {
    expect(
      checkConnection(p, registry, { nodeId: server, handleId: "out:server" }, { nodeId: server, handleId: "in:sshKeyPair" }),
    ).toMatchObject({ ok: false, reason: "an instance cannot take its own outputs" });
    const withCycle = applyMutations(p, registry, [{ op: "add-instance", type: "common.existing-server.v1", name: "b" }]);
    // cluster takes web; connecting cluster's output back is of another type, so build a server→server chain instead
    const chain = applyMutations(withCycle, registry, [
      { op: "connect", instanceId: cluster, input: "servers", source: { instanceId: "common.existing-server.v1:b", output: "server" } },
    ]);
    expect(
      checkConnection(chain, registry, { nodeId: cluster, handleId: "out:cluster" }, { nodeId: cluster, handleId: "in:servers" }).ok,
    ).toBe(false);
  });
  it("turns hub connections into hub mutations", () => {
    expect(checkConnection(p, registry, { nodeId: server, handleId: "out:server" }, { nodeId: "hub:shared", handleId: "hub-in" })).toEqual({
      ok: true,
      mutation: { op: "connect-hub", hubId: "hub:shared", source: { instanceId: server, output: "server" } },
    });
    expect(checkConnection(p, registry, { nodeId: "hub:shared", handleId: "hub-out" }, { nodeId: cluster, handleId: "inject" })).toEqual({
      ok: true,
      mutation: { op: "inject-hub", instanceId: cluster, hubId: "hub:shared" },
    });
    expect(checkConnection(p, registry, { nodeId: key, handleId: "out:keyPair" }, { nodeId: cluster, handleId: "inject" })).toMatchObject({
      ok: false,
    });
  });
});

describe("names and passwords", () => {
  const p = project();
  it("validates instance names per type", () => {
    expect(instanceNameProblem(p, "common.ssh-key-pair.v1", "main")).toBe('an instance of this component is already named "main"');
    expect(instanceNameProblem(p, "common.existing-server.v1", "main")).toBeUndefined();
    expect(instanceNameProblem(p, "common.ssh-key-pair.v1", "Main")).toBe("the name must start with a lower-case letter");
    expect(instanceNameProblem(p, "common.ssh-key-pair.v1", "a_b")).toBe("the name may contain only lower-case letters, digits and dashes");
    expect(instanceNameProblem(p, "common.ssh-key-pair.v1", `a${"b".repeat(63)}`)).toBe("the name is longer than 63 characters");
    expect(instanceNameProblem(p, "common.ssh-key-pair.v1", "main", key)).toBeUndefined();
  });
  it("suggests free names", () => {
    expect(suggestInstanceName(p, "common.ssh-key-pair.v1", "SSH Key Pair")).toBe("ssh-key-pair");
    expect(suggestInstanceName(p, "common.ssh-key-pair.v1", "main")).toBe("main-2");
  });
  it("checks project names", () => {
    expect(projectNameProblem("home-lab", [])).toBeUndefined();
    expect(projectNameProblem("home-lab", ["home-lab"])).toBe('a project named "home-lab" already exists');
    expect(projectNameProblem("9lab", [])).toBe("the name must start with a lower-case letter");
  });
  it("rates passwords", () => {
    expect(passwordStrength("password1").score).toBe(0);
    expect(passwordStrength("short").hint).toBe("use at least 8 characters");
    expect(passwordStrength("correct horse battery staple").score).toBe(4);
    expect(passwordStrength("Tr0ub4dor&3").score).toBeGreaterThanOrEqual(2);
  });
});
