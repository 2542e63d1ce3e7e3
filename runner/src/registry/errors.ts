import { HighstateError } from "@highstate/contract";
/** Thrown when a component type is asked for that no installed package defines. */
export class NoSuchComponentError extends HighstateError {
  static override readonly code = "no-such-component";
  override name = "NoSuchComponentError";

  constructor(
    /** The component type id that was asked for. */
    readonly componentType: string,
    options?: ErrorOptions,
  ) {
    super(
      `Component "${componentType}" is not installed: add the package that provides it to the workspace (npm install <package>) and start again`,
      options,
    );
  }
}

/** Thrown when a plugin package's definitions module cannot be imported. */
export class DefinitionsImportError extends HighstateError {
  static override readonly code = "definitions-import-failed";
  override name = "DefinitionsImportError";

  constructor(
    /** The package name. */
    readonly packageName: string,
    /** The package version. */
    readonly packageVersion: string,
    /** The absolute path of the definitions module. */
    readonly definitionsFile: string,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause instanceof Error ? options.cause.message : String(options?.cause ?? "unknown error");
    super(
      `Could not load the definitions of package "${packageName}@${packageVersion}" from "${definitionsFile}": ${firstLine(cause)}; reinstall or update the package`,
      options,
    );
  }
}

/** Thrown when two installed packages define the same component type and the runner must not guess which one to run. */
export class DuplicateDefinitionError extends HighstateError {
  static override readonly code = "duplicate-definition";
  override name = "DuplicateDefinitionError";

  constructor(
    /** The type id defined twice. */
    readonly typeId: string,
    /** The names (with versions) of the packages that define it. */
    readonly packages: string[],
  ) {
    super(
      `Component "${typeId}" is defined by more than one package (${packages.map((name) => `"${name}"`).join(" and ")}); uninstall one of them or ask its author to rename the type`,
    );
  }
}

/** The first line of an error message; import errors can carry long stack-like texts. */
export function firstLine(text: string): string {
  const line = text.split("\n").find((part) => part.trim().length > 0) ?? text;
  return line.trim();
}
