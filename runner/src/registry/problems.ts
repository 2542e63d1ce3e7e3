/** The kinds of problems found while discovering packages and building the registry. */
export type RegistryProblemCode =
  /** A package's `highstate` field does not name a definitions module. */
  | "invalid-marker"
  /** A package's definitions module does not exist (not built, or a broken install). */
  | "missing-definitions"
  /** A package's definitions module threw or failed to load. */
  | "import-failed"
  /** A package's definitions module exports no entity and no component. */
  | "no-definitions"
  /** A definition could not be turned into its registry form. */
  | "invalid-definition"
  /** Two packages (or two definitions of one package) define the same type id. */
  | "duplicate-type"
  /** A component's `source.package` is not the package that exports it. */
  | "source-package-mismatch"
  /** A component's `source.path` is not a subpath export of its package. */
  | "source-path-not-exported"
  /** A package's definitions module loads a Pulumi module (`@pulumi/*`). */
  | "definitions-load-pulumi";

/** One problem found while building the registry; the rest of the registry still loads. */
export interface RegistryProblem {
  code: RegistryProblemCode;
  /** `error` when definitions are missing from the registry because of it, `warning` otherwise. */
  severity: "error" | "warning";
  /** The names of the packages concerned (both packages for a duplicate). */
  packages: string[];
  /** The type id concerned, when there is one. */
  type?: string;
  /** A sentence naming the package(s) and the cause, and saying what to do. */
  message: string;
  /** The underlying error message, when there is one. */
  cause?: string;
}

/**
 * Whether a problem may go away without any package's version or definitions file changing (an import
 * can fail because of a dependency that gets installed later), so a registry with it is not cached.
 */
export function isTransientProblem(problem: RegistryProblem): boolean {
  return problem.code === "import-failed";
}
