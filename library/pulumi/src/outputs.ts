import type { AnyComponent, NormalizedInputSpec } from "@highstate/contract";
import * as pulumi from "@pulumi/pulumi";
import { UnitOutputError } from "./errors.js";
import { describeIssues, fieldIssues } from "./issues.js";

function validateEntityValue(
  id: string,
  component: AnyComponent,
  name: string,
  spec: NormalizedInputSpec,
  value: unknown,
  index?: number,
): unknown {
  const where = index === undefined ? name : `${name}[${index}]`;
  const result = spec.entity.schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new UnitOutputError(
    name,
    `Instance "${id}" output "${where}" is not a valid "${spec.entity.type}": ${describeIssues(issues)}. Fix the program of component "${component.type}"`,
    id,
    issues.map((issue) => ({ ...issue, path: issue.path ? `${where}.${issue.path}` : where })),
  );
}

function validateOutput(id: string, component: AnyComponent, name: string, spec: NormalizedInputSpec, value: unknown): unknown {
  if (value === undefined || value === null) {
    if (spec.required) {
      throw new UnitOutputError(
        name,
        `Instance "${id}" output "${name}" resolved to ${value}, but the output is required: return a "${spec.entity.type}" value`,
        id,
      );
    }
    return spec.multiple ? [] : undefined;
  }
  if (!spec.multiple) return validateEntityValue(id, component, name, spec, value);
  if (!Array.isArray(value)) {
    throw new UnitOutputError(
      name,
      `Instance "${id}" output "${name}" takes any number of values and must be an array of "${spec.entity.type}" values`,
      id,
    );
  }
  return value.map((item, index) => validateEntityValue(id, component, name, spec, item, index));
}

/**
 * Turns the entity outputs a program returned into stack outputs: each an `Output` that resolves to
 * the validated entity value (defaults applied) and stays secret when any part of it was secret.
 * Validation runs inside `apply`, so values that are still unknown during a preview are not checked.
 *
 * @throws UnitOutputError for a missing required output or an unknown output name; the returned
 * `Output`s reject with a UnitOutputError naming the output and field when a value is invalid.
 */
export function prepareEntityOutputs(
  component: AnyComponent,
  id: string,
  returned: Record<string, unknown>,
): Record<string, pulumi.Output<unknown>> {
  const specs = component.outputs as Record<string, NormalizedInputSpec>;
  for (const name of Object.keys(returned)) {
    if (name.startsWith("$") || name in specs) continue;
    const known = Object.keys(specs);
    throw new UnitOutputError(
      name,
      `Instance "${id}" returned "${name}", which is not an output of component "${component.type}" (${known.length > 0 ? `its outputs are ${known.map((key) => `"${key}"`).join(", ")}` : "it has no outputs"}): remove it or declare it in the component's outputs`,
      id,
    );
  }
  const outputs: Record<string, pulumi.Output<unknown>> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = returned[name];
    if (value === undefined) {
      if (spec.required) {
        throw new UnitOutputError(
          name,
          `Instance "${id}" did not return output "${name}", which is required: return a "${spec.entity.type}" value`,
          id,
        );
      }
      if (spec.multiple) outputs[name] = pulumi.output([]);
      continue;
    }
    outputs[name] = pulumi.output(value).apply((resolved) => validateOutput(id, component, name, spec, resolved));
  }
  return outputs;
}
