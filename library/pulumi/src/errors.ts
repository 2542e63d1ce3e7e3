/**
 * Errors the unit runtime throws. Each names the instance (when known) and the field in quotes and
 * says what to do; none ever contains a secret value.
 */

/** The base of every error the unit runtime throws. */
export class UnitError extends Error {
  override name = "UnitError";

  constructor(
    message: string,
    /** The instance id (`<type>:<name>`) the error is about, when known. */
    readonly instanceId?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown by `defineUnit` and `runUnit` when a unit definition is unusable. */
export class UnitDefinitionError extends UnitError {
  override name = "UnitDefinitionError";
}

/** Thrown when the Highstate stack config is missing or malformed. */
export class UnitConfigError extends UnitError {
  override name = "UnitConfigError";

  constructor(
    /** The config key (without the `highstate:` namespace) that is wrong. */
    readonly key: string,
    message: string,
    instanceId?: string,
    options?: ErrorOptions,
  ) {
    super(message, instanceId, options);
  }
}

/** Thrown when the stack config was written in a format this version of `@highstate/pulumi` does not read. */
export class UnitConfigFormatError extends UnitConfigError {
  override name = "UnitConfigFormatError";

  constructor(
    /** The format the config was written in. */
    readonly found: number,
    /** The format this runtime reads. */
    readonly supported: number,
    /** Which side must be updated: the runner (config older) or `@highstate/pulumi` (config newer). */
    readonly update: "@highstate/runner" | "@highstate/pulumi",
    message: string,
  ) {
    super("format", message);
  }
}

/** One problem found in a value, with its dotted path (`ssh.port`, `endpoints[0]`). */
export interface FieldIssue {
  /** The path of the offending field inside the value, empty for the value itself. */
  path: string;
  /** What is wrong, never containing the value. */
  message: string;
}

/** The shared shape of validation errors: which thing (arg, input, output) and the field issues. */
export class UnitValidationError extends UnitError {
  override name = "UnitValidationError";

  constructor(
    message: string,
    instanceId: string | undefined,
    /** Every problem found, with field paths. */
    readonly issues: FieldIssue[],
    options?: ErrorOptions,
  ) {
    super(message, instanceId, options);
  }
}

/** Thrown when the instance's args do not satisfy the component's args schema. */
export class UnitArgsError extends UnitValidationError {
  override name = "UnitArgsError";
}

/** Thrown when the instance's secrets are invalid or a secret name is not declared by the component. */
export class UnitSecretsError extends UnitValidationError {
  override name = "UnitSecretsError";
}

/** Thrown when an input is missing, has too many values, is unknown, or its entity value is invalid. */
export class UnitInputError extends UnitValidationError {
  override name = "UnitInputError";

  constructor(
    /** The input name. */
    readonly input: string,
    message: string,
    instanceId: string | undefined,
    issues: FieldIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, instanceId, issues, options);
  }
}

/** Thrown when a returned output is missing, unknown, or does not satisfy its entity (or platform) schema. */
export class UnitOutputError extends UnitValidationError {
  override name = "UnitOutputError";

  constructor(
    /** The output name (`server`, `$terminals`). */
    readonly output: string,
    message: string,
    instanceId: string | undefined,
    issues: FieldIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, instanceId, issues, options);
  }
}
