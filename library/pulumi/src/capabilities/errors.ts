import type { FieldIssue } from "../errors.js";

/**
 * The base of every capability error. Each names the package, the capability and the instance that
 * asked for it, and says what to do; none ever contains a secret value.
 */
export class CapabilityError extends Error {
  override name = "CapabilityError";

  constructor(
    /** The npm package named by the entity's `implRef.package`. */
    readonly packageName: string,
    /** The capability asked for, for example `dns-record`. */
    readonly capability: string,
    /** The instance (`<type>:<name>`) whose program asked for it, when known. */
    readonly instanceId: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown when the package an `implRef` names is not installed where the unit runs. */
export class CapabilityPackageNotFoundError extends CapabilityError {
  override name = "CapabilityPackageNotFoundError";
}

/** Thrown when the package is installed but has no `./impl/<capability>` export. */
export class CapabilityNotImplementedError extends CapabilityError {
  override name = "CapabilityNotImplementedError";
}

/** Thrown when the `./impl/<capability>` module cannot be loaded or does not export one implementation of the capability. */
export class CapabilityModuleError extends CapabilityError {
  override name = "CapabilityModuleError";
}

/** Thrown when a value crossing the capability boundary (`data`, request or result) does not match its schema. */
export class CapabilityValidationError extends CapabilityError {
  override name = "CapabilityValidationError";

  constructor(
    packageName: string,
    capability: string,
    instanceId: string | undefined,
    /** Which value is wrong: the entity's `implRef.data`, the consumer's request or the implementation's result. */
    readonly part: "data" | "request" | "result",
    /** Every problem found, with field paths relative to the value (`zoneIds.example.com`). */
    readonly issues: FieldIssue[],
    message: string,
    options?: ErrorOptions,
  ) {
    super(packageName, capability, instanceId, message, options);
  }
}
