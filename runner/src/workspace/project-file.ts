import { HighstateError, type Hub, type Instance, type Project, projectFormatVersion, projectSchema } from "@highstate/contract";
import type { z } from "zod";
import { stableJson } from "../fs/canonical.js";
import { formatValuePath, UnreadableFileError } from "../fs/errors.js";
import { parseJsonDocument } from "../fs/json-syntax.js";

/**
 * Upgrades of older project file formats: `migrations[n]` turns a version `n` document into version
 * `n + 1`. There are none yet; the first format change adds one here and bumps `projectFormatVersion`.
 */
const migrations: Record<number, (document: Record<string, unknown>) => Record<string, unknown>> = {};

/** The oldest format version this runner can read (directly or through migrations). */
const oldestReadableVersion = 1;

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(document: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = document;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns a zod issue into a sentence a person editing the file understands. */
function describeIssue(issue: z.core.$ZodIssue, document: unknown): string {
  const found = valueAt(document, issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")} (this version of Highstate does not know ${issue.keys.length > 1 ? "them" : "it"}; remove ${issue.keys.length > 1 ? "them" : "it"} or update Highstate)`;
    case "invalid_type":
      return found === undefined
        ? `the required field is missing (expected ${issue.expected})`
        : `expected ${issue.expected}, found ${describeValue(found)}`;
    case "invalid_union":
      return `expected an output reference {"instanceId", "output"} or a hub reference {"hubId"}, found ${describeValue(found)}`;
    default:
      return `${issue.message} (found ${describeValue(found)})`;
  }
}

/** Names the instance or hub a path points into, to make the message easier to act on. */
function describeOwner(path: ReadonlyArray<PropertyKey>, document: unknown): string {
  const [collection, index] = path;
  if ((collection === "instances" || collection === "hubs") && typeof index === "number") {
    const id = valueAt(document, [collection, index, "id"]);
    if (typeof id === "string") return ` in ${collection === "instances" ? "instance" : "hub"} "${id}"`;
  }
  return "";
}

/**
 * Parses a project file. Anything this version cannot read (invalid or truncated JSON, a missing,
 * unknown or newer `version`, unknown fields, wrong types) is an `UnreadableFileError` naming the
 * file, the line and column or the JSON path, and the problem.
 */
export function parseProjectFile(text: string, file: string): Project {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (source.trim() === "")
    throw new UnreadableFileError(file, 'the file is empty (was it truncated?); a project file holds at least {"version": 1}');
  const document = parseJsonDocument(source, file);
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new UnreadableFileError(file, `a project file must hold a JSON object, found ${describeValue(document)}`);
  }
  let raw = document as Record<string, unknown>;
  const version = raw.version;
  if (version === undefined)
    throw new UnreadableFileError(
      file,
      `the field "version" is missing (a project file starts with {"version": ${projectFormatVersion}, …})`,
      { path: "version" },
    );
  if (typeof version !== "number" || !Number.isInteger(version)) {
    throw new UnreadableFileError(file, `"version" must be a whole number, found ${describeValue(version)}`, { path: "version" });
  }
  if (version > projectFormatVersion) {
    throw new UnreadableFileError(
      file,
      `it was written by a newer Highstate (project format version ${version}; this version reads up to ${projectFormatVersion}); update @highstate/runner`,
      { path: "version" },
    );
  }
  if (version < oldestReadableVersion)
    throw new UnreadableFileError(file, `unknown project format version ${version}`, { path: "version" });
  for (let from = version; from < projectFormatVersion; from++) {
    const migrate = migrations[from];
    if (!migrate) throw new UnreadableFileError(file, `no migration from project format version ${from}`, { path: "version" });
    raw = { ...migrate(raw), version: from + 1 };
  }
  const result = projectSchema.safeParse(raw);
  if (!result.success) {
    const [first, ...rest] = result.error.issues;
    const path = first!.path;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""} after it)` : "";
    throw new UnreadableFileError(
      file,
      `${describeIssue(first!, raw)}${describeOwner(path, raw)}${more}`,
      { path: formatValuePath(path as Array<string | number>) || "(top level)" },
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

function compareIds(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isOrigin(position: { x: number; y: number }): boolean {
  return position.x === 0 && position.y === 0;
}

function instanceDocument(instance: Instance): Record<string, unknown> {
  const inputs = Object.fromEntries(Object.entries(instance.inputs).filter(([, refs]) => refs.length > 0));
  return {
    id: instance.id,
    type: instance.type,
    name: instance.name,
    uid: instance.uid,
    ...(Object.keys(instance.args).length > 0 ? { args: instance.args } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(instance.injectionInputs.length > 0 ? { injectionInputs: instance.injectionInputs } : {}),
    ...(isOrigin(instance.position) ? {} : { position: instance.position }),
  };
}

function hubDocument(hub: Hub): Record<string, unknown> {
  return {
    id: hub.id,
    ...(hub.title !== undefined ? { title: hub.title } : {}),
    ...(hub.inputs.length > 0 ? { inputs: hub.inputs } : {}),
    ...(hub.injectionInputs.length > 0 ? { injectionInputs: hub.injectionInputs } : {}),
    ...(isOrigin(hub.position) ? {} : { position: hub.position }),
  };
}

/**
 * Serialises a project deterministically: instances and hubs sorted by id, object keys sorted,
 * defaults (empty args, inputs and injections, a position at the origin) left out, 2-space JSON with a
 * newline at the end. Loading and saving an unchanged project gives an identical file. Throws
 * `InvalidProjectError` when the project does not match the schema, so no unreadable file is written.
 */
export function serializeProject(project: Project): string {
  const checked = projectSchema.safeParse(project);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new InvalidProjectError(formatValuePath(issue.path as Array<string | number>), describeIssue(issue, project), {
      cause: checked.error,
    });
  }
  const valid = checked.data;
  const document: Record<string, unknown> = { version: valid.version };
  if (valid.instances.length > 0) document.instances = [...valid.instances].sort(compareIds).map(instanceDocument);
  if (valid.hubs.length > 0) document.hubs = [...valid.hubs].sort(compareIds).map(hubDocument);
  return stableJson(document);
}

/** Thrown when a project about to be saved does not match the project schema; nothing is written. */
export class InvalidProjectError extends HighstateError {
  static override readonly code = "invalid-project";
  override name = "InvalidProjectError";

  constructor(
    /** JSON path of the offending value, e.g. `instances[0].position.x`. */
    readonly path: string,
    /** What is wrong. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`The project cannot be saved: "${path || "(top level)"}": ${problem}.`, options);
  }
}
