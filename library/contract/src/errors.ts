/**
 * The marker every Highstate error carries, registered in the global symbol registry: an error thrown by
 * one copy of a Highstate package (a second `node_modules` copy, a bundled copy) is still recognised by
 * another, where `instanceof` on the class alone would say no.
 */
const highstateErrorMarker: unique symbol = Symbol.for("highstate.error");

/**
 * The base of every error Highstate raises on purpose (the contract's and the runner's). Each subclass
 * sets a stable `static code` (kebab-case, e.g. `project-not-found`) that every instance carries as
 * `code`: programs branch on the code, never on the class name or the message; the message is for
 * people (it names the thing and says what to do) and may be improved at any time.
 *
 * `error instanceof HighstateError` and `isHighstateError(error)` hold for errors from any copy of the
 * package (they check the `Symbol.for("highstate.error")` marker); `instanceof` a subclass still checks
 * that class.
 */
export class HighstateError extends Error {
  /** The code of errors of this class; every subclass sets its own. */
  static readonly code: string = "highstate-error";

  override name = "HighstateError";

  /** Stable, machine-readable kind of this error (the `static code` of its class). */
  readonly code: string;

  declare readonly [highstateErrorMarker]: true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = (new.target as typeof HighstateError).code;
    Object.defineProperty(this, highstateErrorMarker, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // For the base class: any copy's Highstate error. For subclasses: the ordinary prototype check.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`
    if (this === HighstateError) return isHighstateError(value);
    // biome-ignore lint/complexity/noThisInStatic: as above
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/**
 * Whether `value` is a Highstate error (from any copy of the package), optionally with one of the given
 * codes: `isHighstateError(error, "project-not-found")`.
 */
export function isHighstateError(value: unknown, ...codes: string[]): value is HighstateError {
  if (typeof value !== "object" || value === null || (value as { [highstateErrorMarker]?: unknown })[highstateErrorMarker] !== true)
    return false;
  return codes.length === 0 || codes.includes((value as { code?: unknown }).code as string);
}

/** Thrown when an entity or component definition is invalid; the message names the definition and field. */
export class DefinitionError extends HighstateError {
  static override readonly code = "invalid-definition";

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
export class DuplicateTypeError extends HighstateError {
  static override readonly code = "duplicate-type";

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
