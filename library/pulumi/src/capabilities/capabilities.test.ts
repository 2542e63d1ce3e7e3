import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CapabilityModuleError,
  CapabilityNotImplementedError,
  CapabilityPackageNotFoundError,
  CapabilityValidationError,
  callCapability,
  configureCapabilities,
  defineCapability,
  implementCapability,
  resolveCapabilityModule,
} from "./index.js";

const greeting = defineCapability({
  name: "greeting",
  description: "Greets someone.",
  request: z.object({ who: z.string().min(1), loud: z.boolean().default(false) }).strict(),
  result: z.object({ text: z.string() }).strict(),
});

let workspace: string;
let restore: () => void;

function write(path: string, content: string): void {
  const file = join(workspace, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function manifest(name: string, exports?: Record<string, unknown>): string {
  return JSON.stringify({ name, version: "1.2.3", type: "module", ...(exports ? { exports } : {}) });
}

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "highstate-capabilities-"));
  write("package.json", manifest("workspace"));
  // Plain functions: what a package built without @highstate/pulumi's helper could export.
  write(
    "node_modules/@acme/hello/package.json",
    manifest("@acme/hello", { "./impl/greeting": { import: "./impl/greeting.js" }, "./package.json": "./package.json" }),
  );
  write(
    "node_modules/@acme/hello/impl/greeting.js",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source of a module the test installs.
    "export default async ({ data, request, context }) => ({ text: `${data.prefix} ${request.who}${request.loud ? '!' : ''} from ${context.instanceId}` });\n",
  );
  write(
    "node_modules/@acme/patterns/package.json",
    manifest("@acme/patterns", { "./impl/*": { "acme-source": "./src/*.js", default: "./dist/*.js" } }),
  );
  write("node_modules/@acme/patterns/dist/greeting.js", "export function greet() { return { text: 'from dist' }; }\n");
  write("node_modules/@acme/patterns/src/greeting.js", "export function greet() { return { text: 'from source' }; }\n");
  write("node_modules/@acme/legacy/package.json", JSON.stringify({ name: "@acme/legacy", version: "0.1.0" }));
  write("node_modules/@acme/legacy/impl/greeting.js", "module.exports = () => ({ text: 'legacy' });\n");
  write("node_modules/@acme/nothing/package.json", manifest("@acme/nothing", { ".": "./index.js" }));
  write("node_modules/@acme/two/package.json", manifest("@acme/two", { "./impl/greeting": "./impl/greeting.js" }));
  write("node_modules/@acme/two/impl/greeting.js", "export function a() {}\nexport function b() {}\n");
  write("node_modules/@acme/broken/package.json", manifest("@acme/broken", { "./impl/greeting": "./impl/greeting.js" }));
  write("node_modules/@acme/broken/impl/greeting.js", "export default () => ({ text: 42 });\n");
  write("node_modules/@acme/unbuilt/package.json", manifest("@acme/unbuilt", { "./impl/greeting": "./dist/greeting.js" }));
  write("projects/units/deep/.keep", "");
  restore = configureCapabilities({ baseDir: join(workspace, "projects/units/deep") });
});

afterAll(() => {
  restore();
  rmSync(workspace, { recursive: true, force: true });
});

const options = { name: "web-greeting", instanceId: "demo.app.v1:web" };

describe("callCapability", () => {
  it("imports <package>/impl/<capability> from the workspace and passes data, the validated request and the context", async () => {
    const result = await callCapability(
      greeting,
      { package: "@acme/hello", data: { prefix: "Hello" } },
      { who: "Ada", loud: true },
      options,
    );
    expect(result).toEqual({ text: "Hello Ada! from demo.app.v1:web" });
  });

  it("follows export patterns and the conditions it is given", async () => {
    expect(await callCapability(greeting, { package: "@acme/patterns" }, { who: "x" }, options)).toEqual({ text: "from dist" });
    expect(
      await callCapability(greeting, { package: "@acme/patterns" }, { who: "x" }, { ...options, conditions: ["acme-source"] }),
    ).toEqual({
      text: "from source",
    });
  });

  it("falls back to impl/<capability>.js for packages without an exports map", async () => {
    expect(await callCapability(greeting, { package: "@acme/legacy" }, { who: "x" }, options)).toEqual({ text: "legacy" });
  });

  it("names the package, the capability and the instance when the package is not installed", async () => {
    const error = await callCapability(greeting, { package: "@acme/missing" }, { who: "x" }, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CapabilityPackageNotFoundError);
    expect(error).toMatchObject({ packageName: "@acme/missing", capability: "greeting", instanceId: "demo.app.v1:web" });
    expect((error as Error).message).toMatch(
      /^Package "@acme\/missing", which implements capability "greeting" needed by instance "demo.app.v1:web", is not installed in the workspace .*npm install @acme\/missing/,
    );
  });

  it("says so when the package does not implement the capability", async () => {
    const error = await callCapability(greeting, { package: "@acme/nothing" }, { who: "x" }, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CapabilityNotImplementedError);
    expect((error as Error).message).toContain(
      'Package "@acme/nothing" 1.2.3 does not implement capability "greeting" needed by instance "demo.app.v1:web": it has no "./impl/greeting" export',
    );
  });

  it("refuses a module without exactly one function, a missing file and an invalid result", async () => {
    await expect(callCapability(greeting, { package: "@acme/two" }, { who: "x" }, options)).rejects.toThrow(
      /The module "@acme\/two\/impl\/greeting" must export exactly one function .* but exports "a", "b"/,
    );
    await expect(callCapability(greeting, { package: "@acme/unbuilt" }, { who: "x" }, options)).rejects.toBeInstanceOf(
      CapabilityModuleError,
    );
    const error = await callCapability(greeting, { package: "@acme/broken" }, { who: "x" }, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CapabilityValidationError);
    expect(error).toMatchObject({ part: "result", issues: [{ path: "text" }] });
    expect((error as Error).message).toContain(
      'The result of capability "greeting" from package "@acme/broken" (called by instance "demo.app.v1:web") is invalid: "text"',
    );
  });

  it("validates the request before loading anything", async () => {
    const error = await callCapability(greeting, { package: "@acme/missing" }, { who: "" }, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CapabilityValidationError);
    expect(error).toMatchObject({ part: "request", issues: [{ path: "who" }] });
  });

  it("resolves the default base directory from the configured one, else the current directory", () => {
    expect(resolveCapabilityModule("@acme/hello", "greeting").version).toBe("1.2.3");
    expect(() => resolveCapabilityModule("@acme/hello", "greeting", { baseDir: tmpdir() })).toThrow(CapabilityPackageNotFoundError);
  });
});

describe("implementCapability", () => {
  const implementation = implementCapability(greeting, {
    data: z.object({ prefix: z.string().min(1), zones: z.record(z.string(), z.string()) }).strict(),
    implement: ({ data, request }) => ({ text: `${data.prefix} ${request.who} (${Object.keys(data.zones).length})` }),
  });

  it("validates data and request, then runs", async () => {
    const context = { packageName: "@acme/hello", instanceId: "demo.app.v1:web", name: "web" };
    expect(await implementation({ data: { prefix: "Hi", zones: { "example.com": "z1" } }, request: { who: "Ada" }, context })).toEqual({
      text: "Hi Ada (1)",
    });
    expect(implementation.capability).toBe("greeting");
    const error = await implementation({ data: { prefix: "Hi", zones: { "example.com": 7 } }, request: { who: "Ada" }, context }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CapabilityValidationError);
    expect((error as Error).message).toMatch(
      /^The "implRef.data" given to package "@acme\/hello" for capability "greeting" \(called by instance "demo.app.v1:web"\) is invalid: "zones.example.com": /,
    );
  });

  it("is recognised by callCapability, which refuses one for another capability", async () => {
    const other = defineCapability({ name: "farewell", description: "", request: z.object({}), result: z.object({}) });
    expect(() => defineCapability({ name: "Bad Name", description: "", request: z.object({}), result: z.object({}) })).toThrow(
      /lower-case words/,
    );
    write("node_modules/@acme/mixed/package.json", manifest("@acme/mixed", { "./impl/greeting": "./impl/greeting.js" }));
    write(
      "node_modules/@acme/mixed/impl/greeting.js",
      "const f = () => ({}); Object.defineProperty(f, Symbol.for('highstate.capability-implementation'), { value: 'farewell' }); Object.defineProperty(f, 'capability', { value: 'farewell' }); export default f;\n",
    );
    await expect(callCapability(greeting, { package: "@acme/mixed" }, { who: "x" }, options)).rejects.toThrow(
      'The module "@acme/mixed/impl/greeting" implements capability "farewell", not "greeting"',
    );
    expect(other.name).toBe("farewell");
  });
});
