import { z } from "zod";

/**
 * The stack configuration the runner writes for every unit instance and the `@highstate/pulumi`
 * runtime reads. All keys live under the `highstate` Pulumi config namespace (`highstate:<key>`), and
 * every value is a JSON string. Secret values (`secrets`, `secretInputs`) are written as `secure:`
 * values in Pulumi's passphrase format, never in plaintext.
 */
export const unitConfigNamespace = "highstate";

/**
 * The version of this configuration format. The runtime refuses a config with another version and
 * says which side to update.
 */
export const unitConfigFormatVersion = 1;

/** The config keys (without the namespace). */
export const unitConfigKeys = {
  /** The format version, a JSON number. */
  format: "format",
  /** The instance, see {@link unitInstanceConfigSchema}. */
  instance: "instance",
  /** The instance's args as the user set them (the runtime applies defaults and validates). */
  args: "args",
  /** Resolved non-secret inputs, see {@link unitInputsConfigSchema}. */
  inputs: "inputs",
  /** Resolved inputs whose upstream output is secret (same shape, stored as a secure value). */
  secretInputs: "secretInputs",
  /** The instance's secrets as a JSON object (stored as a secure value). */
  secrets: "secrets",
  /** Names of the triggers invoked for this run, a JSON array. */
  invokedTriggers: "invokedTriggers",
} as const;

/** Which instance a stack belongs to. */
export const unitInstanceConfigSchema = z
  .object({
    /** The project the instance is in. */
    project: z.string().min(1),
    /** The instance id, `<type>:<name>`. */
    id: z.string().min(1),
    /** The component type id. */
    type: z.string().min(1),
    /** The instance name, used for resource names. */
    name: z.string().min(1),
    /** The stable stack identity of the instance. */
    uid: z.string().min(1),
  })
  .strict();
export type UnitInstanceConfig = z.output<typeof unitInstanceConfigSchema>;

/** One resolved input value: which upstream output it came from and the entity value itself. */
export const unitInputValueSchema = z
  .object({
    instanceId: z.string().min(1),
    output: z.string().min(1),
    value: z.unknown(),
  })
  .strict();
export type UnitInputValue = z.output<typeof unitInputValueSchema>;

/** Input name → the values feeding it, in connection order (single inputs have at most one). */
export const unitInputsConfigSchema = z.record(z.string(), z.array(unitInputValueSchema));
export type UnitInputsConfig = z.output<typeof unitInputsConfigSchema>;

/** Invoked trigger names. */
export const unitInvokedTriggersSchema = z.array(z.string());

/** What a unit run is configured with, before it is encoded as stack config. */
export interface UnitConfigInput {
  /** The instance the stack belongs to. */
  instance: UnitInstanceConfig;
  /** The instance's args as the user set them. */
  args?: Record<string, unknown>;
  /** Resolved non-secret inputs. */
  inputs?: UnitInputsConfig;
  /** Resolved inputs whose upstream output is secret. */
  secretInputs?: UnitInputsConfig;
  /** The instance's secrets (name → value). */
  secrets?: Record<string, unknown>;
  /** Names of the triggers invoked for this run. */
  invokedTriggers?: string[];
}

/** A unit's stack config ready to write: full key (`highstate:<key>`) → JSON string, and the keys to store as secrets. */
export interface EncodedUnitConfig {
  /** Every `highstate:<key>` config value, each a JSON string. */
  values: Record<string, string>;
  /** The full keys whose values must be written as `secure:` values (`highstate:secrets`, `highstate:secretInputs`). */
  secretKeys: string[];
}

/**
 * Encodes a unit run as stack config in the current format. The runner writes the result into
 * `Pulumi.<stack>.yaml` (secret keys encrypted) and `@highstate/pulumi/test` installs it under mocks,
 * so both speak exactly the format `runUnit` reads.
 */
export function encodeUnitConfig(input: UnitConfigInput): EncodedUnitConfig {
  const key = (name: keyof typeof unitConfigKeys) => `${unitConfigNamespace}:${unitConfigKeys[name]}`;
  return {
    values: {
      [key("format")]: JSON.stringify(unitConfigFormatVersion),
      [key("instance")]: JSON.stringify(input.instance),
      [key("args")]: JSON.stringify(input.args ?? {}),
      [key("inputs")]: JSON.stringify(input.inputs ?? {}),
      [key("secretInputs")]: JSON.stringify(input.secretInputs ?? {}),
      [key("secrets")]: JSON.stringify(input.secrets ?? {}),
      [key("invokedTriggers")]: JSON.stringify(input.invokedTriggers ?? []),
    },
    secretKeys: [key("secrets"), key("secretInputs")],
  };
}
