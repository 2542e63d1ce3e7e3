import { z } from "zod";

/** The version of the instance state file format. */
export const instanceStateFormatVersion = 1;

/** The last known state of an instance's stack. Pending, running and outdated are computed, never stored. */
export const instanceStatusSchema = z.enum(["not-created", "created", "failed"]);
export type InstanceStatus = z.output<typeof instanceStatusSchema>;

/** An operation on an instance's stack. */
export const instanceOperationSchema = z.enum(["preview", "up", "destroy", "refresh"]);
export type InstanceOperation = z.output<typeof instanceOperationSchema>;

/** How an operation ended. */
export const operationResultSchema = z.enum(["succeeded", "failed", "cancelled"]);
export type OperationResult = z.output<typeof operationResultSchema>;

/**
 * What an instance was last successfully brought up with: the planner's fingerprint (see
 * `planner/fingerprint.ts`) and when the run finished. The planner compares it with what the instance
 * would run with now to tell whether it is outdated. No field is a plain hash of a secret.
 */
export const runFingerprintSchema = z
  .object({
    /** The fingerprint format version at the time it was computed. */
    format: z.number().int().nonnegative(),
    /** The component type and the package (and version) that defined it. */
    component: z.object({ type: z.string(), package: z.string(), version: z.string() }).strict(),
    /** `sha256:<hex>` of the args as the user set them. */
    args: z.string(),
    /** Keyed digest (HMAC) of the instance's secrets; absent when it could not be computed. */
    secrets: z.string().optional(),
    /** Input name → digest of the upstream output digests feeding it. */
    inputs: z.record(z.string(), z.string()),
    /** When the run finished (ISO 8601). */
    finishedAt: z.string(),
  })
  .strict();
export type RunFingerprint = z.output<typeof runFingerprintSchema>;

/** One entry of an instance's operation log. */
export const operationLogEntrySchema = z
  .object({
    operation: instanceOperationSchema,
    result: operationResultSchema,
    /** When the operation started (ISO 8601). */
    startedAt: z.string(),
    /** When it ended (ISO 8601). */
    finishedAt: z.string(),
    /** Resource steps by kind (`create`, `update`, `same`, …), when known. */
    resourceChanges: z.record(z.string(), z.number()).optional(),
    /** The error, when it failed. */
    error: z.string().optional(),
  })
  .strict();
export type OperationLogEntry = z.output<typeof operationLogEntrySchema>;

/** The error of the last failed operation. */
export const instanceErrorSchema = z
  .object({
    operation: instanceOperationSchema,
    message: z.string(),
    /** When it failed (ISO 8601). */
    at: z.string(),
  })
  .strict();
export type InstanceError = z.output<typeof instanceErrorSchema>;

/** Secret outputs, each a secure value encrypted with the project crypter whose salt is recorded. */
export const secretOutputsSchema = z
  .object({
    /** The `encryptionsalt` of the key the values were encrypted with. */
    encryptionSalt: z.string(),
    /** Output name → secure value of its JSON. */
    values: z.record(z.string(), z.string()),
  })
  .strict();

/** One resource a drift check found differing from the stack's state (property names only, never values). */
export const driftedResourceSchema = z
  .object({
    urn: z.string(),
    type: z.string(),
    name: z.string(),
    /** `changed`: properties differ; `deleted`: the resource no longer exists. */
    change: z.enum(["changed", "deleted"]),
    /** Names of the top-level properties that differ. */
    properties: z.array(z.string()),
  })
  .strict();

/** The result of the last drift check (`highstate drift`). */
export const instanceDriftSchema = z
  .object({
    /** When the check finished (ISO 8601). */
    checkedAt: z.string(),
    /** The resources that differ; empty when none does. */
    resources: z.array(driftedResourceSchema),
  })
  .strict();
export type StoredInstanceDrift = z.output<typeof instanceDriftSchema>;

/** The local state of one instance, in `.highstate/instances/<project>/<uid>.json`. */
export const instanceStateSchema = z
  .object({
    version: z.literal(instanceStateFormatVersion),
    /** The stable identity of the instance (its stack). */
    uid: z.string(),
    /** The instance id at the time of the last operation (informational: the uid is the key). */
    instanceId: z.string(),
    status: instanceStatusSchema,
    /** Resources in the stack after the last operation. */
    resourceCount: z.number().int().nonnegative().default(0),
    /** Last outputs that are not secret, by output name. */
    outputs: z.record(z.string(), z.unknown()).default({}),
    /** Last secret outputs, encrypted. */
    secretOutputs: secretOutputsSchema.optional(),
    /**
     * A hash per output, for the input hashes of downstream instances: of the value's canonical JSON,
     * or for a secret output of its ciphertext (kept while the value does not change).
     */
    outputHashes: z.record(z.string(), z.string()).default({}),
    /** What the last successful `up` was run with. */
    lastSuccess: runFingerprintSchema.optional(),
    /** The error of the last failed operation, cleared by the next successful one. */
    lastError: instanceErrorSchema.optional(),
    /** The most recent operations, oldest first. */
    log: z.array(operationLogEntrySchema).default([]),
    /**
     * The last drift check (it changes nothing else). Cleared by a later successful `up`, `refresh` or
     * `destroy`, after which the stack matches what it found (or it no longer applies).
     */
    drift: instanceDriftSchema.optional(),
  })
  .strict();
export type InstanceState = z.output<typeof instanceStateSchema>;

/** The state of an instance that has never been run. */
export function emptyInstanceState(uid: string, instanceId: string): InstanceState {
  return {
    version: instanceStateFormatVersion,
    uid,
    instanceId,
    status: "not-created",
    resourceCount: 0,
    outputs: {},
    outputHashes: {},
    log: [],
  };
}
