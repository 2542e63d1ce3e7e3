import { describe, expect, it } from "vitest";
import { UnreadableFileError } from "../fs/errors.js";
import { sampleProject } from "./__fixtures__/projects.js";
import { InvalidProjectError, parseProjectFile, serializeProject } from "./project-file.js";

const file = "/ws/projects/p.json";

function parseError(text: string): UnreadableFileError {
  try {
    parseProjectFile(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableFileError);
    return error as UnreadableFileError;
  }
  throw new Error("expected the file to be unreadable");
}

describe("serializeProject", () => {
  it("writes sorted keys, sorted instances and hubs, no defaults, 2-space JSON and a final newline", () => {
    const text = serializeProject(sampleProject());
    expect(text).toMatchSnapshot();
    expect(text.endsWith("}\n")).toBe(true);
    const document = JSON.parse(text);
    expect(document.instances.map((instance: { id: string }) => instance.id)).toEqual([
      "common.existing-server.v1:web",
      "k8s.existing-cluster.v1:prod",
      "vendor.not-installed.v3:mystery",
    ]);
    expect(document.hubs.map((hub: { id: string }) => hub.id)).toEqual(["hub:empty", "hub:shared"]);
    expect(Object.keys(document.instances[0])).toEqual(["args", "id", "name", "type", "uid"]);
    expect(document.instances[1].inputs).toEqual({
      dns: [{ hubId: "hub:shared" }],
      server: [{ instanceId: "common.existing-server.v1:web", output: "server" }],
    });
    expect(Object.keys(document.instances[1].args)).toEqual(["alpha", "zeta"]);
    expect(document.instances[1].args.alpha.list).toEqual([3, 1, 2]);
  });

  it("is byte-stable: loading and saving an unchanged project gives the same file", () => {
    const first = serializeProject(sampleProject());
    const second = serializeProject(parseProjectFile(first, file));
    expect(second).toBe(first);
    expect(serializeProject(parseProjectFile('{"version":1}', file))).toBe('{\n  "version": 1\n}\n');
  });

  it("keeps instances of components that are not installed exactly as they are", () => {
    const loaded = parseProjectFile(serializeProject(sampleProject()), file);
    expect(loaded.instances.find((instance) => instance.type === "vendor.not-installed.v3")).toEqual(sampleProject().instances[2]);
  });

  it("refuses to serialise a project that would not load again", () => {
    const project = sampleProject();
    project.instances[0]!.position = { x: Number.NaN, y: 0 };
    expect(() => serializeProject(project)).toThrow(InvalidProjectError);
    expect(() => serializeProject({ ...sampleProject(), extra: 1 } as never)).toThrow(/unknown field "extra"/);
  });
});

describe("parseProjectFile errors", () => {
  it("points at the line and column of invalid JSON", () => {
    const error = parseError('{\n  "version": 1,\n  "instances": [,]\n}\n');
    expect(error.location).toEqual({ line: 3, column: 17 });
    expect(error.problem).toMatch(/invalid JSON: unexpected ",", expected a value/);
    expect(error.message).toContain(`"${file}" (line 3, column 17)`);
  });

  it("reports trailing commas", () => {
    const error = parseError('{\n  "version": 1,\n}\n');
    expect(error.location).toEqual({ line: 3, column: 1 });
    expect(error.problem).toMatch(/remove the trailing comma/);
  });

  it("reports a truncated file", () => {
    const text = serializeProject(sampleProject());
    const error = parseError(text.slice(0, 200));
    expect(error.problem).toMatch(/truncated/);
    expect(error.location?.line).toBeGreaterThan(1);
    expect(parseError("").problem).toMatch(/the file is empty/);
  });

  it("reports a missing, malformed or newer version", () => {
    expect(parseError('{"instances": []}').problem).toMatch(/"version" is missing/);
    expect(parseError('{"version": "1"}').problem).toMatch(/whole number, found the string "1"/);
    const newer = parseError('{"version": 7}');
    expect(newer.problem).toMatch(/newer Highstate \(project format version 7; this version reads up to 1\); update @highstate\/runner/);
    expect(newer.location).toEqual({ path: "version" });
    expect(parseError('{"version": 0}').problem).toMatch(/unknown project format version 0/);
    expect(parseError("[1, 2]").problem).toMatch(/must hold a JSON object, found an array/);
  });

  it("names unknown fields with their path and instance", () => {
    const project = JSON.parse(serializeProject(sampleProject()));
    project.instances[1].colour = "red";
    const error = parseError(JSON.stringify(project));
    expect(error.location).toEqual({ path: "instances[1]" });
    expect(error.problem).toMatch(/unknown field "colour" .* in instance "k8s.existing-cluster.v1:prod"/);
    expect(parseError('{"version": 1, "owner": "me", "tags": []}').problem).toMatch(/unknown fields "owner", "tags"/);
  });

  it("names values of the wrong type with their path", () => {
    const project = JSON.parse(serializeProject(sampleProject()));
    project.instances[0].position = { x: "left", y: 0 };
    const error = parseError(JSON.stringify(project));
    expect(error.location).toEqual({ path: "instances[0].position.x" });
    expect(error.problem).toMatch(/expected number, found the string "left" in instance "common.existing-server.v1:web"/);

    const broken = JSON.parse(serializeProject(sampleProject()));
    broken.instances[1].inputs.server[0] = { instance: "x" };
    expect(parseError(JSON.stringify(broken)).location).toEqual({ path: "instances[1].inputs.server[0]" });

    const noUid = JSON.parse(serializeProject(sampleProject()));
    delete noUid.hubs;
    delete noUid.instances[2].uid;
    expect(parseError(JSON.stringify(noUid)).problem).toMatch(/required field is missing/);
  });
});
