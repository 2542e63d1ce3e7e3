import { describe, expect, test } from "vitest";
import { expectedDefaults, scenarios } from "./__fixtures__/scenarios.js";
import { UnitArgsError, UnitConfigFormatError, UnitInputError, UnitOutputError } from "./errors.js";
import { testUnit } from "./test/index.js";

describe.each(scenarios)("$title", (scenario) => {
  test("applies the defaults of the args", async () => {
    const result = await testUnit(await scenario.load(), scenario.options);
    expect(scenario.defaults(result)).toEqual(expectedDefaults[scenario.title]);
  });

  test("rejects bad args and names the field", async () => {
    const unit = await scenario.load();
    const run = testUnit(unit, { ...scenario.options, args: { ...(scenario.options.args ?? {}), ...scenario.badArgs.args } });
    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitArgsError);
    expect((error as UnitArgsError).message).toContain(
      `Instance "${unit.component.type}:test" has invalid args: "${scenario.badArgs.field}"`,
    );
    expect((error as UnitArgsError).issues.map((issue) => issue.path)).toEqual([scenario.badArgs.field]);
  });

  test("rejects a missing required input", async () => {
    const unit = await scenario.load();
    const { inputs = {}, secretInputs = {} } = scenario.options as { inputs?: object; secretInputs?: object };
    const without = <T extends object>(values: T) =>
      Object.fromEntries(Object.entries(values).filter(([name]) => name !== scenario.requiredInput));
    const error = await testUnit(unit, { ...scenario.options, inputs: without(inputs), secretInputs: without(secretInputs) }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnitInputError);
    expect((error as UnitInputError).input).toBe(scenario.requiredInput);
    expect((error as Error).message).toMatch(new RegExp(`requires input "${scenario.requiredInput}", but nothing is connected to it`));
  });

  test("returns a generated secret in $secrets and reuses it when given back", async () => {
    const unit = await scenario.load();
    const { name, used } = scenario.generatedSecret;
    const first = await testUnit(unit, scenario.options);
    const generated = first.secrets[name];
    expect(typeof generated).toBe("string");
    expect(Object.keys(first.secrets)).toEqual([name]);
    expect(used(first)).toBe(generated);
    expect(first.secretOutputs).toContain("$secrets");

    const baseSecrets = (scenario.options.secrets ?? {}) as Record<string, unknown>;
    const second = await testUnit(unit, { ...scenario.options, secrets: { ...baseSecrets, ...first.secrets } });
    expect(second.secrets).toEqual({});
    expect(used(second)).toBe(generated);

    // Without the stored value a fresh one is generated, so reuse above is not a coincidence.
    const third = await testUnit(unit, scenario.options);
    expect(third.secrets[name]).not.toBe(generated);
  });

  test("keeps secret outputs secret", async () => {
    const result = await testUnit(await scenario.load(), scenario.options);
    for (const name of scenario.secretOutputs) expect(result.secretOutputs, name).toContain(name);
    for (const name of scenario.plainOutputs) expect(result.secretOutputs, name).not.toContain(name);
  });

  test("rejects an output that does not match its entity and names the field", async () => {
    const unit = await scenario.load();
    const error = await testUnit(unit, { ...scenario.options, mocks: scenario.invalidOutput.mocks }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnitOutputError);
    expect((error as UnitOutputError).output).toBe(scenario.invalidOutput.output);
    expect((error as UnitOutputError).issues.map((issue) => issue.path)).toContain(scenario.invalidOutput.path);
    const field = scenario.invalidOutput.path.slice(scenario.invalidOutput.output.length + 1);
    expect((error as Error).message).toContain(`output "${scenario.invalidOutput.output}" is not a valid`);
    expect((error as Error).message).toContain(`"${field}"`);
  });

  test("refuses a config in a newer format and says to update @highstate/pulumi", async () => {
    const error = await testUnit(await scenario.load(), { ...scenario.options, rawConfig: { format: "2" } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnitConfigFormatError);
    expect((error as UnitConfigFormatError).update).toBe("@highstate/pulumi");
    expect((error as Error).message).toMatch(
      /wrote the unit config in format 2, but @highstate\/pulumi \S+ reads only format 1: update @highstate\/pulumi/,
    );
  });

  test("refuses a config in an older format and says to update the runner", async () => {
    const error = await testUnit(await scenario.load(), { ...scenario.options, rawConfig: { format: "0" } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnitConfigFormatError);
    expect((error as UnitConfigFormatError).update).toBe("@highstate/runner");
    expect((error as Error).message).toContain("update @highstate/runner to a version that writes format 1");
  });
});
