import {
  type UnitInputsConfig,
  type UnitInstanceConfig,
  unitConfigFormatVersion,
  unitConfigKeys,
  unitConfigNamespace,
  unitInputsConfigSchema,
  unitInstanceConfigSchema,
  unitInvokedTriggersSchema,
} from "@highstate/contract";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import packageJson from "../package.json" with { type: "json" };
import { UnitConfigError, UnitConfigFormatError } from "./errors.js";
import { describeIssues, fieldIssues } from "./issues.js";

/** The stack config of a unit, decoded and checked for shape (args and secrets are checked later, against the component). */
export interface DecodedUnitConfig {
  /** The instance the stack belongs to. */
  instance: UnitInstanceConfig;
  /** The args as the user set them. */
  args: unknown;
  /** Resolved non-secret inputs. */
  inputs: UnitInputsConfig;
  /** Resolved secret inputs. */
  secretInputs: UnitInputsConfig;
  /** The instance's secrets as a JSON value (an object when well-formed). */
  secrets: unknown;
  /** Names of the triggers invoked for this run. */
  invokedTriggers: string[];
}

type ConfigKey = keyof typeof unitConfigKeys;

const secretKeys = new Set<ConfigKey>(["secrets", "secretInputs"]);

function fullKey(key: ConfigKey): string {
  return `${unitConfigNamespace}:${unitConfigKeys[key]}`;
}

function parseJson(key: ConfigKey, raw: string, instanceId?: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    // JSON.parse quotes the text it failed on, so a secret value must not reach the message or the cause.
    const detail = secretKeys.has(key) ? "" : `: ${(error as Error).message}`;
    throw new UnitConfigError(
      key,
      `Config "${fullKey(key)}" is not valid JSON${detail}; the runner writes every Highstate config value as a JSON string`,
      instanceId,
      secretKeys.has(key) ? undefined : { cause: error },
    );
  }
}

function checkFormat(raw: string | undefined): void {
  if (raw === undefined) {
    throw new UnitConfigError(
      "format",
      `The stack has no "${fullKey("format")}" config: unit programs are run by the Highstate runner (or @highstate/pulumi/test), which writes it`,
    );
  }
  const format = parseJson("format", raw);
  if (typeof format !== "number" || !Number.isInteger(format) || format < 0) {
    throw new UnitConfigError("format", `Config "${fullKey("format")}" must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  if (format > unitConfigFormatVersion) {
    throw new UnitConfigFormatError(
      format,
      unitConfigFormatVersion,
      "@highstate/pulumi",
      `The runner wrote the unit config in format ${format}, but @highstate/pulumi ${packageJson.version} reads only format ${unitConfigFormatVersion}: update @highstate/pulumi (the component package that contains this unit program) to a version that matches the runner`,
    );
  }
  if (format < unitConfigFormatVersion) {
    throw new UnitConfigFormatError(
      format,
      unitConfigFormatVersion,
      "@highstate/runner",
      `The runner wrote the unit config in format ${format}, but @highstate/pulumi ${packageJson.version} reads only format ${unitConfigFormatVersion}: update @highstate/runner to a version that writes format ${unitConfigFormatVersion}`,
    );
  }
}

function parseWith<T extends z.ZodType>(
  key: ConfigKey,
  raw: string | undefined,
  schema: T,
  fallback: z.output<T>,
  instanceId?: string,
): z.output<T> {
  if (raw === undefined) return fallback;
  const result = schema.safeParse(parseJson(key, raw, instanceId));
  if (result.success) return result.data;
  throw new UnitConfigError(key, `Config "${fullKey(key)}" is malformed: ${describeIssues(fieldIssues(result.error))}`, instanceId);
}

/**
 * Decodes the Highstate stack config from a lookup of full keys (`highstate:format`). Refuses a
 * config in another format with a message saying whether the runner or `@highstate/pulumi` must be
 * updated.
 *
 * @throws UnitConfigFormatError when the format differs from `unitConfigFormatVersion`.
 * @throws UnitConfigError when a key is missing or malformed.
 */
export function decodeUnitConfig(lookup: (key: string) => string | undefined): DecodedUnitConfig {
  checkFormat(lookup(fullKey("format")));
  const rawInstance = lookup(fullKey("instance"));
  if (rawInstance === undefined) {
    throw new UnitConfigError("instance", `The stack has no "${fullKey("instance")}" config; the runner writes it for every unit`);
  }
  const instance = parseWith("instance", rawInstance, unitInstanceConfigSchema, undefined as never);
  const id = instance.id;
  const rawArgs = lookup(fullKey("args"));
  const rawSecrets = lookup(fullKey("secrets"));
  return {
    instance,
    args: rawArgs === undefined ? {} : parseJson("args", rawArgs, id),
    inputs: parseWith("inputs", lookup(fullKey("inputs")), unitInputsConfigSchema, {}, id),
    secretInputs: parseWith("secretInputs", lookup(fullKey("secretInputs")), unitInputsConfigSchema, {}, id),
    secrets: rawSecrets === undefined ? {} : parseJson("secrets", rawSecrets, id),
    invokedTriggers: parseWith("invokedTriggers", lookup(fullKey("invokedTriggers")), unitInvokedTriggersSchema, [], id),
  };
}

/** Reads and decodes the Highstate stack config of the running Pulumi program. */
export function readUnitConfig(): DecodedUnitConfig {
  return decodeUnitConfig((key) => pulumi.runtime.getConfig(key));
}
