import { defineComponent, z } from "@highstate/contract";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { bucketEntity, networkEntity } from "./__fixtures__/definitions.js";
import { UnitConfigError, UnitDefinitionError, UnitInputError, UnitSecretsError } from "./errors.js";
import { resourceName, secret } from "./helpers.js";
import { runUnit } from "./run.js";
import { type TestUnitOptions, testUnit } from "./test/index.js";
import { defineUnit, isUnit } from "./unit.js";

const network = { id: "net-1", cidr: "10.0.0.0/16" };
const mirror = (name: string) => ({ name, region: "eu", endpoint: `https://${name}.example.com`, accessKey: "0123456789abcdef" });

const probe = defineComponent({
  type: "test.probe.v1",
  args: { size: z.number().int().default(3), label: z.string().optional() },
  secrets: { token: z.string().min(8).optional(), password: z.string().min(12).optional(), pin: z.number().optional() },
  inputs: {
    network: networkEntity,
    backup: { entity: bucketEntity, required: false },
    mirrors: { entity: bucketEntity, required: false, multiple: true },
  },
  outputs: {},
  meta: { title: "Probe" },
  source: { package: "@highstate/pulumi", path: "test-fixtures/probe" },
});

/** Resolves an Output inside the run, with its secretness. */
async function inspect<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  const value = await new Promise<T>((resolve) => output.apply((resolved) => resolve(resolved)));
  return { value, secret: await pulumi.isSecret(output) };
}

/** Runs `probe` with a program that records what it saw. */
async function probeRun(options: TestUnitOptions<typeof probe>, body?: Parameters<typeof defineUnit<typeof probe>>[1]) {
  let seen: Record<string, unknown> = {};
  const unit = defineUnit(probe, async (context) => {
    seen = {
      name: context.name,
      instance: context.instance,
      args: context.args,
      invokedTriggers: context.invokedTriggers,
      network: await inspect(context.inputs.network),
      backup: context.inputs.backup === undefined ? undefined : await inspect(context.inputs.backup),
      mirrors: await Promise.all(context.inputs.mirrors.map(inspect)),
      token: context.secrets.token === undefined ? undefined : await inspect(context.secrets.token),
    };
    return body ? body(context) : {};
  });
  const result = await testUnit(unit, { inputs: { network }, ...options });
  return { seen, result };
}

describe("the unit context", () => {
  test("carries the instance, args with defaults and invoked triggers", async () => {
    const { seen } = await probeRun({ name: "lab", project: "home", uid: "abcdef12", args: { label: "x" }, invokedTriggers: ["cleanup"] });
    expect(seen.name).toBe("lab");
    expect(seen.instance).toEqual({ project: "home", id: "test.probe.v1:lab", type: "test.probe.v1", name: "lab", uid: "abcdef12" });
    expect(seen.args).toEqual({ size: 3, label: "x" });
    expect(seen.invokedTriggers).toEqual(["cleanup"]);
  });

  test("gives inputs as Outputs: missing optional single is undefined, missing multiple is []", async () => {
    const { seen } = await probeRun({});
    expect(seen.network).toEqual({ value: network, secret: false });
    expect(seen.backup).toBeUndefined();
    expect(seen.mirrors).toEqual([]);
  });

  test("gives multiple inputs as an array of Outputs, secret ones secret", async () => {
    const { seen } = await probeRun({
      inputs: { network, mirrors: [mirror("a"), mirror("b")] },
      secretInputs: { mirrors: [mirror("c")], backup: mirror("d") },
    });
    expect(seen.mirrors).toEqual([
      { value: mirror("a"), secret: false },
      { value: mirror("b"), secret: false },
      { value: mirror("c"), secret: true },
    ]);
    expect(seen.backup).toEqual({ value: mirror("d"), secret: true });
  });

  test("rejects two values on a single input", async () => {
    const error = await probeRun({ inputs: { network }, secretInputs: { network } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitInputError);
    expect((error as Error).message).toContain('input "network" takes one value, but 2 are connected');
  });

  test("rejects an input value that is not a valid entity and names the field", async () => {
    const error = await probeRun({ inputs: { network, mirrors: [mirror("a"), { ...mirror("b"), endpoint: "nope" }] } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnitInputError);
    expect((error as UnitInputError).input).toBe("mirrors");
    expect((error as UnitInputError).issues.map((issue) => issue.path)).toEqual(["mirrors[1].endpoint"]);
    expect((error as Error).message).toContain(
      'input "mirrors[1]" from "upstream.mirrors.v1:source-1" output "mirrors" is not a valid "test.bucket.v1": "endpoint"',
    );
  });

  test("rejects a value for an input the component does not have", async () => {
    const rawInputs = JSON.stringify({ network: [{ instanceId: "a.b.v1:x", output: "n", value: network }], extra: [] });
    const error = await probeRun({ rawConfig: { inputs: rawInputs } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitInputError);
    expect((error as Error).message).toContain('got a value for input "extra", which component "test.probe.v1" does not have');
  });

  test("refuses a config written for another component type", async () => {
    const instance = JSON.stringify({ project: "test", id: "test.other.v1:test", type: "test.other.v1", name: "test", uid: "testunit" });
    const error = await probeRun({ rawConfig: { instance } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitConfigError);
    expect((error as Error).message).toContain(
      'is of component type "test.other.v1", but the program it was run with implements "test.probe.v1"',
    );
  });
});

describe("secrets", () => {
  test("arrive as secret Outputs; secrets the component no longer declares are ignored", async () => {
    // A secret stored by an older version of the component; the kit's types refuse undeclared names, so it is cast.
    const { seen } = await probeRun({ secrets: { token: "s3cret-token", retired: "x" } as { token: string } });
    expect(seen.token).toEqual({ value: "s3cret-token", secret: true });
  });

  test("invalid secrets are rejected by field, without their value in the message", async () => {
    const error = await probeRun({ secrets: { token: "short-1" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitSecretsError);
    expect((error as UnitSecretsError).issues.map((issue) => issue.path)).toEqual(["token"]);
    expect((error as Error).message).not.toContain("short-1");
  });

  test("malformed secrets JSON is rejected without quoting it", async () => {
    const error = await probeRun({ rawConfig: { secrets: '{"token": hunter2-hunter2' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitConfigError);
    expect((error as Error).message).toContain('Config "highstate:secrets" is not valid JSON');
    expect((error as Error).message).not.toContain("hunter2");
    expect((error as Error).cause).toBeUndefined();
  });

  test("getSecret generates once per run, hands out the same Output and refuses undeclared names", async () => {
    let generated = 0;
    const { result } = await probeRun({}, async ({ getSecret }) => {
      const first = getSecret("password", () => {
        generated++;
        return pulumi.output("generated-password-1");
      });
      expect(getSecret("password", () => "other-password-2")).toBe(first);
      expect(() => (getSecret as (name: string, generate: () => string) => unknown)("undeclared", () => "x")).toThrow(
        /asked for secret "undeclared", which component "test.probe.v1" does not declare/,
      );
      return {};
    });
    expect(generated).toBe(1);
    expect(result.secrets).toEqual({ password: "generated-password-1" });
  });

  test("a generated value must satisfy the secret's schema", async () => {
    const error = await probeRun({}, async ({ getSecret }) => {
      getSecret("password", () => "too-short");
      return {};
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitSecretsError);
    expect((error as Error).message).toContain('generated a value for secret "password" that does not satisfy its schema: "password"');
    expect((error as Error).message).not.toContain("too-short");
  });

  test("getSecret after the program returned is refused", async () => {
    let late: (() => unknown) | undefined;
    await probeRun({}, async ({ getSecret }) => {
      late = () => getSecret("token", () => "late-token-value");
      return {};
    });
    expect(late).toThrow(/called getSecret\("token"\) after its program returned/);
  });
});

describe("definitions and helpers", () => {
  test("defineUnit brands the unit and runs nothing", () => {
    let called = false;
    const unit = defineUnit(probe, async () => {
      called = true;
      return {};
    });
    expect(isUnit(unit)).toBe(true);
    expect((unit as unknown as Record<symbol, unknown>)[Symbol.for("highstate.unit")]).toBe(true);
    expect(unit.component).toBe(probe);
    expect(called).toBe(false);
  });

  test("defineUnit refuses a component without source", () => {
    const composite = defineComponent({ type: "test.composite.v1", meta: { title: "Composite" } });
    expect(() => defineUnit(composite, async () => ({}))).toThrow(UnitDefinitionError);
    expect(() => defineUnit(composite, async () => ({}))).toThrow(/has no source/);
  });

  test("runUnit refuses something that is not a unit", async () => {
    await expect(runUnit({ default: {} })).rejects.toThrow(/does not default-export a unit/);
  });

  test("resourceName derives names from the instance name", () => {
    expect(resourceName({ name: "web" })).toBe("web");
    expect(resourceName({ name: "web" }, "headless")).toBe("web-headless");
    expect(() => resourceName({ name: "web" }, "")).toThrow(/must not be empty/);
  });

  test("secret() marks values, also nested Outputs, as secret", async () => {
    const marked = secret({ password: pulumi.output("p") });
    await expect(pulumi.isSecret(marked)).resolves.toBe(true);
    await expect(new Promise((resolve) => marked.apply(resolve))).resolves.toEqual({ password: "p" });
  });
});
