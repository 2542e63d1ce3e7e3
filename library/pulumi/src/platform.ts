import { pageSchema, type StatusField, statusFieldSchema, terminalSpecSchema, triggerSchema } from "@highstate/contract";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { type FieldIssue, UnitOutputError } from "./errors.js";
import { describeIssues, fieldIssues } from "./issues.js";

const platformNames = new Set(["$statusFields", "$terminals", "$pages", "$triggers"]);

/** `pulumi.output` of an untyped value (its `Unwrap<unknown>` type is unusable). */
function toOutput(value: unknown): pulumi.Output<unknown> {
  return pulumi.output(value) as pulumi.Output<unknown>;
}

function invalid(id: string, output: string, issues: FieldIssue[]): UnitOutputError {
  return new UnitOutputError(output, `Instance "${id}" returned an invalid "${output}": ${describeIssues(issues)}`, id, issues);
}

function parseList<T extends z.ZodType>(id: string, output: string, schema: T, value: unknown): z.output<T>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(id, output, [{ path: output, message: "must be an array" }]);
  return value.map((item, index) => {
    const result = schema.safeParse(item);
    if (!result.success) throw invalid(id, output, fieldIssues(result.error, `${output}[${index}]`));
    return result.data;
  });
}

interface StatusFieldEntry {
  name: string;
  value: unknown;
  title?: unknown;
  secret?: unknown;
}

function statusFieldEntries(id: string, value: unknown): StatusFieldEntry[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    value.forEach((entry, index) => {
      if (typeof entry !== "object" || entry === null || typeof (entry as StatusFieldEntry).name !== "string") {
        throw invalid(id, "$statusFields", [{ path: `$statusFields[${index}]`, message: "must be an object with a name and a value" }]);
      }
    });
    return value as StatusFieldEntry[];
  }
  if (typeof value !== "object" || pulumi.Output.isInstance(value)) {
    throw invalid(id, "$statusFields", [
      { path: "$statusFields", message: "must be a record of name → value or an array of { name, value }" },
    ]);
  }
  const entries: StatusFieldEntry[] = [];
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    if (field === undefined) continue;
    const long =
      typeof field === "object" && field !== null && !pulumi.Output.isInstance(field) && !(field instanceof Promise) && "value" in field;
    entries.push(long ? { name, ...(field as Omit<StatusFieldEntry, "name">) } : { name, value: field });
  }
  return entries;
}

function statusFieldOutput(id: string, entry: StatusFieldEntry, index: number): pulumi.Output<StatusField | undefined> {
  const base = toOutput(entry.value);
  const value = entry.secret === true ? pulumi.secret(base) : base;
  return pulumi.all([value, pulumi.isSecret(value)]).apply(([resolved, secret]) => {
    if (resolved === undefined || resolved === null) return undefined;
    if (typeof resolved !== "string" && typeof resolved !== "number" && typeof resolved !== "boolean") {
      throw invalid(id, "$statusFields", [{ path: `$statusFields[${index}].value`, message: "must be a string, number or boolean" }]);
    }
    const result = statusFieldSchema.safeParse({
      name: entry.name,
      value: String(resolved),
      secret: secret || entry.secret === true,
      ...(entry.title !== undefined ? { title: entry.title } : {}),
    });
    if (!result.success) throw invalid(id, "$statusFields", fieldIssues(result.error, `$statusFields[${index}]`));
    return result.data;
  });
}

function statusFields(id: string, value: unknown): pulumi.Output<StatusField[]> {
  const fields = statusFieldEntries(id, value).map((entry, index) => statusFieldOutput(id, entry, index));
  return pulumi.all(fields).apply((resolved) => {
    const present = resolved.filter((field): field is StatusField => field !== undefined);
    const seen = new Set<string>();
    for (const field of present) {
      if (seen.has(field.name))
        throw invalid(id, "$statusFields", [{ path: "$statusFields", message: `the name "${field.name}" is used twice` }]);
      seen.add(field.name);
    }
    return present;
  });
}

/** Terminals that carry credentials or files are stored as secrets even when no part of them was a secret `Output`. */
function terminals(id: string, value: unknown): pulumi.Output<unknown> {
  return toOutput(value).apply((resolved) => {
    const list = parseList(id, "$terminals", terminalSpecSchema, resolved);
    const carriesCredentials = list.some((terminal) =>
      terminal.type === "ssh"
        ? terminal.credentials.password !== undefined || terminal.credentials.privateKey !== undefined
        : terminal.files.length > 0 || Object.keys(terminal.env).length > 0,
    );
    return carriesCredentials ? pulumi.secret(list) : list;
  });
}

function pages(id: string, value: unknown): pulumi.Output<unknown> {
  return toOutput(value).apply((resolved) => {
    const list = parseList(id, "$pages", pageSchema, resolved);
    const secret = list.some((page) => page.blocks.some((block) => "secret" in block && block.secret));
    return secret ? pulumi.secret(list) : list;
  });
}

/**
 * Normalises the platform fields a program returned into stack outputs in the shape of the contract's
 * `platformOutputsSchema` (every field present, arrays normalised), keeping secrets secret, and adds
 * `$secrets` (the secrets generated during the run, always a secret).
 *
 * @throws UnitOutputError for an unknown `$` field or a `$secrets` the program returned itself; the
 * returned `Output`s reject with a UnitOutputError naming the field when a value is invalid.
 */
export function preparePlatformOutputs(
  id: string,
  returned: Record<string, unknown>,
  generatedSecrets: ReadonlyMap<string, pulumi.Output<string>>,
): Record<string, pulumi.Output<unknown>> {
  for (const name of Object.keys(returned)) {
    if (!name.startsWith("$") || platformNames.has(name)) continue;
    const hint =
      name === "$secrets"
        ? "secrets are generated with getSecret(name, generate), which fills $secrets"
        : "the platform fields are $statusFields, $terminals, $pages and $triggers";
    throw new UnitOutputError(name, `Instance "${id}" returned "${name}", which is not a platform field: ${hint}`, id);
  }
  return {
    $statusFields: statusFields(id, returned.$statusFields),
    $terminals: terminals(id, returned.$terminals),
    $pages: pages(id, returned.$pages),
    $triggers: toOutput(returned.$triggers).apply((resolved) => parseList(id, "$triggers", triggerSchema, resolved)),
    $secrets: pulumi.secret(pulumi.all(Object.fromEntries(generatedSecrets))),
  };
}
