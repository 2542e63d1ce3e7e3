/** Thrown when an entity or component definition is invalid; the message names the definition and field. */
export class DefinitionError extends Error {
  override name = "DefinitionError";

  constructor(
    /** The type id (or what was given as one) of the offending definition. */
    readonly definition: string,
    /** The field of the definition that is wrong, e.g. `inputs.server` or `args.port`. */
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid definition "${definition}", field "${field}": ${message}`, options);
  }
}
