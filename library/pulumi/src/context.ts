import type { AnyComponent, NormalizedInputSpec, UnitInputValue } from "@highstate/contract";
import * as pulumi from "@pulumi/pulumi";
import type { DecodedUnitConfig } from "./config.js";
import { UnitArgsError, UnitInputError, UnitSecretsError } from "./errors.js";
import { describeIssues, fieldIssues } from "./issues.js";
import type { UnitContext } from "./types.js";

/** The context handed to a program, and the secrets it generated (filled while the program runs). */
export interface PreparedContext {
  context: UnitContext<AnyComponent>;
  /** Secret name → generated value (a secret `Output`), for `$secrets`. */
  generatedSecrets: Map<string, pulumi.Output<string>>;
  /** Called when the program has returned: generating a secret afterwards could not reach `$secrets`. */
  seal(): void;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function prepareArgs(component: AnyComponent, id: string, raw: unknown): Record<string, unknown> {
  if (!isPlainObject(raw)) {
    throw new UnitArgsError(`Instance "${id}" has invalid args: they must be a JSON object`, id, [
      { path: "", message: "must be an object" },
    ]);
  }
  const result = component.argsSchema.safeParse(raw);
  if (result.success) return result.data as Record<string, unknown>;
  const issues = fieldIssues(result.error);
  throw new UnitArgsError(
    `Instance "${id}" has invalid args: ${describeIssues(issues)}. Fix the args in the designer or the project file`,
    id,
    issues,
  );
}

function inputSource(value: UnitInputValue): string {
  return `"${value.instanceId}" output "${value.output}"`;
}

function prepareInput(
  id: string,
  name: string,
  spec: NormalizedInputSpec,
  plain: UnitInputValue[],
  secret: UnitInputValue[],
): pulumi.Output<unknown> | pulumi.Output<unknown>[] | undefined {
  const entityType = spec.entity.type;
  const all = [...plain.map((value) => ({ value, secret: false })), ...secret.map((value) => ({ value, secret: true }))];
  if (!spec.multiple && all.length > 1) {
    throw new UnitInputError(
      name,
      `Instance "${id}" input "${name}" takes one value, but ${all.length} are connected (${all.map(({ value }) => inputSource(value)).join(", ")}): disconnect all but one`,
      id,
    );
  }
  if (spec.required && all.length === 0) {
    throw new UnitInputError(
      name,
      `Instance "${id}" requires input "${name}", but nothing is connected to it: connect an instance that outputs "${entityType}"`,
      id,
    );
  }
  const outputs = all.map(({ value, secret: isSecret }, index) => {
    const result = spec.entity.schema.safeParse(value.value);
    if (!result.success) {
      const issues = fieldIssues(result.error);
      const where = spec.multiple ? `${name}[${index}]` : name;
      throw new UnitInputError(
        name,
        `Instance "${id}" input "${where}" from ${inputSource(value)} is not a valid "${entityType}": ${describeIssues(issues)}. Run the upstream instance again or update its component`,
        id,
        issues.map((issue) => ({ ...issue, path: issue.path ? `${where}.${issue.path}` : where })),
      );
    }
    return isSecret ? pulumi.secret(result.data) : pulumi.output(result.data);
  });
  return spec.multiple ? outputs : outputs[0];
}

function prepareInputs(component: AnyComponent, config: DecodedUnitConfig): Record<string, unknown> {
  const id = config.instance.id;
  for (const name of [...Object.keys(config.inputs), ...Object.keys(config.secretInputs)]) {
    if (!(name in component.inputs)) {
      throw new UnitInputError(
        name,
        `Instance "${id}" got a value for input "${name}", which component "${component.type}" does not have: the runner and the installed component disagree, restart the runner after updating packages`,
        id,
      );
    }
  }
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(component.inputs as Record<string, NormalizedInputSpec>)) {
    inputs[name] = prepareInput(id, name, spec, config.inputs[name] ?? [], config.secretInputs[name] ?? []);
  }
  return inputs;
}

function prepareSecrets(component: AnyComponent, id: string, raw: unknown): Record<string, unknown> {
  if (!isPlainObject(raw)) {
    throw new UnitSecretsError(`Instance "${id}" has invalid secrets: they must be a JSON object`, id, [
      { path: "", message: "must be an object" },
    ]);
  }
  // Secrets the component no longer declares (e.g. after an update) are left out rather than failing the run.
  const declared: Record<string, unknown> = {};
  for (const name of Object.keys(component.secrets)) if (raw[name] !== undefined) declared[name] = raw[name];
  const result = component.secretsSchema.safeParse(declared);
  if (!result.success) {
    const issues = fieldIssues(result.error);
    throw new UnitSecretsError(
      `Instance "${id}" has invalid secrets: ${describeIssues(issues)}. Set them in the designer's secrets dialog`,
      id,
      issues,
    );
  }
  return result.data as Record<string, unknown>;
}

/**
 * Validates args, inputs and secrets against the component and builds the context a program receives.
 *
 * @throws UnitArgsError, UnitInputError or UnitSecretsError naming the instance and the field.
 */
export function prepareContext(component: AnyComponent, config: DecodedUnitConfig): PreparedContext {
  const { instance } = config;
  const id = instance.id;
  const args = prepareArgs(component, id, config.args);
  const inputs = prepareInputs(component, config);
  const plainSecrets = prepareSecrets(component, id, config.secrets);
  const secrets: Record<string, pulumi.Output<unknown> | undefined> = {};
  for (const name of Object.keys(component.secrets)) {
    secrets[name] = plainSecrets[name] === undefined ? undefined : pulumi.secret(plainSecrets[name]);
  }
  const generatedSecrets = new Map<string, pulumi.Output<string>>();
  const handedOut = new Map<string, pulumi.Output<string>>();
  let sealed = false;

  const getSecret = (name: string, generate: () => pulumi.Input<string>): pulumi.Output<string> => {
    const schema = (component.secrets as Record<string, { safeParse(value: unknown): { success: boolean; error?: unknown } }>)[name];
    if (schema === undefined) {
      throw new UnitSecretsError(
        `Instance "${id}" asked for secret "${name}", which component "${component.type}" does not declare: add it to the component's secrets (e.g. ${name}: z.string().optional())`,
        id,
        [{ path: name, message: "not declared" }],
      );
    }
    const known = handedOut.get(name);
    if (known) return known;
    let result: pulumi.Output<string>;
    if (plainSecrets[name] !== undefined) {
      result = secrets[name] as pulumi.Output<string>;
    } else {
      if (sealed) {
        throw new UnitSecretsError(
          `Instance "${id}" called getSecret("${name}") after its program returned, so the generated value could not be saved: call getSecret before returning`,
          id,
          [{ path: name, message: "generated too late" }],
        );
      }
      if (typeof generate !== "function") {
        throw new UnitSecretsError(`Instance "${id}" called getSecret("${name}") without a generate function`, id, [
          { path: name, message: "no generator" },
        ]);
      }
      result = pulumi.secret(pulumi.output(generate())).apply((value) => {
        const check = schema.safeParse(value);
        if (typeof value !== "string" || !check.success) {
          const issues = check.success ? [{ path: name, message: "must be a string" }] : fieldIssues(check.error as never, name);
          throw new UnitSecretsError(
            `Instance "${id}" generated a value for secret "${name}" that does not satisfy its schema: ${describeIssues(issues)}. Fix the generator in the unit program`,
            id,
            issues,
          );
        }
        return value;
      });
      generatedSecrets.set(name, result);
    }
    handedOut.set(name, result);
    return result;
  };

  const context = {
    name: instance.name,
    instance: Object.freeze({ ...instance }),
    args,
    inputs,
    secrets,
    getSecret,
    invokedTriggers: Object.freeze([...config.invokedTriggers]),
  } as unknown as UnitContext<AnyComponent>;
  return {
    context,
    generatedSecrets,
    seal: () => {
      sealed = true;
    },
  };
}
