import { describe, expect, it } from "vitest";
import { cluster, existingServer, keyPair, serverEntity } from "./__fixtures__/definitions.js";
import { defineComponent } from "./component.js";
import { defineEntity } from "./entity.js";
import { DuplicateTypeError } from "./errors.js";
import { buildRegistry, componentToRegistry } from "./registry.js";

const pkg = { name: "test-package", version: "1.2.3" };

describe("registry export", () => {
  it("exports args and secrets as JSON Schema with JSDoc-derived descriptions", () => {
    const entry = componentToRegistry(existingServer, pkg);
    expect(entry.args).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["endpoint"],
      properties: {
        endpoint: { type: "string", description: "IP address or host name." },
        sshPort: { type: "integer", default: 22, minimum: 1, maximum: 65535, description: "SSH port." },
      },
    });
    expect(entry.secrets).toMatchObject({
      properties: { sshPassword: { type: "string", description: "Password for SSH, when no key is used." } },
    });
    expect(entry.inputs.keyPair).toEqual({
      entity: "test.key-pair.v1",
      required: false,
      multiple: false,
      description: "The key used to log in.",
    });
    expect(entry.meta.description).toBe("Registers a server that already exists.");
  });

  it("is JSON-serialisable and stable (snapshot)", async () => {
    const registry = buildRegistry([{ package: pkg, entities: [serverEntity], components: [keyPair, existingServer, cluster] }]);
    const json = JSON.stringify(registry, null, 2);
    expect(JSON.parse(json)).toEqual(registry);
    expect(registry.entities["test.server.v1"]!.schema).toMatchObject({
      properties: { hostname: { description: "Host name reported by the machine itself." } },
    });
    expect(registry.entities["test.server.v1"]!.meta.description).toBe("A machine reachable over the network.");
    await expect(json).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});

describe("duplicate type ids", () => {
  const other = { name: "other-package", version: "0.1.0" };

  it("are reported with both packages instead of keeping the first silently", () => {
    const copy = defineComponent({ type: existingServer.type, meta: { title: "Another Existing Server" } });
    const run = () =>
      buildRegistry([
        { package: pkg, entities: [], components: [existingServer] },
        { package: other, entities: [], components: [copy] },
      ]);
    expect(run).toThrow(DuplicateTypeError);
    expect(run).toThrow(
      'Component "test.existing-server.v1" is defined by both "test-package" and "other-package": a type id belongs to one package; rename one of them',
    );
  });

  it("of entities too, also within one package", () => {
    const copy = defineEntity({ type: serverEntity.type, schema: serverEntity.schema, meta: { title: "Server" } });
    expect(() => buildRegistry([{ package: pkg, entities: [serverEntity, copy], components: [] }])).toThrow(
      'Entity "test.server.v1" is defined twice by package "test-package": give one of the definitions another type id (or bump its version, e.g. ".v2")',
    );
    const error = (() => {
      try {
        buildRegistry([
          { package: pkg, entities: [serverEntity], components: [] },
          { package: other, entities: [copy], components: [] },
        ]);
      } catch (caught) {
        return caught as DuplicateTypeError;
      }
    })();
    expect(error).toMatchObject({ kind: "entity", type: "test.server.v1", packages: ["test-package", "other-package"] });
  });

  it("but one definition listed again (re-exported, or referenced by a component) belongs to the first package", () => {
    const registry = buildRegistry([
      { package: pkg, entities: [serverEntity], components: [existingServer] },
      { package: other, entities: [serverEntity], components: [existingServer] },
    ]);
    expect(registry.entities["test.server.v1"]!.package.name).toBe("test-package");
    expect(registry.components["test.existing-server.v1"]!.package.name).toBe("test-package");
  });
});
