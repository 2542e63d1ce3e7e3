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
