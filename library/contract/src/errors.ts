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

/**
 * Thrown by `buildRegistry` when two different definitions share one type id: the registry could only
 * keep one of them, and the runner would run (or validate with) the wrong one.
 */
export class DuplicateTypeError extends Error {
  override name = "DuplicateTypeError";

  constructor(
    /** `entity` or `component`. */
    readonly kind: "entity" | "component",
    /** The type id defined twice. */
    readonly type: string,
    /** The packages of the two definitions (the same name twice when one package defines it twice). */
    readonly packages: readonly [string, string],
  ) {
    super(
      packages[0] === packages[1]
        ? `${kind === "entity" ? "Entity" : "Component"} "${type}" is defined twice by package "${packages[0]}": give one of the definitions another type id (or bump its version, e.g. ".v2")`
        : `${kind === "entity" ? "Entity" : "Component"} "${type}" is defined by both "${packages[0]}" and "${packages[1]}": a type id belongs to one package; rename one of them`,
    );
  }
}
