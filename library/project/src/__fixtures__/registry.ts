import type { Project, Registry, RegistryComponent, RegistryInputSpec } from "@highstate/contract";

function spec(entity: string, options: Partial<RegistryInputSpec> = {}): RegistryInputSpec {
  return { entity, required: true, multiple: false, ...options };
}

function component(type: string, inputs: Record<string, RegistryInputSpec>, outputs: Record<string, RegistryInputSpec>): RegistryComponent {
  return {
    type,
    kind: "unit",
    meta: { title: type },
    args: { type: "object" },
    secrets: { type: "object" },
    inputs,
    outputs,
    package: { name: "@test/components", version: "1.0.0" },
  };
}

/** SSH key pairs, servers (taking an optional key pair) and a cluster (one master, any number of workers). */
export function sampleRegistry(): Registry {
  return {
    entities: {},
    components: {
      "test.key.v1": component("test.key.v1", {}, { keyPair: spec("test.key-pair.v1") }),
      "test.server.v1": component("test.server.v1", { key: spec("test.key-pair.v1", { required: false }) }, { server: spec("test.server.v1") }),
      "test.cluster.v1": component(
        "test.cluster.v1",
        { master: spec("test.server.v1"), workers: spec("test.server.v1", { required: false, multiple: true }) },
        { cluster: spec("test.cluster.v1") },
      ),
    },
  };
}

/** Freezes a value and everything in it, so an operation that changes its input throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

export const key = "test.key.v1:main";
export const web = "test.server.v1:web";
export const db = "test.server.v1:db";
export const cluster = "test.cluster.v1:prod";

/** A key pair, two servers using it, a cluster on both, and a hub holding the key pair; frozen. */
export function sampleProject(): Project {
  const project: Project = {
    version: 1,
    instances: [
      { id: key, type: "test.key.v1", name: "main", uid: "key00000001", args: {}, inputs: {}, injectionInputs: [], position: { x: 0, y: 0 } },
      {
        id: web,
        type: "test.server.v1",
        name: "web",
        uid: "web00000001",
        args: { endpoint: "10.0.0.1" },
        inputs: { key: [{ instanceId: key, output: "keyPair" }] },
        injectionInputs: [],
        position: { x: 300, y: 0 },
      },
      {
        id: db,
        type: "test.server.v1",
        name: "db",
        uid: "db000000001",
        args: { endpoint: "10.0.0.2" },
        inputs: {},
        injectionInputs: ["hub:keys"],
        position: { x: 300, y: 200 },
      },
      {
        id: cluster,
        type: "test.cluster.v1",
        name: "prod",
        uid: "cluster0001",
        args: {},
        inputs: { master: [{ instanceId: web, output: "server" }], workers: [{ instanceId: db, output: "server" }] },
        injectionInputs: [],
        position: { x: 600, y: 0 },
      },
    ],
    hubs: [{ id: "hub:keys", title: "Keys", inputs: [{ instanceId: key, output: "keyPair" }], injectionInputs: [], position: { x: 0, y: 300 } }],
  };
  return deepFreeze(project);
}
