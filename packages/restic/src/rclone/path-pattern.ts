import { InvalidPathPatternError } from "./errors.js";

/** The variables a repository path pattern may use. */
export const pathPatternVariables = ["clusterName", "appName", "instanceName"] as const;
/** A variable of a repository path pattern. */
export type PathPatternVariable = (typeof pathPatternVariables)[number];

/** The default path pattern: one repository per app and cluster. */
export const defaultPathPattern = "backups/$clusterName/$appName";

const variablePattern = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const valuePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks a path pattern: `$name` or `${name}` only for the known variables, no `..` segments, no
 * empty segments in the middle, no characters that rclone or a shell would read differently.
 *
 * @throws InvalidPathPatternError naming the pattern and what is wrong with it.
 */
export function validatePathPattern(pattern: string, where = "the path pattern"): void {
  if (pattern.trim() === "") throw new InvalidPathPatternError(`${where} is empty: use something like "${defaultPathPattern}"`);
  for (const match of pattern.matchAll(variablePattern)) {
    const name = match[1] ?? match[2]!;
    if (!(pathPatternVariables as readonly string[]).includes(name)) {
      throw new InvalidPathPatternError(
        `${where} "${pattern}" uses "$${name}", which is not a variable: use ${pathPatternVariables.map((variable) => `$${variable}`).join(", ")}`,
      );
    }
  }
  const withoutVariables = pattern.replace(variablePattern, "x");
  if (withoutVariables.includes("$")) throw new InvalidPathPatternError(`${where} "${pattern}" has a "$" that does not start a variable`);
  if (/[\s"'`\\:]/.test(withoutVariables)) {
    throw new InvalidPathPatternError(
      `${where} "${pattern}" contains a space, quote, backslash or colon: use letters, digits, "/", "-", "_" and "."`,
    );
  }
  const segments = withoutVariables.replace(/^\/+/, "").replace(/\/+$/, "").split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new InvalidPathPatternError(`${where} "${pattern}" has an empty, "." or ".." path segment`);
  }
}

/**
 * Replaces the variables of a (valid) path pattern. Every value must be a plain name (letters,
 * digits, `.`, `_`, `-`), so a value can never climb out of the pattern's directory.
 *
 * @throws InvalidPathPatternError when the pattern is invalid or a value is missing or not a plain name.
 */
export function resolvePathPattern(pattern: string, values: Record<PathPatternVariable, string>, where = "the path pattern"): string {
  validatePathPattern(pattern, where);
  return pattern.replace(variablePattern, (_text, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as PathPatternVariable;
    const value = values[name];
    if (typeof value !== "string" || !valuePattern.test(value)) {
      throw new InvalidPathPatternError(
        `${where} "${pattern}": $${name} is "${String(value)}", which is not a plain name (letters, digits, ".", "_", "-")`,
      );
    }
    return value;
  });
}
