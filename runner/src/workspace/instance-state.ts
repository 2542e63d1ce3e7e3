import { createHash } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { HighstateError } from "@highstate/contract";
import { ensurePrivateDir, readSmallFiles, writeFileAtomic } from "../fs/atomic-write.js";
import { hashJson, stableJson } from "../fs/canonical.js";
import { formatValuePath, UnreadableFileError } from "../fs/errors.js";
import { parseJsonDocument } from "../fs/json-syntax.js";
import { readTextFileIfExists } from "../fs/strict-text.js";
import { SecretsLockedError } from "../secrets/errors.js";
import type { PassphraseCrypter } from "../secrets/passphrase-crypter.js";
import {
  emptyInstanceState,
  type InstanceOperation,
  type InstanceState,
  type InstanceStatus,
  instanceStateFormatVersion,
  instanceStateSchema,
  type OperationResult,
  type RunFingerprint,
  type StoredInstanceDrift,
} from "./instance-state-schema.js";
import { workspacePaths } from "./paths.js";

/** An output as Pulumi reports it (`stack.outputs()`): its value and whether it is secret. */
export interface OutputValue {
  value: unknown;
  secret: boolean;
}

/** What the engine reports after an operation on one instance. */
export interface OperationRecord {
  /** The instance id now (stored for information; the uid is the key). */
  instanceId: string;
  operation: InstanceOperation;
  result: OperationResult;
  startedAt: Date | string;
  finishedAt: Date | string;
  /**
   * The status after the operation. By default: a successful `up` → created, a successful `destroy` →
   * not-created, a failed or cancelled `up`/`destroy` → failed; `preview` and `refresh` keep it.
   */
  status?: InstanceStatus;
  /** Resources in the stack after the operation. */
  resourceCount?: number;
  /** The stack outputs after the operation; they replace the stored ones (secret ones are encrypted). */
  outputs?: Record<string, OutputValue>;
  /** What a successful `up` ran with; becomes `lastSuccess` (with `finishedAt`). */
  fingerprint?: Omit<RunFingerprint, "finishedAt">;
  /** Resource steps by kind. */
  resourceChanges?: Record<string, number>;
  /** The error of a failed operation. */
  error?: string;
}

/** Thrown when secret outputs were encrypted under a previous project password (a crash during a password change). */
export class StaleSecretOutputsError extends HighstateError {
  static override readonly code = "stale-secret-outputs";
  override name = "StaleSecretOutputsError";

  constructor(file: string) {
    super(
      `The secret outputs in "${file}" were encrypted with a previous project password; refresh or re-run the instance to store them again.`,
    );
  }
}

const maxErrorLength = 4000;

function iso(time: Date | string): string {
  return typeof time === "string" ? time : time.toISOString();
}

function truncate(message: string): string {
  return message.length > maxErrorLength ? `${message.slice(0, maxErrorLength)}…` : message;
}

/**
 * The local state of a project's instances: status, resource count, last outputs (secret ones
 * encrypted with the project crypter), the fingerprint of the last successful `up`, the last error and
 * a bounded operation log, one file per instance uid under `.highstate/instances/<project>/`.
 */
export class InstanceStateStore {
  private readonly paths;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly maxLogEntries: number;

  constructor(
    workspaceDir: string,
    /** The project name. */
    readonly project: string,
    options: { maxLogEntries?: number } = {},
  ) {
    this.paths = workspacePaths(workspaceDir);
    this.paths.projectInstancesDir(project);
    this.maxLogEntries = options.maxLogEntries ?? 50;
  }

  /** The file of one instance's state. */
  file(uid: string): string {
    return this.paths.instanceStateFile(this.project, uid);
  }

  /** The state of one instance, or `undefined` when it has never been run. Throws `UnreadableFileError` for a broken file. */
  async get(uid: string): Promise<InstanceState | undefined> {
    const file = this.file(uid);
    const text = await readTextFileIfExists(file);
    return text === undefined ? undefined : parseInstanceState(text, file);
  }

  /** The state of every instance that has one, by uid. */
  async getAll(): Promise<Record<string, InstanceState>> {
    let names: string[];
    try {
      names = await readdir(this.paths.projectInstancesDir(this.project));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
    const uids: string[] = [];
    for (const name of names.sort()) {
      const match = /^([a-z0-9]{8,32})\.json$/.exec(name);
      if (match) uids.push(match[1]!);
    }
    // A large project has thousands of these small files.
    const files = uids.map((uid) => this.file(uid));
    const texts = await readSmallFiles(files);
    const states: Record<string, InstanceState> = {};
    for (const [position, text] of texts.entries()) {
      if (text instanceof Error) throw text;
      if (text !== undefined) states[uids[position]!] = parseInstanceState(text, files[position]!);
    }
    return states;
  }

  /**
   * Records the outcome of an operation: status, resource count, outputs (secret values encrypted with
   * `crypter`, which is required when any output is secret), the run fingerprint of a successful `up`,
   * the error, and an operation log entry (the log keeps the most recent entries). Returns the new state.
   */
  record(uid: string, record: OperationRecord, crypter?: PassphraseCrypter): Promise<InstanceState> {
    return this.update(uid, record.instanceId, (state) => applyRecord(state, record, crypter, this.maxLogEntries, this.file(uid)));
  }

  /**
   * Records the result of a drift check (`highstate drift`): only the `drift` field changes, so the
   * status, outputs, log and last error stay as they are. Returns the new state.
   */
  recordDrift(uid: string, instanceId: string, drift: StoredInstanceDrift): Promise<InstanceState> {
    return this.update(uid, instanceId, (state) => ({ ...structuredClone(state), drift: structuredClone(drift) }));
  }

  /** Removes an instance's state (after it was destroyed and removed from the project). */
  async remove(uid: string): Promise<void> {
    await this.serialise(uid, () => rm(this.file(uid), { force: true }));
  }

  /**
   * Decrypts an instance's last outputs. Secret ones need the project crypter; without it they are
   * left out when `secrets: "omit"`, otherwise `SecretsLockedError` is thrown.
   */
  outputs(state: InstanceState, crypter?: PassphraseCrypter, options: { secrets?: "decrypt" | "omit" } = {}): Record<string, OutputValue> {
    const result: Record<string, OutputValue> = {};
    for (const [name, value] of Object.entries(state.outputs)) result[name] = { value, secret: false };
    const secret = state.secretOutputs;
    if (secret && Object.keys(secret.values).length > 0 && options.secrets !== "omit") {
      const file = this.file(state.uid);
      if (!crypter) throw new SecretsLockedError(file);
      if (crypter.encryptionSalt !== secret.encryptionSalt) throw new StaleSecretOutputsError(file);
      for (const [name, secureValue] of Object.entries(secret.values))
        result[name] = { value: JSON.parse(crypter.decrypt(secureValue)), secret: true };
    }
    return result;
  }

  /**
   * After a project password change: re-encrypts every stored secret output with the new key (their
   * output hashes stay, as the values did not change). Secrets fingerprints of the last successful runs
   * found in `secretsDigests` (old → new, computed by the caller with the old and new keys) are carried
   * over, so instances whose secrets did not change do not look outdated.
   */
  async reencrypt(
    previous: PassphraseCrypter,
    current: PassphraseCrypter,
    options: { secretsDigests?: ReadonlyMap<string, string> } = {},
  ): Promise<void> {
    for (const [uid, state] of Object.entries(await this.getAll())) {
      await this.update(uid, state.instanceId, (latest) => {
        const next = structuredClone(latest);
        const secret = next.secretOutputs;
        if (secret && secret.encryptionSalt === previous.encryptionSalt) {
          const values: Record<string, string> = {};
          for (const [name, secureValue] of Object.entries(secret.values)) values[name] = current.encrypt(previous.decrypt(secureValue));
          next.secretOutputs = { encryptionSalt: current.encryptionSalt, values };
        }
        const digest = next.lastSuccess?.secrets;
        const mapped = digest !== undefined ? options.secretsDigests?.get(digest) : undefined;
        if (next.lastSuccess && mapped !== undefined) next.lastSuccess.secrets = mapped;
        return next;
      });
    }
  }

  private async update(uid: string, instanceId: string, change: (state: InstanceState) => InstanceState): Promise<InstanceState> {
    return this.serialise(uid, async () => {
      const file = this.file(uid);
      const state = (await this.get(uid)) ?? emptyInstanceState(uid, instanceId);
      const next = change(state);
      await ensurePrivateDir(dirname(file));
      await writeFileAtomic(file, stableJson(instanceStateSchema.parse(next)), { mode: 0o600 });
      return next;
    });
  }

  private serialise<T>(uid: string, task: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(uid) ?? Promise.resolve()).then(task);
    const settled = result.catch(() => undefined);
    this.queues.set(uid, settled);
    void settled.then(() => {
      if (this.queues.get(uid) === settled) this.queues.delete(uid);
    });
    return result;
  }
}

function defaultStatus(state: InstanceState, record: OperationRecord): InstanceStatus {
  if (record.operation === "preview" || record.operation === "refresh") return state.status;
  if (record.result !== "succeeded") return "failed";
  return record.operation === "up" ? "created" : "not-created";
}

function applyRecord(
  state: InstanceState,
  record: OperationRecord,
  crypter: PassphraseCrypter | undefined,
  maxLogEntries: number,
  file: string,
): InstanceState {
  const next = structuredClone(state);
  next.instanceId = record.instanceId;
  const finishedAt = iso(record.finishedAt);
  next.status = record.status ?? defaultStatus(state, record);
  if (record.resourceCount !== undefined) next.resourceCount = record.resourceCount;
  const destroyed = record.operation === "destroy" && record.result === "succeeded";
  if (destroyed) {
    next.resourceCount = record.resourceCount ?? 0;
    next.outputs = {};
    next.outputHashes = {};
    delete next.secretOutputs;
    delete next.lastSuccess;
  }
  if (record.outputs) storeOutputs(next, state, record.outputs, crypter, file);
  if (record.operation === "up" && record.result === "succeeded" && record.fingerprint)
    next.lastSuccess = { ...record.fingerprint, finishedAt };
  if (record.result === "succeeded" && record.operation !== "preview") delete next.lastError;
  // After a successful up (which reverts drift), refresh (which accepts it) or destroy, the last drift check no longer applies.
  if (record.result === "succeeded" && record.operation !== "preview") delete next.drift;
  if (record.result !== "succeeded" && record.operation !== "preview") {
    next.lastError = {
      operation: record.operation,
      message: truncate(record.error ?? `the ${record.operation} was ${record.result}`),
      at: finishedAt,
    };
  }
  next.log = [
    ...next.log,
    {
      operation: record.operation,
      result: record.result,
      startedAt: iso(record.startedAt),
      finishedAt,
      ...(record.resourceChanges ? { resourceChanges: record.resourceChanges } : {}),
      ...(record.error !== undefined ? { error: truncate(record.error) } : {}),
    },
  ].slice(-maxLogEntries);
  return next;
}

function storeOutputs(
  next: InstanceState,
  previous: InstanceState,
  outputs: Record<string, OutputValue>,
  crypter: PassphraseCrypter | undefined,
  file: string,
): void {
  const plain: Record<string, unknown> = {};
  const secret: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  const previousSecret = previous.secretOutputs;
  for (const [name, { value, secret: isSecret }] of Object.entries(outputs)) {
    if (!isSecret) {
      plain[name] = value;
      hashes[name] = hashJson(value);
      continue;
    }
    if (!crypter) throw new SecretsLockedError(file);
    const json = JSON.stringify(value ?? null);
    const old = previousSecret?.encryptionSalt === crypter.encryptionSalt ? previousSecret.values[name] : undefined;
    if (old !== undefined && safeDecrypt(crypter, old) === json) {
      // An unchanged secret keeps its ciphertext and hash, so nothing downstream looks changed.
      secret[name] = old;
      hashes[name] = previous.outputHashes[name] ?? secretOutputHash(old);
    } else {
      secret[name] = crypter.encrypt(json);
      hashes[name] = secretOutputHash(secret[name]!);
    }
  }
  next.outputs = plain;
  next.outputHashes = hashes;
  if (Object.keys(secret).length > 0) next.secretOutputs = { encryptionSalt: crypter!.encryptionSalt, values: secret };
  else delete next.secretOutputs;
}

/** The hash of a secret output: of its ciphertext (random per encryption), so it reveals nothing about the value. */
function secretOutputHash(secureValue: string): string {
  return `secure:sha256:${createHash("sha256").update(secureValue).digest("hex")}`;
}

function safeDecrypt(crypter: PassphraseCrypter, secureValue: string): string | undefined {
  try {
    return crypter.decrypt(secureValue);
  } catch {
    return undefined;
  }
}

/** Parses an instance state file; anything unreadable is an `UnreadableFileError` (the file is then never overwritten). */
export function parseInstanceState(text: string, file: string): InstanceState {
  const document = parseJsonDocument(text, file);
  const version = (document as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > instanceStateFormatVersion) {
    throw new UnreadableFileError(file, `it was written by a newer Highstate (state format version ${version}); update @highstate/runner`, {
      path: "version",
    });
  }
  const result = instanceStateSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UnreadableFileError(
      file,
      issue.message,
      { path: formatValuePath(issue.path as Array<string | number>) || "(top level)" },
      { cause: result.error },
    );
  }
  return result.data;
}

/** Whether an instance's stack may hold resources: created, or failed with resources left. */
export function hasResources(state: InstanceState | undefined): boolean {
  return state !== undefined && (state.status === "created" || (state.status === "failed" && state.resourceCount > 0));
}
