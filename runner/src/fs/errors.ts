/** Where in a file a problem is: a line and column (1-based) and/or a path to the offending value. */
import { HighstateError } from "@highstate/contract";
export interface FileLocation {
  /** 1-based line number. */
  line?: number;
  /** 1-based column number. */
  column?: number;
  /** Path to the offending value, e.g. `instances[2].args` or `config.highstate:secrets.web.password`. */
  path?: string;
}

const identifierPattern = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path to a value inside a document: identifiers joined with dots, other keys in quoted
 * brackets and array indexes in brackets, e.g. `instances[2].args` or `config["highstate:secrets"]`.
 */
export function formatValuePath(segments: ReadonlyArray<string | number>): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (identifierPattern.test(segment)) path += path === "" ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

function describeLocation(location: FileLocation | undefined): string {
  if (!location) return "";
  const parts: string[] = [];
  if (location.line !== undefined)
    parts.push(location.column !== undefined ? `line ${location.line}, column ${location.column}` : `line ${location.line}`);
  if (location.path !== undefined && location.path !== "") parts.push(`at "${location.path}"`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/**
 * Thrown when a workspace file cannot be read by this version of Highstate: invalid syntax, an unknown
 * format version, unknown fields or wrong types. The file is never overwritten while it is unreadable;
 * the message names the file, where the problem is and what it is.
 */
export class UnreadableFileError extends HighstateError {
  static override readonly code = "unreadable-file";
  override name = "UnreadableFileError";

  /** The absolute path of the file. */
  readonly file: string;
  /** Where in the file the problem is, when known. */
  readonly location: FileLocation | undefined;
  /** What is wrong, in a sentence. */
  readonly problem: string;

  constructor(file: string, problem: string, location?: FileLocation, options?: ErrorOptions) {
    super(
      `Cannot read "${file}"${describeLocation(location)}: ${problem}. Fix the file by hand (or restore it from version control); it is left untouched.`,
      options,
    );
    this.file = file;
    this.problem = problem;
    this.location = location;
  }
}
