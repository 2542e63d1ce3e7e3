import { describe, expect, it } from "vitest";
import { checkInstanceName, emptyProject, instanceId, parseInstanceId, projectSchema } from "./project.js";

describe("project model", () => {
  it("parses ids and checks names", () => {
    expect(instanceId("common.existing-server.v1", "web-1")).toBe("common.existing-server.v1:web-1");
    expect(parseInstanceId("common.existing-server.v1:web-1")).toEqual({ type: "common.existing-server.v1", name: "web-1" });
    expect(parseInstanceId("web-1")).toBeUndefined();
    expect(parseInstanceId("common.existing-server.v1:Web")).toBeUndefined();
    expect(checkInstanceName("1abc")).toBe("the name must start with a lower-case letter");
    expect(checkInstanceName("a_b")).toBe("the name may contain only lower-case letters, digits and dashes");
    expect(checkInstanceName("a".repeat(64))).toBe("the name is longer than 63 characters");
    expect(checkInstanceName("ok-1")).toBeUndefined();
  });

  it("rejects unknown fields and other versions with the path named", () => {
    const unknown = projectSchema.safeParse({ version: 1, instances: [], hubs: [], extra: true });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["extra"] });
    const version = projectSchema.safeParse({ version: 2, instances: [] });
    expect(version.error!.issues[0]!.path).toEqual(["version"]);
    const badRef = projectSchema.safeParse({
      version: 1,
      instances: [{ id: "a.b.v1:x", type: "a.b.v1", name: "x", uid: "abcdefgh", inputs: { a: [{ instance: "y" }] } }],
    });
    expect(badRef.error!.issues[0]!.path.slice(0, 4)).toEqual(["instances", 0, "inputs", "a"]);
  });

  it("fills defaults", () => {
    expect(projectSchema.parse({ version: 1 })).toEqual(emptyProject());
  });
});
