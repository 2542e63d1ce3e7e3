import { describe, expect, it } from "vitest";
import { cluster, existingServer, keyPair, serverEntity } from "./__fixtures__/definitions.js";
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
    expect(entry.secrets).toMatchObject({ properties: { sshPassword: { type: "string", description: "Password for SSH, when no key is used." } } });
    expect(entry.inputs.keyPair).toEqual({ entity: "test.key-pair.v1", required: false, multiple: false, description: "The key used to log in." });
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
