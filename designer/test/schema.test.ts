import { buildRegistry, type Project } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { copyInstances, pasteMutations } from "../src/canvas/clipboard.ts";
import { fieldTitle } from "../src/canvas/layout.ts";
import { requiredArgsSchema } from "../src/forms/AddInstanceDialog.tsx";
import { highlight } from "../src/forms/CodeEditor.tsx";
import { fieldInfo, type Schema, validateValue } from "../src/forms/schema.ts";
import { paletteGroups } from "../src/palette/Palette.tsx";
import { testPackages } from "./support/definitions.ts";

const registry = buildRegistry(
  testPackages.map((pkg) => ({ package: { name: pkg.name, version: "0.1.0" }, entities: pkg.entities, components: pkg.components })),
);
const server = registry.components["common.existing-server.v1"]!;
const cluster = registry.components["test.existing-cluster.v1"]!;
const serverArgs = server.args as Schema;
const clusterArgs = cluster.args as Schema;

describe("args forms from JSON Schema", () => {
  it("chooses an editor per field", () => {
    const kinds = Object.fromEntries(
      Object.entries(clusterArgs.properties!).map(([name, schema]) => [name, fieldInfo(schema, clusterArgs).kind]),
    );
    expect(kinds).toEqual({
      apiServer: "string",
      channel: "enum",
      replicas: "integer",
      monitoring: "boolean",
      nodeLabels: "array",
      patch: "code",
    });
    expect(fieldInfo(clusterArgs.properties!.patch!, clusterArgs).language).toBe("yaml");
    expect(fieldInfo(serverArgs.properties!.endpoint!, serverArgs).kind).toBe("string");
  });
  it("validates values and explains what is wrong", () => {
    expect(validateValue({}, serverArgs, serverArgs)).toEqual({ endpoint: "is required" });
    expect(validateValue({ endpoint: "not a host!" }, serverArgs, serverArgs)).toEqual({
      endpoint: "must be an IPv4 address, an IPv6 address or a host name",
    });
    expect(validateValue({ endpoint: "10.0.0.1", sshPort: 70000 }, serverArgs, serverArgs)).toEqual({ sshPort: "must be at most 65535" });
    expect(validateValue({ endpoint: "10.0.0.1", sshPort: "x" }, serverArgs, serverArgs)).toEqual({ sshPort: "must be a whole number" });
    expect(validateValue({ endpoint: "10.0.0.1", typo: 1 }, serverArgs, serverArgs)).toEqual({ typo: "is not a known field; remove it" });
    expect(validateValue({ apiServer: "https://k8s:6443", channel: "nightly", nodeLabels: ["a", 2] }, clusterArgs, clusterArgs)).toEqual({
      channel: 'must be one of "stable", "latest", "testing"',
      "nodeLabels.1": "must be a string",
    });
  });
  it("asks only for required args without defaults when adding", () => {
    expect(Object.keys(requiredArgsSchema(server).properties!)).toEqual(["endpoint"]);
    expect(Object.keys(requiredArgsSchema(cluster).properties!)).toEqual(["apiServer"]);
  });
  it("highlights code by language and escapes everything else", () => {
    expect(highlight("key: value # note", "yaml")).toContain('class="token key atrule"');
    expect(highlight("<b>", undefined)).toBe("&lt;b&gt;");
  });
  it("titles fields", () => {
    expect(fieldTitle("sshKeyPair")).toBe("SSH Key Pair");
    expect(fieldTitle("apiServer")).toBe("API Server");
    expect(fieldTitle("x", { title: "Custom" })).toBe("Custom");
  });
});

describe("palette and clipboard", () => {
  it("groups components by category and filters by every word", () => {
    const groups = paletteGroups(Object.values(registry.components), "");
    expect(groups.map(([category, list]) => [category, list.map((item) => item.meta.title)])).toEqual([
      ["Kubernetes", ["Existing Cluster"]],
      ["Servers", ["Existing Server", "SSH Key Pair"]],
    ]);
    expect(paletteGroups(Object.values(registry.components), "pair ed25519").flatMap(([, list]) => list.map((item) => item.type))).toEqual([
      "common.ssh-key-pair.v1",
    ]);
  });
  it("pastes copies under free names with connections among them re-pointed", () => {
    const project: Project = {
      version: 1,
      hubs: [],
      instances: [
        {
          id: "common.ssh-key-pair.v1:k",
          type: "common.ssh-key-pair.v1",
          name: "k",
          uid: "uid00001",
          args: {},
          inputs: {},
          injectionInputs: [],
          position: { x: 0, y: 0 },
        },
        {
          id: "common.existing-server.v1:s",
          type: "common.existing-server.v1",
          name: "s",
          uid: "uid00002",
          args: { endpoint: "1.2.3.4" },
          inputs: { sshKeyPair: [{ instanceId: "common.ssh-key-pair.v1:k", output: "keyPair" }] },
          injectionInputs: [],
          position: { x: 400, y: 0 },
        },
      ],
    };
    const copied = copyInstances(project, ["common.ssh-key-pair.v1:k", "common.existing-server.v1:s"])!;
    const { mutations, ids } = pasteMutations(project, copied, { x: 48, y: 48 });
    expect(ids).toEqual(["common.ssh-key-pair.v1:k-2", "common.existing-server.v1:s-2"]);
    expect(mutations).toEqual([
      { op: "add-instance", type: "common.ssh-key-pair.v1", name: "k-2", args: {}, position: { x: 48, y: 48 } },
      { op: "add-instance", type: "common.existing-server.v1", name: "s-2", args: { endpoint: "1.2.3.4" }, position: { x: 448, y: 48 } },
      {
        op: "connect",
        instanceId: "common.existing-server.v1:s-2",
        input: "sshKeyPair",
        source: { instanceId: "common.ssh-key-pair.v1:k-2", output: "keyPair" },
      },
    ]);
    // Copying only the server keeps its connection to the original key pair.
    const alone = pasteMutations(project, copyInstances(project, ["common.existing-server.v1:s"])!, { x: 0, y: 0 });
    expect(alone.mutations[1]).toEqual({
      op: "connect",
      instanceId: "common.existing-server.v1:s-2",
      input: "sshKeyPair",
      source: { instanceId: "common.ssh-key-pair.v1:k", output: "keyPair" },
    });
  });
});
