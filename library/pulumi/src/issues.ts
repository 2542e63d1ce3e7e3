import type { z } from "zod";
import type { FieldIssue } from "./errors.js";

/** Formats a property path as `a.b[0].c`, prefixed by `prefix` when given. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ""): string {
  let result = prefix;
  for (const segment of path) {
    if (typeof segment === "number") result += `[${segment}]`;
    else result += result.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return result;
}

/**
 * Turns zod issues into field issues. Messages are zod's, which describe the expected shape and
 * never echo the received value, so they are safe for secrets too.
 */
export function fieldIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const keys = (issue as { keys: string[] }).keys;
      return {
        path: formatPath([...issue.path, keys.join(",")], prefix),
        message: `unknown field${keys.length > 1 ? "s" : ""} ${keys.map((key) => `"${key}"`).join(", ")}: remove ${keys.length > 1 ? "them" : "it"} or check the spelling`,
      };
    }
    return { path: formatPath(issue.path, prefix), message: issue.message };
  });
}

/** Renders issues as one sentence fragment: `"port": expected number; "host": required`. */
export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((issue) => (issue.path ? `"${issue.path}": ${issue.message}` : issue.message)).join("; ");
}
