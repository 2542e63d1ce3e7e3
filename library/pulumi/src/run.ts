import type * as pulumi from "@pulumi/pulumi";
import { readUnitConfig } from "./config.js";
import { prepareContext } from "./context.js";
import { UnitConfigError, UnitDefinitionError, UnitOutputError } from "./errors.js";
import { prepareEntityOutputs } from "./outputs.js";
import { preparePlatformOutputs } from "./platform.js";
import { isUnit } from "./unit.js";

/**
 * The stack outputs of a unit run: one `Output` per entity output (the validated entity value, or an
 * array for multiple outputs) plus the platform fields `$statusFields`, `$terminals`, `$pages`,
 * `$triggers` (normalised arrays) and `$secrets` (generated secrets, name → value). An output is a
 * Pulumi secret when any part of it was secret.
 */
export type UnitStackOutputs = Record<string, pulumi.Output<unknown>>;

/**
 * Runs a unit inside a Pulumi program: reads the `highstate:*` stack config, validates args, inputs
 * and secrets against the unit's component, calls the program with a typed context, validates the
 * outputs and returns them as the stack outputs. The runner's generated entry is exactly:
 *
 * ```ts
 * import { runUnit } from "@highstate/pulumi";
 * import unit from "<source.package>/<source.path>";
 * export default () => runUnit(unit);
 * ```
 *
 * @throws UnitDefinitionError when `unit` is not a unit created with `defineUnit`.
 * @throws UnitConfigFormatError when the config format differs from the one this version reads.
 * @throws UnitConfigError, UnitArgsError, UnitInputError, UnitSecretsError naming the instance and the field.
 * @throws UnitOutputError when a required output is missing or an output name is unknown; invalid
 * output values reject the corresponding stack output (and so fail the run) with a UnitOutputError.
 */
export async function runUnit(unit: unknown): Promise<UnitStackOutputs> {
  if (!isUnit(unit)) {
    throw new UnitDefinitionError(
      "The module given to runUnit does not default-export a unit: its default export must be defineUnit(component, program) from @highstate/pulumi",
    );
  }
  const component = unit.component;
  const config = readUnitConfig();
  const id = config.instance.id;
  if (config.instance.type !== component.type) {
    throw new UnitConfigError(
      "instance",
      `Instance "${id}" is of component type "${config.instance.type}", but the program it was run with implements "${component.type}": the component's source points at the wrong program`,
      id,
    );
  }
  const { context, generatedSecrets, seal } = prepareContext(component, config);
  let returned: unknown;
  try {
    returned = await (unit.program as (context: unknown) => unknown)(context);
  } finally {
    seal();
  }
  if (typeof returned !== "object" || returned === null || Array.isArray(returned)) {
    throw new UnitOutputError("", `The program of instance "${id}" must return an object of outputs (return {} when it has none)`, id);
  }
  const record = returned as Record<string, unknown>;
  const entityOutputs = prepareEntityOutputs(component, id, record);
  // Platform fields are prepared after the program finished, so `$secrets` sees every getSecret call.
  const platformOutputs = preparePlatformOutputs(id, record, generatedSecrets);
  return { ...entityOutputs, ...platformOutputs };
}
