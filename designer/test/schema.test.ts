import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildRegistry, defineComponent, type Project, z } from "@highstate/contract";
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
  it("validates the schema features component args use (zod's JSON Schema, checked by @cfworker/json-schema)", () => {
    const assorted = defineComponent({
      type: "test.assorted.v1",
      args: {
        network: z.cidrv4().describe("An IPv4 network."),
        email: z.email().optional(),
        url: z.url().optional(),
        labels: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.string()).default({}),
        hosts: z.array(z.string().min(1)).min(1).max(3).describe("At least one host."),
        size: z
          .string()
          .regex(/^\d+(Ki|Mi|Gi)$/)
          .optional(),
        nullable: z.string().min(3).nullable().optional(),
        ratio: z.number().gt(0).lt(1).optional(),
        issuer: z
          .discriminatedUnion("type", [
            z.object({ type: z.literal("letsencrypt"), email: z.email() }).strict(),
            z.object({ type: z.literal("self-signed") }).strict(),
          ])
          .optional(),
        nested: z.object({ port: z.number().int().min(1).max(65535), name: z.string() }).optional(),
      },
      meta: { title: "Assorted" },
      source: { package: "@highstate/test", path: "assorted" },
    });
    const schema = buildRegistry([{ package: { name: "@highstate/test", version: "0.1.0" }, entities: [], components: [assorted] }])
      .components["test.assorted.v1"]!.args as Schema;
    const valid = {
      network: "10.0.0.0/24",
      hosts: ["a"],
      labels: { zone: "eu" },
      issuer: { type: "letsencrypt", email: "ops@example.com" },
      nested: { port: 22, name: "ssh" },
    };
    expect(validateValue(valid, schema)).toEqual({});
    // Cleared fields (undefined), also nested ones, count as absent.
    expect(validateValue({ ...valid, email: undefined, nested: { port: 22, name: "ssh", extra: undefined } }, schema)).toEqual({});
    expect(
      validateValue(
        {
          network: "10.0.0.0/33",
          email: "nobody",
          url: "not a url",
          labels: { Zone: "eu", ok: 1 },
          hosts: [],
          size: "12 GB",
          nullable: "ab",
          ratio: 1,
          nested: { port: 0 },
        },
        schema,
      ),
    ).toEqual({
      network: "must be an IPv4 network (CIDR)",
      email: "must be an email address",
      url: "must be a URL",
      "labels.Zone": "has a name that does not fit: must match the pattern ^[a-z][a-z0-9-]*$",
      "labels.ok": "must be a string",
      hosts: "needs at least 1 item",
      size: "must match the pattern ^\\d+(Ki|Mi|Gi)$",
      nullable: "must have at least 3 characters",
      ratio: "must be less than 1",
      "nested.port": "must be at least 1",
      "nested.name": "is required",
    });
    expect(validateValue({ ...valid, nullable: null, hosts: ["a", "b", "c", "d"] }, schema)).toEqual({ hosts: "takes at most 3 items" });
    expect(validateValue({ ...valid, hosts: [""] }, schema)).toEqual({ "hosts.0": "must not be empty" });
    // A tagged union reports the problems of the variant the value names, or the tags there are.
    expect(validateValue({ ...valid, issuer: { type: "letsencrypt", email: "x" } }, schema)).toEqual({
      "issuer.email": "must be an email address",
    });
    expect(validateValue({ ...valid, issuer: { type: "self-signed", email: "ops@example.com" } }, schema)).toEqual({
      "issuer.email": "is not a known field; remove it",
    });
    expect(validateValue({ ...valid, issuer: { type: "acme" } }, schema)).toEqual({
      "issuer.type": 'must be one of "letsencrypt", "self-signed"',
    });
  });
  it("validates one field against its schema with the root's $defs, and leaves patterns the browser cannot compile to the server", () => {
    const root: Schema = {
      type: "object",
      $defs: { Port: { type: "integer", minimum: 1, maximum: 65535 } },
      properties: { port: { $ref: "#/$defs/Port" }, odd: { type: "string", pattern: "^(?<a>x)\\k<b>$" } },
    };
    expect(validateValue(70000, root.properties!.port!, root)).toEqual({ "": "must be at most 65535" });
    expect(validateValue(8080, root.properties!.port!, root)).toEqual({});
    expect(validateValue({ port: 1.5 }, root)).toEqual({ port: "must be a whole number" });
    expect(validateValue({ odd: "anything" }, root)).toEqual({});
  });
  it("accepts the defaults of every component in the packages' registries and asks for the rest", () => {
    const packagesDir = join(import.meta.dirname, "../../packages");
    let checked = 0;
    for (const name of readdirSync(packagesDir)) {
      let text: string;
      try {
        text = readFileSync(join(packagesDir, name, "src/__snapshots__/registry.json"), "utf8");
      } catch {
        continue;
      }
      const registry = JSON.parse(text) as { components: Record<string, { args: Schema }> };
      for (const [type, component] of Object.entries(registry.components)) {
        const args = component.args;
        const defaults = Object.fromEntries(
          Object.entries(args.properties ?? {})
            .filter(([, property]) => property.default !== undefined)
            .map(([key, property]) => [key, property.default]),
        );
        const missing = (args.required ?? []).filter((key) => defaults[key] === undefined);
        const errors = validateValue(defaults, args);
        expect({ type, errors }).toEqual({ type, errors: Object.fromEntries(missing.map((key) => [key, "is required"])) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
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
