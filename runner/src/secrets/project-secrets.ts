import { rm } from "node:fs/promises";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { readTextFileIfExists } from "../fs/strict-text.js";
import {
  IncorrectPasswordError,
  NoProjectPasswordError,
  ProjectPasswordExistsError,
  SecretDecryptionError,
  SecretsChangedOnDiskError,
  SecretsLockedError,
} from "./errors.js";
import { createPassphraseCrypter, type PassphraseCrypter } from "./passphrase-crypter.js";
import { emptySecretsFile, parseSecretsFile, type SecretsFileContent, serializeSecretsFile, updateSecretsText } from "./secrets-file.js";

/** The result of {@link ProjectSecrets.changePassword}. */
export interface PasswordChange {
  /** The crypter of the old password (to re-encrypt other data, such as stored secret outputs). */
  previous: PassphraseCrypter;
  /** The crypter of the new password, now used by the project. */
  current: PassphraseCrypter;
}

function cloneContent(content: SecretsFileContent): SecretsFileContent {
  return {
    ...content,
    secrets: Object.fromEntries(Object.entries(content.secrets).map(([id, values]) => [id, { ...values }])),
  };
}

function assertKey(kind: string, value: string): void {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`The ${kind} must be a non-empty string.`);
}

/**
 * The secrets of one project, stored in `Pulumi.<project>.yaml` in Pulumi's passphrase format as
 * `config: { "highstate:secrets": { "<instance id>": { "<name>": { secure: "v1:…" } } } }`. Which
 * secrets are set can be listed without the password; values are read and written after `unlock`.
 * Every change is one atomic write of the whole file, with sorted keys; a file that cannot be read is
 * never written. Writes are serialised, and the file is re-read before each one, so edits made on disk
 * in the meantime (e.g. a `git pull`) are kept.
 */
export class ProjectSecrets {
  /** The absolute path of `Pulumi.<project>.yaml`. */
  readonly file: string;
  private content: SecretsFileContent;
  private lastText: string | undefined;
  private crypterValue: PassphraseCrypter | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(file: string, content: SecretsFileContent, text: string | undefined) {
    this.file = file;
    this.content = content;
    this.lastText = text;
  }

  /** Reads the secrets file (a missing file is an empty one). Throws `UnreadableFileError` when it cannot be read. */
  static async open(file: string): Promise<ProjectSecrets> {
    const text = await readTextFileIfExists(file);
    return new ProjectSecrets(file, text === undefined ? emptySecretsFile() : parseSecretsFile(text, file), text);
  }

  /** The project's `encryptionsalt`, or `undefined` when no password has been set. */
  get encryptionSalt(): string | undefined {
    return this.content.encryptionSalt;
  }

  /** Whether the project has a password. */
  get hasPassword(): boolean {
    return this.content.encryptionSalt !== undefined;
  }

  /** Whether values can be read and written (the password was given). */
  get isUnlocked(): boolean {
    return this.crypterValue !== undefined;
  }

  /** The crypter of the project password; throws `SecretsLockedError` until unlocked. */
  get crypter(): PassphraseCrypter {
    if (!this.crypterValue) throw new SecretsLockedError(this.file);
    return this.crypterValue;
  }

  /** Instance id → names of the secrets set for it (both sorted). Needs no password. */
  listSecrets(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const id of Object.keys(this.content.secrets).sort()) {
      const names = Object.keys(this.content.secrets[id]!).sort();
      if (names.length > 0) result[id] = names;
    }
    return result;
  }

  /** Names of the secrets set for one instance, sorted. Needs no password. */
  listInstanceSecrets(instanceId: string): string[] {
    return Object.keys(this.content.secrets[instanceId] ?? {}).sort();
  }

  /** Whether a secret is set. Needs no password. */
  has(instanceId: string, name: string): boolean {
    return this.content.secrets[instanceId]?.[name] !== undefined;
  }

  /** Sets the first password of a project that has none, and unlocks it. */
  async create(password: string): Promise<void> {
    await this.mutate(async (content) => {
      if (content.encryptionSalt !== undefined) throw new ProjectPasswordExistsError(this.file);
      const crypter = await createPassphraseCrypter(password);
      content.encryptionSalt = crypter.encryptionSalt;
      this.crypterValue = crypter;
    });
  }

  /** Checks the password against the `encryptionsalt` and unlocks the values; `IncorrectPasswordError` when it does not match. */
  async unlock(password: string): Promise<void> {
    await this.run(async () => {
      await this.reload();
      this.crypterValue = await this.crypterFor(password);
    });
  }

  /**
   * Re-reads the file when it changed on disk (e.g. after a `git pull`), so listings and values are
   * current. Throws `UnreadableFileError` for a broken file (the in-memory copy is kept), and
   * `SecretsChangedOnDiskError` (and locks) when the file now uses another password.
   */
  async refresh(): Promise<void> {
    await this.run(() => this.reload());
  }

  /** Forgets the key; values can no longer be read until the next `unlock`. */
  lock(): void {
    this.crypterValue = undefined;
  }

  /** Decrypts one secret, or returns `undefined` when it is not set. */
  get(instanceId: string, name: string): string | undefined {
    const secureValue = this.content.secrets[instanceId]?.[name];
    return secureValue === undefined ? undefined : this.decryptValue(instanceId, name, secureValue);
  }

  /** Decrypts every secret of one instance. */
  getInstanceSecrets(instanceId: string): Record<string, string> {
    const values: Record<string, string> = {};
    for (const name of this.listInstanceSecrets(instanceId)) values[name] = this.get(instanceId, name)!;
    return values;
  }

  /** Sets one secret. */
  async set(instanceId: string, name: string, value: string): Promise<void> {
    await this.setMany(instanceId, { [name]: value });
  }

  /** Sets (or, for `undefined`, deletes) several secrets of one instance in one write. */
  async setMany(instanceId: string, values: Record<string, string | undefined>): Promise<void> {
    assertKey("instance id", instanceId);
    for (const [name, value] of Object.entries(values)) {
      assertKey("secret name", name);
      if (value !== undefined && typeof value !== "string") throw new TypeError(`The value of secret "${name}" must be a string.`);
    }
    await this.mutate(async (content) => {
      if (content.encryptionSalt === undefined) throw new NoProjectPasswordError(this.file);
      const crypter = this.crypter;
      const current = { ...content.secrets[instanceId] };
      for (const [name, value] of Object.entries(values)) {
        if (value === undefined) {
          delete current[name];
          continue;
        }
        const existing = current[name];
        // Keeping the ciphertext of an unchanged value keeps diffs quiet.
        if (existing !== undefined && this.tryDecrypt(crypter, existing) === value) continue;
        current[name] = crypter.encrypt(value);
      }
      if (Object.keys(current).length > 0) content.secrets[instanceId] = current;
      else delete content.secrets[instanceId];
    });
  }

  /** Deletes one secret (needs no password). */
  async delete(instanceId: string, name: string): Promise<void> {
    await this.mutate(async (content) => {
      const current = content.secrets[instanceId];
      if (!current || current[name] === undefined) return;
      delete current[name];
      if (Object.keys(current).length === 0) delete content.secrets[instanceId];
    });
  }

  /** Moves an instance's secrets to its new id after a rename (needs no password: ciphertexts move as they are). */
  async renameInstance(oldId: string, newId: string): Promise<void> {
    assertKey("instance id", newId);
    await this.mutate(async (content) => {
      const values = content.secrets[oldId];
      if (!values || oldId === newId) return;
      if (content.secrets[newId] !== undefined)
        throw new Error(`Cannot move the secrets of "${oldId}" to "${newId}" in "${this.file}": "${newId}" already has secrets.`);
      content.secrets[newId] = values;
      delete content.secrets[oldId];
    });
  }

  /** Removes every secret of an instance (needs no password). */
  async removeInstance(instanceId: string): Promise<void> {
    await this.mutate(async (content) => {
      delete content.secrets[instanceId];
    });
  }

  /**
   * Changes the project password: checks the current one, derives a key from a new salt, re-encrypts
   * every value and writes the file once, atomically. Throws `IncorrectPasswordError` (nothing written)
   * when the current password is wrong.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<PasswordChange> {
    let change: PasswordChange | undefined;
    await this.mutate(async (content) => {
      if (content.encryptionSalt === undefined) throw new NoProjectPasswordError(this.file);
      const previous = await this.crypterFor(currentPassword);
      const current = await createPassphraseCrypter(newPassword);
      for (const [instanceId, values] of Object.entries(content.secrets)) {
        const reencrypted: Record<string, string> = {};
        for (const [name, secureValue] of Object.entries(values))
          reencrypted[name] = current.encrypt(this.decryptValue(instanceId, name, secureValue, previous));
        content.secrets[instanceId] = reencrypted;
      }
      content.encryptionSalt = current.encryptionSalt;
      this.crypterValue = current;
      change = { previous, current };
    });
    return change!;
  }

  private async crypterFor(password: string): Promise<PassphraseCrypter> {
    const salt = this.content.encryptionSalt;
    if (salt === undefined) throw new NoProjectPasswordError(this.file);
    try {
      return await createPassphraseCrypter(password, salt);
    } catch (error) {
      if (error instanceof IncorrectPasswordError) throw new IncorrectPasswordError({ file: this.file, cause: error });
      throw error;
    }
  }

  private tryDecrypt(crypter: PassphraseCrypter, secureValue: string): string | undefined {
    try {
      return crypter.decrypt(secureValue);
    } catch {
      return undefined;
    }
  }

  private decryptValue(instanceId: string, name: string, secureValue: string, crypter = this.crypter): string {
    try {
      return crypter.decrypt(secureValue);
    } catch (error) {
      throw new SecretDecryptionError(`secret "${name}" of "${instanceId}" in "${this.file}"`, { cause: error });
    }
  }

  private run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Re-reads the file when it changed on disk; drops the key when the password changed under us. */
  private async reload(): Promise<void> {
    const text = await readTextFileIfExists(this.file);
    if (text === this.lastText) return;
    const content = text === undefined ? emptySecretsFile() : parseSecretsFile(text, this.file);
    this.content = content;
    this.lastText = text;
    if (this.crypterValue && this.crypterValue.encryptionSalt !== content.encryptionSalt) {
      this.crypterValue = undefined;
      throw new SecretsChangedOnDiskError(this.file);
    }
  }

  /** Applies a change to a copy of the current content and writes it; on any error nothing is written. */
  private mutate(change: (content: SecretsFileContent) => Promise<void>): Promise<void> {
    return this.run(async () => {
      await this.reload();
      const previousCrypter = this.crypterValue;
      const next = cloneContent(this.content);
      try {
        await change(next);
        const canonical = serializeSecretsFile(next);
        // A change that changes nothing leaves the file (even a hand-formatted one) alone.
        if (canonical !== serializeSecretsFile(this.content)) {
          // An existing file is edited in place, so its comments and layout survive.
          const text =
            this.lastText === undefined || canonical === "" ? canonical : updateSecretsText(this.lastText, this.content, next, this.file);
          if (text === "") await rm(this.file, { force: true });
          else await writeFileAtomic(this.file, text, { mode: 0o600 });
          this.lastText = text;
        }
        this.content = next;
      } catch (error) {
        this.crypterValue = previousCrypter;
        throw error;
      }
    });
  }
}
