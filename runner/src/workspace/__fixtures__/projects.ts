import type { Project } from "@highstate/contract";

/** A project with every kind of content, including an instance of a component that is not installed. */
export function sampleProject(): Project {
  return {
    version: 1,
    instances: [
      {
        id: "k8s.existing-cluster.v1:prod",
        type: "k8s.existing-cluster.v1",
        name: "prod",
        uid: "k8sprod00001",
        args: { zeta: 1, alpha: { nested: true, list: [3, 1, 2] } },
        inputs: { server: [{ instanceId: "common.existing-server.v1:web", output: "server" }], dns: [{ hubId: "hub:shared" }], empty: [] },
        injectionInputs: ["hub:shared"],
        position: { x: 120.5, y: -40 },
      },
      {
        id: "common.existing-server.v1:web",
        type: "common.existing-server.v1",
        name: "web",
        uid: "webserver0001",
        args: { endpoint: "10.0.0.1" },
        inputs: {},
        injectionInputs: [],
        position: { x: 0, y: 0 },
      },
      {
        id: "vendor.not-installed.v3:mystery",
        type: "vendor.not-installed.v3",
        name: "mystery",
        uid: "mystery000001",
        args: { "weird key": [null, { b: 2, a: 1 }] },
        inputs: { whatever: [{ instanceId: "common.existing-server.v1:web", output: "server" }] },
        injectionInputs: [],
        position: { x: 5, y: 6 },
      },
    ],
    hubs: [
      { id: "hub:shared", title: "Shared", inputs: [{ instanceId: "common.existing-server.v1:web", output: "server" }], injectionInputs: [], position: { x: 0, y: 0 } },
      { id: "hub:empty", inputs: [], injectionInputs: ["hub:shared"], position: { x: 1, y: 2 } },
    ],
  };
}
