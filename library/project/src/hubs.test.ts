import { resolveProjectInputs } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { cluster, db, key, sampleProject, sampleRegistry, web } from "./__fixtures__/registry.js";
import {
  HubNotFoundError,
  InstanceNotFoundError,
  InvalidHubError,
  InvalidPositionError,
  OutputNotFoundError,
  ProjectOperationError,
} from "./errors.js";
import { addHub, connectHubInput, disconnectHubInput, findHub, injectHub, moveHub, removeHub, setHubTitle, uninjectHub } from "./hubs.js";
import { connectInput, findInstance } from "./instances.js";

const registry = sampleRegistry();

function refusal(operation: () => unknown): ProjectOperationError {
  try {
    operation();
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectOperationError);
    return error as ProjectOperationError;
  }
  throw new Error("the operation was not refused");
}

describe("hub operations", () => {
  it("adds a hub, collects outputs in it and injects it, so instances resolve their inputs from it", () => {
    let project = addHub(sampleProject(), { id: "hub:servers", title: "Servers", position: { x: 9, y: 9 } });
    expect(findHub(project, "hub:servers")).toEqual({
      id: "hub:servers",
      title: "Servers",
      inputs: [],
      injectionInputs: [],
      position: { x: 9, y: 9 },
    });
    project = connectHubInput(project, registry, "hub:servers", { instanceId: db, output: "server" });
    expect(connectHubInput(project, registry, "hub:servers", { instanceId: db, output: "server" })).toBe(project);
    project = addHub(project, { id: "hub:all" });
    project = injectHub(project, "hub:all", "hub:servers");
    expect(injectHub(project, "hub:all", "hub:servers")).toBe(project);
    expect(findHub(project, "hub:all").injectionInputs).toEqual(["hub:servers"]);
    // A cluster without a master takes it from an injected hub.
    project = connectInput(project, registry, { instanceId: cluster, input: "master", from: { hubId: "hub:all" } });
    const resolved = resolveProjectInputs(project, registry);
    expect(resolved.get(cluster)?.master).toEqual([expect.objectContaining({ instanceId: db, output: "server" })]);
  });

  it("refuses a malformed or taken hub id and a bad position", () => {
    expect(refusal(() => addHub(sampleProject(), { id: "keys" }))).toMatchObject({
      field: "hubId",
      message: 'Hub "keys": a hub id looks like "hub:<name>" with lower-case letters, digits and dashes.',
    });
    expect(refusal(() => addHub(sampleProject(), { id: "hub:keys" })).message).toBe(
      'Hub "hub:keys": the project already has a hub with this id.',
    );
    expect(refusal(() => addHub(sampleProject(), { id: "hub:x", position: { x: 0, y: Number.NaN } }))).toBeInstanceOf(InvalidPositionError);
    expect(refusal(() => moveHub(sampleProject(), "hub:keys", { x: Number.NaN, y: 0 }))).toBeInstanceOf(InvalidPositionError);
  });

  it("removes a hub with every connection and injection of it, keeping what did not refer to it", () => {
    let before = connectInput(sampleProject(), registry, { instanceId: db, input: "key", from: { hubId: "hub:keys" } });
    before = injectHub(addHub(before, { id: "hub:outer" }), "hub:outer", "hub:keys");
    const project = removeHub(before, "hub:keys");
    expect(project.hubs.map((hub) => hub.id)).toEqual(["hub:outer"]);
    expect(project.hubs[0]!.injectionInputs).toEqual([]);
    expect(findInstance(project, db)).toMatchObject({ inputs: {}, injectionInputs: [] });
    expect(project.instances[0]).toBe(before.instances[0]);
    expect(project.instances[1]).toBe(before.instances[1]);
    expect(project.instances[3]).toBe(before.instances[3]);
    expect(refusal(() => removeHub(project, "hub:keys"))).toBeInstanceOf(HubNotFoundError);
  });

  it("moves and retitles hubs", () => {
    const before = sampleProject();
    expect(findHub(moveHub(before, "hub:keys", { x: -1, y: 1 }), "hub:keys").position).toEqual({ x: -1, y: 1 });
    expect(findHub(setHubTitle(before, "hub:keys", "SSH keys"), "hub:keys").title).toBe("SSH keys");
    expect(findHub(setHubTitle(before, "hub:keys", undefined), "hub:keys")).not.toHaveProperty("title");
    expect(setHubTitle(before, "hub:keys", "Keys")).toBe(before);
    expect(refusal(() => setHubTitle(before, "hub:nope", "x"))).toMatchObject({
      field: "hubId",
      message: expect.stringContaining('"hub:nope"'),
    });
  });

  it("connects and disconnects outputs, refusing unknown outputs and instances", () => {
    const before = sampleProject();
    expect(refusal(() => connectHubInput(before, registry, "hub:keys", { instanceId: key, output: "nope" }))).toBeInstanceOf(
      OutputNotFoundError,
    );
    expect(refusal(() => connectHubInput(before, registry, "hub:keys", { instanceId: "test.key.v1:x", output: "keyPair" }))).toBeInstanceOf(
      InstanceNotFoundError,
    );
    expect(refusal(() => connectHubInput(before, registry, "hub:nope", { instanceId: key, output: "keyPair" }))).toBeInstanceOf(
      HubNotFoundError,
    );
    const project = disconnectHubInput(before, "hub:keys", { instanceId: key, output: "keyPair" });
    expect(findHub(project, "hub:keys").inputs).toEqual([]);
    expect(disconnectHubInput(project, "hub:keys", { instanceId: key, output: "keyPair" })).toBe(project);
  });

  it("injects into instances and hubs, never making a hub include itself, and un-injects", () => {
    let project = addHub(addHub(sampleProject(), { id: "hub:a" }), { id: "hub:b" });
    project = injectHub(project, "hub:b", "hub:a");
    const cycle = refusal(() => injectHub(project, "hub:a", "hub:b"));
    expect(cycle).toBeInstanceOf(InvalidHubError);
    expect(cycle.message).toBe('Hub "hub:b": injecting it into "hub:a" would make "hub:a" include itself.');
    expect(refusal(() => injectHub(project, "hub:a", "hub:a"))).toBeInstanceOf(InvalidHubError);
    expect(refusal(() => injectHub(project, web, "hub:nope"))).toMatchObject({ field: "hubId" });
    expect(refusal(() => injectHub(project, "test.server.v1:nope", "hub:a"))).toMatchObject({ field: "target" });
    project = injectHub(project, web, "hub:a");
    expect(findInstance(project, web).injectionInputs).toEqual(["hub:a"]);
    project = uninjectHub(project, web, "hub:a");
    expect(findInstance(project, web).injectionInputs).toEqual([]);
    expect(uninjectHub(project, web, "hub:a")).toBe(project);
    project = uninjectHub(project, "hub:b", "hub:a");
    expect(findHub(project, "hub:b").injectionInputs).toEqual([]);
    expect(refusal(() => uninjectHub(project, "test.server.v1:nope", "hub:a"))).toBeInstanceOf(InstanceNotFoundError);
  });
});
