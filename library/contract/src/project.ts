import { z } from "zod";
import { typeIdPattern } from "./type-id.js";

/** The version of the project file format this contract reads and writes. */
export const projectFormatVersion = 1;

/**
 * Instance names: lower-case letters, digits and dashes, starting with a letter, at most 63 characters
 * (they end up in Pulumi resource names and Kubernetes object names).
 */
export const instanceNamePattern = /^[a-z][a-z0-9-]{0,62}$/;
/** Hub ids are `hub:<name>` with the same name rules as instances. */
export const hubIdPattern = /^hub:[a-z][a-z0-9-]{0,62}$/;
/** Stable instance identities (independent of the name, so renaming keeps the Pulumi stack). */
export const instanceUidPattern = /^[a-z0-9]{8,32}$/;

/** Tells whether a string is an allowed instance name, and if not, why. */
export function checkInstanceName(name: string): string | undefined {
  if (name.length === 0) return "the name is empty";
  if (name.length > 63) return "the name is longer than 63 characters";
  if (instanceNamePattern.test(name)) return undefined;
  const first = name.charCodeAt(0);
  if (first < 97 || first > 122) return "the name must start with a lower-case letter";
  return "the name may contain only lower-case letters, digits and dashes";
}

/** Builds an instance id from its component type and name. */
export function instanceId(type: string, name: string): string {
  return `${type}:${name}`;
}

/** Splits an instance id into type and name; `undefined` when it is not `<type id>:<name>`. */
export function parseInstanceId(id: string): { type: string; name: string } | undefined {
  const colon = id.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const type = id.slice(0, colon);
  const name = id.slice(colon + 1);
  if (!typeIdPattern.test(type) || checkInstanceName(name) !== undefined) return undefined;
  return { type, name };
}

/** A position on the canvas. */
export const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() }).strict();
export type Position = z.output<typeof positionSchema>;

/** A reference to one output of another instance. */
export const instanceOutputRefSchema = z
  .object({
    /** Id of the instance whose output is used. */
    instanceId: z.string().min(1),
    /** Name of that instance's output. */
    output: z.string().min(1),
  })
  .strict();
export type InstanceOutputRef = z.output<typeof instanceOutputRefSchema>;

/** A reference to a hub: every entity in the hub whose type matches the input is used. */
export const hubRefSchema = z.object({ hubId: z.string().min(1) }).strict();
export type HubRef = z.output<typeof hubRefSchema>;

export const inputRefSchema = z.union([instanceOutputRefSchema, hubRefSchema]);
export type InputRef = z.output<typeof inputRefSchema>;

export function isHubRef(ref: InputRef): ref is HubRef {
  return "hubId" in ref;
}

/** One instance of a component placed in a project. Nothing secret is ever stored here. */
export const instanceSchema = z
  .object({
    /** `<component type>:<name>`, e.g. `common.existing-server.v1:web-1`. */
    id: z.string().min(1),
    /** Component type id. */
    type: z.string().min(1),
    /** Instance name, unique per component type. */
    name: z.string().min(1),
    /** Stable identity of the instance's Pulumi stack; kept when the instance is renamed. */
    uid: z.string().regex(instanceUidPattern, "must be 8-32 lower-case letters or digits"),
    /** Arg values as the user set them (defaults are not written out). */
    args: z.record(z.string(), z.unknown()).default({}),
    /** Input name → the outputs or hubs connected to it. */
    inputs: z.record(z.string(), z.array(inputRefSchema)).default({}),
    /** Hubs injected into the instance: each supplies every entity matching one of its inputs. */
    injectionInputs: z.array(z.string()).default([]),
    position: positionSchema.default({ x: 0, y: 0 }),
  })
  .strict();
export type Instance = z.output<typeof instanceSchema>;
export type InstanceInput = z.input<typeof instanceSchema>;

/** A hub: a canvas node bundling any number of outputs (and other hubs) for injection. */
export const hubSchema = z
  .object({
    /** `hub:<name>`. */
    id: z.string().regex(hubIdPattern, "hub ids look like hub:<name> (lower-case letters, digits, dashes)"),
    /** Label shown on the canvas. */
    title: z.string().optional(),
    /** Outputs collected by the hub. */
    inputs: z.array(instanceOutputRefSchema).default([]),
    /** Other hubs whose contents this hub includes. */
    injectionInputs: z.array(z.string()).default([]),
    position: positionSchema.default({ x: 0, y: 0 }),
  })
  .strict();
export type Hub = z.output<typeof hubSchema>;

/** A project: one canvas with its instances and hubs. */
export const projectSchema = z
  .object({
    /** File format version, for migrations. */
    version: z.literal(projectFormatVersion),
    instances: z.array(instanceSchema).default([]),
    hubs: z.array(hubSchema).default([]),
  })
  .strict();
export type Project = z.output<typeof projectSchema>;
export type ProjectInput = z.input<typeof projectSchema>;

/** Project names: the file name under `projects/` without `.json`. */
export const projectNamePattern = /^[a-z][a-z0-9-]{0,62}$/;

/** An empty project in the current format. */
export function emptyProject(): Project {
  return { version: projectFormatVersion, instances: [], hubs: [] };
}
