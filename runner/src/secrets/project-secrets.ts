import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../fs/atomic-write.js";
import { readTextFileIfExists } from "../fs/strict-text.js";
import { checkBindings, deriveSecretBinder, hasBindings, type SecretBinder } from "./bindings.js";
import {
  IncorrectPasswordError,
  NoProjectPasswordError,
  NoSuchSecretError,
  ProjectPasswordExistsError,
  SecretBindingError,
  type SecretBindingProblem,
  SecretDecryptionError,
  SecretRebindLockedError,
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

/** The result of {@link ProjectSecrets.accept}. */
export interface AcceptedBindings {
  /** The secrets bound to their current place by this call. */
  accepted: SecretBindingProblem[];
  /** Secrets whose binding still does not hold (not selected); the project stays locked while there are any. */
  remaining: SecretBindingProblem[];
}

/** A secret named for {@link ProjectSecrets.accept}: one secret, or (without `name`) every secret of an instance. */
export interface SecretPlace {
  instanceId: string;
  name?: string;
}

/**
 * The file (under the workspace's `.highstate/`, which is not committed) listing the SHA-256 of every
 * `encryptionsalt` this workspace has seen with bindings: a file with that salt but without any
 * binding had its bindings removed, and is refused rather than read as one written before bindings.
 */
export const boundSaltsFileName = "secret-bindings-seen";

interface ProjectKeys {
  crypter: PassphraseCrypter;
  binder: SecretBinder;
}

function cloneContent(content: SecretsFileContent): SecretsFileContent {
  return {
    ...content,
    secrets: Object.fromEntries(Object.entries(content.secrets).map(([id, values]) => [id, { ...values }])),
    bindings: Object.fromEntries(Object.entries(content.bindings).map(([id, names]) => [id, { ...names }])),
  };
}

function saltDigest(encryptionSalt: string): string {
  return createHash("sha256").update(encryptionSalt).digest("hex");
}

function entryOf(map: Record<string, Record<string, string>>, instanceId: string, name: string): string | undefined {
  return Object.hasOwn(map, instanceId) && Object.hasOwn(map[instanceId]!, name) ? map[instanceId]![name] : undefined;
}

function assertKey(kind: string, value: string): void {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`The ${kind} must be a non-empty string.`);
}

/**
 * The secrets of one project, stored in `Pulumi.<project>.yaml` in Pulumi's passphrase format as
 * `config: { "highstate:secrets": { "<instance id>": { "<name>": { secure: "v1:…" } } } }`. Which
 * secrets are set can be listed without the password; values are read and written after `unlock`.
 * Each value is bound to its place by an HMAC under `highstate:secretBindings` (see `bindings.ts`):
 * `unlock` refuses a file where a value was moved or edited (`SecretBindingError`) until the change is
 * restored or accepted with {@link ProjectSecrets.accept}. A file written before bindings existed is
 * read as it is ({@link ProjectSecrets.bindingWarning} says so) and bound by the next write.
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
  private binderValue: SecretBinder | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly boundSaltsFile: string;

  private constructor(file: string, content: SecretsFileContent, text: string | undefined) {
    this.file = file;
    this.content = content;
    this.lastText = text;
    this.boundSaltsFile = join(dirname(file), ".highstate", boundSaltsFileName);
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

  /**
   * Secrets stored without a binding in a file that has none yet (written before bindings existed, or
   * by another tool): they are read as they are and bound by the next write made with the password.
   * Needs no password.
   */
  unboundSecrets(): Array<{ instanceId: string; name: string }> {
    if (hasBindings(this.content.bindings)) return [];
    return Object.entries(this.listSecrets()).flatMap(([instanceId, names]) => names.map((name) => ({ instanceId, name })));
  }

  /** A warning to show for a file whose secrets are not bound yet ({@link unboundSecrets}), else `undefined`. */
  bindingWarning(): string | undefined {
    const unbound = this.unboundSecrets();
    if (unbound.length === 0) return undefined;
    return `The ${unbound.length === 1 ? "secret" : `${unbound.length} secrets`} in "${this.file}" ${unbound.length === 1 ? "is" : "are"} not bound to ${unbound.length === 1 ? "its instance and name" : "their instances and names"} yet (the file was written before Highstate bound secrets), so a value moved between places would not be noticed. The next change made with the password binds them; to bind them now, check the file and run \`highstate secrets accept --all\`.`;
  }

  /**
   * Whether renaming the instance needs the password: its secrets are bound to its id, and the
   * bindings for the new id can only be made with the key. Needs no password.
   */
  renameNeedsPassword(instanceId: string): boolean {
    return (
      !this.isUnlocked &&
      Object.keys(this.content.secrets[instanceId] ?? {}).length > 0 &&
      hasBindings({ [instanceId]: this.content.bindings[instanceId] ?? {} })
    );
  }

  /** Sets the first password of a project that has none, and unlocks it. */
  async create(password: string): Promise<void> {
    await this.mutate(async (content) => {
      if (content.encryptionSalt !== undefined) throw new ProjectPasswordExistsError(this.file);
      const crypter = await createPassphraseCrypter(password);
      content.encryptionSalt = crypter.encryptionSalt;
      this.setKeys({ crypter, binder: await deriveSecretBinder(password, crypter.encryptionSalt) });
    });
  }

  /**
   * Checks the password against the `encryptionsalt` and unlocks the values; `IncorrectPasswordError`
   * when it does not match, `SecretBindingError` (still locked) when a value is not bound to its place.
   */
  async unlock(password: string): Promise<void> {
    await this.run(async () => {
      await this.reload();
      const keys = await this.keysFor(password);
      await this.assertBound(this.content, keys.binder);
      this.setKeys(keys);
      await this.rememberBound(this.content);
    });
  }

  /**
   * Accepts values that are not bound to their place (moved or edited on purpose, or written before
   * bindings existed): checks the password, checks that each selected value decrypts with it, binds it
   * to where it is now and writes the file. `"all"` accepts every such value. In a file that has no
   * bindings yet, every value is bound (the first write binds them all). Leaves the project unlocked
   * when nothing else is left unbound. Naming a secret that is not set is an error; naming one that is
   * already bound changes nothing.
   */
  async accept(password: string, selection: "all" | SecretPlace[]): Promise<AcceptedBindings> {
    return this.run(async () => {
      // The values are about to be checked with the password given now, not with the key at hand.
      const previousKeys = this.crypterValue && this.binderValue ? { crypter: this.crypterValue, binder: this.binderValue } : undefined;
      const textBefore = this.lastText;
      this.setKeys(undefined);
      await this.reload();
      try {
        return await this.acceptWith(password, selection);
      } catch (error) {
        // A wrong password (or a wrong name) does not lock a project that was unlocked, as long as the
        // file is the one the key at hand was checked against.
        if (previousKeys && this.lastText === textBefore && !this.isUnlocked) this.setKeys(previousKeys);
        throw error;
      }
    });
  }

  /** {@link accept} after the file was re-read with no key at hand. */
  private async acceptWith(password: string, selection: "all" | SecretPlace[]): Promise<AcceptedBindings> {
    const keys = await this.keysFor(password);
    const check = checkBindings(this.content.secrets, this.content.bindings, keys.binder);
    const candidates: SecretBindingProblem[] = [
      ...check.problems,
      ...check.unbound.map((place) => ({ ...place, kind: "unbound" as const })),
    ];
    if (selection !== "all") {
      for (const place of selection) {
        const names = Object.keys(this.content.secrets[place.instanceId] ?? {});
        if (place.name === undefined ? names.length === 0 : !names.includes(place.name))
          throw new NoSuchSecretError(this.file, place.instanceId, place.name, names.sort());
      }
    }
    const chosen = (candidate: SecretBindingProblem): boolean =>
      selection === "all" ||
      // The first write to a file without bindings binds every value.
      !check.bound ||
      selection.some((place) => place.instanceId === candidate.instanceId && (place.name === undefined || place.name === candidate.name));
    const accepted = candidates.filter(chosen);
    const remaining = candidates.filter((candidate) => !chosen(candidate));
    const next = cloneContent(this.content);
    for (const { instanceId, name } of accepted) {
      const secureValue = entryOf(next.secrets, instanceId, name)!;
      // A value the key cannot decrypt cannot be accepted: it belongs to another password.
      this.decryptValue(instanceId, name, secureValue, keys.crypter, false);
      next.bindings[instanceId] = { ...next.bindings[instanceId], [name]: keys.binder.bind(instanceId, name, secureValue) };
    }
    await this.write(next);
    await this.rememberBound(next);
    if (remaining.length === 0) this.setKeys(keys);
    return { accepted, remaining };
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
    this.setKeys(undefined);
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

  /**
   * Moves an instance's secrets to its new id after a rename and binds them there. Secrets that are
   * bound need the password for that ({@link renameNeedsPassword}; `SecretRebindLockedError` otherwise,
   * nothing changed); unbound ones (a file without bindings) move as they are.
   */
  async renameInstance(oldId: string, newId: string): Promise<void> {
    assertKey("instance id", newId);
    await this.mutate(async (content) => {
      const values = content.secrets[oldId];
      if (!values || oldId === newId) return;
      if (content.secrets[newId] !== undefined)
        throw new Error(`Cannot move the secrets of "${oldId}" to "${newId}" in "${this.file}": "${newId}" already has secrets.`);
      if (this.renameNeedsPassword(oldId)) throw new SecretRebindLockedError(this.file, oldId);
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
      const previousKeys = await this.keysFor(currentPassword);
      // Re-encrypting would launder a moved value into a valid binding: refuse as unlock does.
      await this.assertBound(content, previousKeys.binder);
      const previous = previousKeys.crypter;
      const current = await createPassphraseCrypter(newPassword);
      for (const [instanceId, values] of Object.entries(content.secrets)) {
        const reencrypted: Record<string, string> = {};
        for (const [name, secureValue] of Object.entries(values))
          reencrypted[name] = current.encrypt(this.decryptValue(instanceId, name, secureValue, previous, false));
        content.secrets[instanceId] = reencrypted;
      }
      content.encryptionSalt = current.encryptionSalt;
      this.setKeys({ crypter: current, binder: await deriveSecretBinder(newPassword, current.encryptionSalt) });
      change = { previous, current };
    });
    return change!;
  }

  private async keysFor(password: string): Promise<ProjectKeys> {
    const salt = this.content.encryptionSalt;
    if (salt === undefined) throw new NoProjectPasswordError(this.file);
    try {
      const crypter = await createPassphraseCrypter(password, salt);
      return { crypter, binder: await deriveSecretBinder(password, salt) };
    } catch (error) {
      if (error instanceof IncorrectPasswordError) throw new IncorrectPasswordError({ file: this.file, cause: error });
      throw error;
    }
  }

  private setKeys(keys: ProjectKeys | undefined): void {
    this.crypterValue = keys?.crypter;
    this.binderValue = keys?.binder;
  }

  /** Refuses a value that is not bound to its place (in a file that has bindings). */
  private checkPlace(instanceId: string, name: string, secureValue: string): void {
    const binder = this.binderValue;
    if (!binder || !hasBindings(this.content.bindings)) return;
    const binding = entryOf(this.content.bindings, instanceId, name);
    if (binding === undefined) throw new SecretBindingError(this.file, [{ instanceId, name, kind: "unbound" }]);
    if (!binder.matches(instanceId, name, secureValue, binding))
      throw new SecretBindingError(this.file, [{ instanceId, name, kind: "mismatch" }]);
  }

  private tryDecrypt(crypter: PassphraseCrypter, secureValue: string): string | undefined {
    try {
      return crypter.decrypt(secureValue);
    } catch {
      return undefined;
    }
  }

  private decryptValue(instanceId: string, name: string, secureValue: string, crypter = this.crypter, checkPlace = true): string {
    if (checkPlace) this.checkPlace(instanceId, name, secureValue);
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

  /**
   * Re-reads the file when it changed on disk; drops the key when the password changed under us, or
   * when a value in the new text is not bound to its place (`SecretBindingError`).
   */
  private async reload(): Promise<void> {
    const text = await readTextFileIfExists(this.file);
    if (text === this.lastText) return;
    const content = text === undefined ? emptySecretsFile() : parseSecretsFile(text, this.file);
    this.content = content;
    this.lastText = text;
    if (this.crypterValue && this.crypterValue.encryptionSalt !== content.encryptionSalt) {
      this.setKeys(undefined);
      throw new SecretsChangedOnDiskError(this.file);
    }
    if (this.binderValue) {
      try {
        await this.assertBound(content, this.binderValue);
      } catch (error) {
        this.setKeys(undefined);
        throw error;
      }
    }
  }

  /**
   * Throws `SecretBindingError` for values not bound to their place, and for a file whose bindings were
   * all removed although this workspace has seen it (its salt) with bindings.
   */
  private async assertBound(content: SecretsFileContent, binder: SecretBinder): Promise<void> {
    const check = checkBindings(content.secrets, content.bindings, binder);
    if (check.problems.length > 0) throw new SecretBindingError(this.file, check.problems);
    if (
      check.unbound.length > 0 &&
      content.encryptionSalt !== undefined &&
      (await this.boundSalts()).has(saltDigest(content.encryptionSalt))
    )
      throw new SecretBindingError(
        this.file,
        check.unbound.map((place) => ({ ...place, kind: "unbound" as const })),
        { bindingsRemoved: true },
      );
  }

  private async boundSalts(): Promise<Set<string>> {
    const text = await readTextFileIfExists(this.boundSaltsFile).catch(() => undefined);
    return new Set((text ?? "").split("\n").filter((line) => /^[0-9a-f]{64}$/.test(line)));
  }

  /** Records (under `.highstate/`) that this workspace has seen the file's salt with bindings. */
  private async rememberBound(content: SecretsFileContent): Promise<void> {
    if (content.encryptionSalt === undefined || !hasBindings(content.bindings)) return;
    const seen = await this.boundSalts();
    const digest = saltDigest(content.encryptionSalt);
    if (seen.has(digest)) return;
    await ensurePrivateDir(dirname(this.boundSaltsFile));
    await writeFileAtomic(this.boundSaltsFile, `${[...seen, digest].join("\n")}\n`, { mode: 0o600 });
  }

  /**
   * The bindings of `content` after a change: with the key, every value is bound where it now is (the
   * current values were checked when the project was unlocked or the file re-read, and values of a file
   * without bindings are bound by this first write); without it, bindings of values that are gone are
   * dropped and the others kept as they are.
   */
  private bindAll(content: SecretsFileContent): void {
    const binder = this.binderValue;
    const bindings: Record<string, Record<string, string>> = {};
    for (const [instanceId, values] of Object.entries(content.secrets)) {
      const names: Record<string, string> = {};
      for (const [name, secureValue] of Object.entries(values)) {
        const binding = binder ? binder.bind(instanceId, name, secureValue) : entryOf(content.bindings, instanceId, name);
        if (binding !== undefined) names[name] = binding;
      }
      if (Object.keys(names).length > 0) bindings[instanceId] = names;
    }
    content.bindings = bindings;
  }

  /** Writes `next` (inside `run`, after `reload`): a change that changes nothing leaves the file alone. */
  private async write(next: SecretsFileContent): Promise<void> {
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
  }

  /** Applies a change to a copy of the current content and writes it; on any error nothing is written. */
  private mutate(change: (content: SecretsFileContent) => Promise<void>): Promise<void> {
    return this.run(async () => {
      await this.reload();
      const previousKeys = this.crypterValue && this.binderValue ? { crypter: this.crypterValue, binder: this.binderValue } : undefined;
      const next = cloneContent(this.content);
      try {
        await change(next);
        this.bindAll(next);
        await this.write(next);
        if (this.binderValue) await this.rememberBound(next);
      } catch (error) {
        this.setKeys(previousKeys);
        throw error;
      }
    });
  }
}
