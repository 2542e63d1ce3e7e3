import { emptyProject, type Project, resolveProjectInputs, validateProject } from "@highstate/contract";
import {
  addHub,
  addInstance,
  connectHubInput,
  connectInput,
  disconnectHubInput,
  HubNotFoundError,
  InstanceNotFoundError,
  InvalidHubError,
  InvalidPositionError,
  injectHub,
  moveHub,
  OutputNotFoundError,
  removeHub,
  setHubTitle,
  uninjectHub,
} from "@highstate/project";
import { describe, expect, it } from "vitest";
import { sampleRegistry } from "./__fixtures__/registry.js";

const registry = sampleRegistry();

function base(): Project {
  let project = emptyProject();
  project = addInstance(project, registry, { type: "common.existing-server.v1", name: "a", uid: "servera00001" });
  project = addInstance(project, registry, { type: "common.ssh-key-pair.v1", name: "key", uid: "keypair00001" });
  project = addInstance(project, registry, { type: "k3s.cluster.v1", name: "main", uid: "cluster00001" });
  return Object.freeze(project);
}

describe("hub operations", () => {
  it("adds hubs, collects outputs and injects them so instances resolve their inputs", () => {
    let project = addHub(base(), { id: "hub:infra", title: "Infra", position: { x: 5, y: 5 } });
    project = addHub(project, { id: "hub:all" });
    project = connectHubInput(project, registry, "hub:infra", { instanceId: "common.existing-server.v1:a", output: "server" });
    project = connectHubInput(project, registry, "hub:infra", { instanceId: "common.existing-server.v1:a", output: "server" });
    project = connectHubInput(project, registry, "hub:infra", { instanceId: "common.ssh-key-pair.v1:key", output: "keyPair" });
    project = injectHub(project, "hub:all", "hub:infra");
    project = injectHub(project, "k3s.cluster.v1:main", "hub:all");
    project = injectHub(project, "k3s.cluster.v1:main", "hub:all");
    project = injectHub(project, "common.existing-server.v1:a", "hub:infra");
    expect(project.hubs.find((hub) => hub.id === "hub:infra")?.inputs).toHaveLength(2);
    expect(project.instances.find((instance) => instance.name === "main")?.injectionInputs).toEqual(["hub:all"]);
    const resolved = resolveProjectInputs(project, registry);
    expect(resolved.get("k3s.cluster.v1:main")?.master).toEqual([
      { instanceId: "common.existing-server.v1:a", output: "server", viaHub: "hub:all" },
    ]);
    expect(validateProject(project, registry)).toEqual([]);

    project = moveHub(setHubTitle(project, "hub:all", "Everything"), "hub:all", { x: 1, y: 2 });
    expect(project.hubs.find((hub) => hub.id === "hub:all")).toMatchObject({ title: "Everything", position: { x: 1, y: 2 } });
    expect(setHubTitle(project, "hub:all", undefined).hubs.find((hub) => hub.id === "hub:all")).not.toHaveProperty("title");
    project = disconnectHubInput(project, "hub:infra", { instanceId: "common.ssh-key-pair.v1:key", output: "keyPair" });
    expect(project.hubs.find((hub) => hub.id === "hub:infra")?.inputs).toEqual([
      { instanceId: "common.existing-server.v1:a", output: "server" },
    ]);
    project = uninjectHub(project, "k3s.cluster.v1:main", "hub:all");
    project = uninjectHub(project, "hub:all", "hub:infra");
    expect(project.instances.find((instance) => instance.name === "main")?.injectionInputs).toEqual([]);
    expect(project.hubs.find((hub) => hub.id === "hub:all")?.injectionInputs).toEqual([]);
  });

  it("removes a hub with every reference to it", () => {
    let project = addHub(addHub(base(), { id: "hub:infra" }), { id: "hub:all" });
    project = connectHubInput(project, registry, "hub:infra", { instanceId: "common.existing-server.v1:a", output: "server" });
    project = injectHub(project, "hub:all", "hub:infra");
    project = injectHub(project, "k3s.cluster.v1:main", "hub:infra");
    project = connectInput(project, registry, { instanceId: "k3s.cluster.v1:main", input: "workers", from: { hubId: "hub:infra" } });
    project = removeHub(project, "hub:infra");
    expect(project.hubs.map((hub) => hub.id)).toEqual(["hub:all"]);
    expect(project.hubs[0]?.injectionInputs).toEqual([]);
    const main = project.instances.find((instance) => instance.name === "main");
    expect(main?.injectionInputs).toEqual([]);
    expect(main?.inputs).toEqual({});
    expect(validateProject(project, registry).filter((problem) => problem.code === "dangling-reference")).toEqual([]);
  });

  it("refuses bad and duplicate ids, unknown hubs, targets and outputs, and hubs that would include themselves", () => {
    const project = injectHub(addHub(addHub(base(), { id: "hub:a" }), { id: "hub:b" }), "hub:b", "hub:a");
    expect(() => addHub(project, { id: "servers" })).toThrow(InvalidHubError);
    expect(() => addHub(project, { id: "hub:a" })).toThrow(/already has a hub/);
    expect(() => removeHub(project, "hub:none")).toThrow(HubNotFoundError);
    expect(() => injectHub(project, "k3s.cluster.v1:none", "hub:a")).toThrow(InstanceNotFoundError);
    expect(() => injectHub(project, "hub:a", "hub:a")).toThrow(/would make "hub:a" include itself/);
    expect(() => injectHub(project, "hub:a", "hub:b")).toThrow(/would make "hub:a" include itself/);
    expect(() => connectHubInput(project, registry, "hub:a", { instanceId: "common.existing-server.v1:a", output: "nope" })).toThrow(
      OutputNotFoundError,
    );
    expect(() => moveHub(project, "hub:a", { x: Number.NaN, y: 1 })).toThrow(InvalidPositionError);
  });
});
