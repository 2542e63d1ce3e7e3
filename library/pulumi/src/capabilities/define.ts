import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { describeIssues, fieldIssues } from "../issues.js";
import { CapabilityValidationError } from "./errors.js";

const capabilityBrand = Symbol.for("highstate.capability");
const implementationBrand = Symbol.for("highstate.capability-implementation");

/** A capability name: lower-case words joined by dashes, for example `dns-record`. */
const capabilityNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The interface of a capability: its name (the module `<package>/impl/<name>` implements it) and the
 * schemas of the request a consumer sends and the result it gets back. It is defined once, in the
 * package that owns the entity carrying the `implRef`, and imported by consumers and implementations.
 */
export interface Capability<TRequest extends z.ZodType = z.ZodType, TResult extends z.ZodType = z.ZodType> {
  readonly [capabilityBrand]: true;
  /** The capability name, the last segment of the implementation's module path. */
  readonly name: string;
  /** What the capability does, for the documentation. */
  readonly description: string;
  /** The request a consumer sends. */
  readonly request: TRequest;
  /** The result an implementation returns. */
  readonly result: TResult;
}

/** The request type a consumer passes (before defaults). */
export type CapabilityRequestInput<C extends Capability> = z.input<C["request"]>;
/** The request an implementation receives (validated, defaults applied). */
export type CapabilityRequest<C extends Capability> = z.output<C["request"]>;
/** The result an implementation returns. */
export type CapabilityResultInput<C extends Capability> = z.input<C["result"]>;
/** The result a consumer gets back (validated). */
export type CapabilityResult<C extends Capability> = z.output<C["result"]>;

/** Defines a capability interface. */
export function defineCapability<TRequest extends z.ZodType, TResult extends z.ZodType>(definition: {
  name: string;
  description: string;
  request: TRequest;
  result: TResult;
}): Capability<TRequest, TResult> {
  if (!capabilityNamePattern.test(definition.name)) {
    throw new TypeError(`The capability name "${definition.name}" must be lower-case words joined by dashes, such as "dns-record"`);
  }
  return Object.freeze({ [capabilityBrand]: true as const, ...definition });
}

/** Whether a value is a capability interface made with {@link defineCapability}. */
export function isCapability(value: unknown): value is Capability {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[capabilityBrand] === true;
}

/** Where a capability call comes from, handed to the implementation. */
export interface CapabilityCallContext {
  /** The package the consumer resolved (the `implRef.package`), for error messages. */
  packageName: string;
  /** The instance (`<type>:<name>`) whose program makes the call, when known. */
  instanceId?: string;
  /** The Pulumi resource name prefix for resources the implementation creates; unique per call within the unit. */
  name: string;
  /** The component resource the implementation's resources belong to, when the consumer has one. */
  parent?: pulumi.Resource;
}

/** What a consumer passes to an implementation function. */
export interface CapabilityCall {
  /** The entity's `implRef.data`, not validated yet: the implementation validates it against its own schema. */
  data: unknown;
  /** The request, validated by the consumer against the capability's request schema. */
  request: unknown;
  context: CapabilityCallContext;
}

/** The function an `./impl/<capability>` module exports: validates `data` and the request, then runs the implementation. */
export interface CapabilityImplementation<C extends Capability = Capability> {
  (call: CapabilityCall): Promise<CapabilityResultInput<C>>;
  readonly [implementationBrand]: string;
  /** The capability name it implements. */
  readonly capability: string;
}

/** Whether a value is an implementation function made with {@link implementCapability}. */
export function isCapabilityImplementation(value: unknown): value is CapabilityImplementation {
  return typeof value === "function" && typeof (value as unknown as Record<symbol, unknown>)[implementationBrand] === "string";
}

/**
 * Validates `value` against `schema` and returns the parsed value.
 *
 * @throws CapabilityValidationError naming the package, capability, instance, part and fields.
 */
export function parseCapabilityValue<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: { packageName: string; capability: string; instanceId?: string; part: "data" | "request" | "result" },
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  const subject = {
    data: `The "implRef.data" given to package "${where.packageName}" for capability "${where.capability}"`,
    request: `The request to capability "${where.capability}" of package "${where.packageName}"`,
    result: `The result of capability "${where.capability}" from package "${where.packageName}"`,
  }[where.part];
  const hint = {
    data: "the instance that output the entity must be run again, or its package and the implementing package disagree on the data",
    request: "the calling package and the capability interface disagree: update them together",
    result: "the implementing package does not follow the capability interface: update it",
  }[where.part];
  throw new CapabilityValidationError(
    where.packageName,
    where.capability,
    where.instanceId,
    where.part,
    issues,
    `${subject}${where.instanceId ? ` (called by instance "${where.instanceId}")` : ""} is invalid: ${describeIssues(issues)}; ${hint}`,
  );
}

/**
 * Implements a capability. Default-export the result from the module the package exports as
 * `./impl/<capability name>`:
 *
 * ```ts
 * // src/impl/dns-record.ts of a DNS provider package; package.json exports "./impl/dns-record"
 * export default implementCapability(dnsRecordCapability, {
 *   data: z.object({ zoneIds: z.record(z.string(), z.string()) }),
 *   implement({ data, request, context }) {
 *     const record = new MyDnsRecord(context.name, { zoneId: data.zoneIds[request.zone], … }, { parent: context.parent });
 *     return { resources: [record] };
 *   },
 * });
 * ```
 *
 * The returned function validates `data` against the implementation's own schema and the request
 * against the interface (the consumer may have been built against another version of it), then calls
 * `implement`.
 */
export function implementCapability<C extends Capability, TData extends z.ZodType>(
  capability: C,
  implementation: {
    /** The schema of the `implRef.data` this package writes into its entities. */
    data: TData;
    implement(call: {
      data: z.output<TData>;
      request: CapabilityRequest<C>;
      context: CapabilityCallContext;
    }): CapabilityResultInput<C> | Promise<CapabilityResultInput<C>>;
  },
): CapabilityImplementation<C> {
  const run = async (call: CapabilityCall): Promise<CapabilityResultInput<C>> => {
    const where = { packageName: call.context.packageName, capability: capability.name, instanceId: call.context.instanceId };
    const data = parseCapabilityValue(implementation.data, call.data, { ...where, part: "data" });
    const request = parseCapabilityValue(capability.request, call.request, { ...where, part: "request" }) as CapabilityRequest<C>;
    return implementation.implement({ data, request, context: call.context });
  };
  Object.defineProperty(run, implementationBrand, { value: capability.name });
  Object.defineProperty(run, "capability", { value: capability.name, enumerable: true });
  return run as CapabilityImplementation<C>;
}
