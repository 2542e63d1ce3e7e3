import { HighstateError } from "@highstate/contract";
/** Thrown when a password does not match a project's (or stack's) `encryptionsalt`; nothing was written. */
export class IncorrectPasswordError extends HighstateError {
  static override readonly code = "incorrect-password";
  override name = "IncorrectPasswordError";

  /** The file whose `encryptionsalt` the password was checked against, when known. */
  readonly file: string | undefined;

  constructor(options: { file?: string; project?: string } & ErrorOptions = {}) {
    const what =
      options.project !== undefined ? `project "${options.project}"` : options.file !== undefined ? `"${options.file}"` : "these secrets";
    super(
      `The password for ${what} is incorrect: it does not match the encryptionsalt${options.file !== undefined && options.project !== undefined ? ` in "${options.file}"` : ""}. Try again with the password the project was created with.`,
      options,
    );
    this.file = options.file;
  }
}

/** Thrown when a secure value is not in Pulumi's `v1:<nonce>:<ciphertext>` format. */
export class MalformedSecureValueError extends HighstateError {
  static override readonly code = "malformed-secure-value";
  override name = "MalformedSecureValueError";

  /** What is wrong with the value (the value itself is not repeated). */
  readonly problem: string;

  constructor(problem: string, options?: ErrorOptions) {
    super(`Malformed secure value: ${problem}; a secure value looks like "v1:<base64 nonce>:<base64 ciphertext>".`, options);
    this.problem = problem;
  }
}

/** Thrown when an `encryptionsalt` is not in Pulumi's `v1:<salt>:v1:<nonce>:<ciphertext>` format. */
export class MalformedEncryptionSaltError extends HighstateError {
  static override readonly code = "malformed-encryption-salt";
  override name = "MalformedEncryptionSaltError";

  /** What is wrong with the salt. */
  readonly problem: string;

  constructor(problem: string, options?: ErrorOptions) {
    super(`Malformed encryptionsalt: ${problem}; it looks like "v1:<base64 salt>:v1:<base64 nonce>:<base64 ciphertext>".`, options);
    this.problem = problem;
  }
}

/**
 * Thrown when a well-formed secure value does not decrypt with the project key: it was encrypted with
 * another password (or salt), or it was altered.
 */
export class SecretDecryptionError extends HighstateError {
  static override readonly code = "secret-decryption-failed";
  override name = "SecretDecryptionError";

  constructor(what: string, options?: ErrorOptions) {
    super(`Cannot decrypt ${what}: it was encrypted with another password or altered. Set the secret again.`, options);
  }
}

/** Thrown when secret values are read or written before the project was unlocked with its password. */
export class SecretsLockedError extends HighstateError {
  static override readonly code = "secrets-locked";
  override name = "SecretsLockedError";

  constructor(file: string) {
    super(`The secrets in "${file}" are locked; unlock the project with its password first.`);
  }
}

/** Thrown when a secret is set on a project that has no password yet. */
export class NoProjectPasswordError extends HighstateError {
  static override readonly code = "no-project-password";
  override name = "NoProjectPasswordError";

  constructor(file: string) {
    super(`"${file}" has no encryptionsalt yet; create the project password before setting secrets.`);
  }
}

/** Thrown when creating a password for a project that already has one. */
export class ProjectPasswordExistsError extends HighstateError {
  static override readonly code = "project-password-exists";
  override name = "ProjectPasswordExistsError";

  constructor(file: string) {
    super(`"${file}" already has a password (an encryptionsalt); unlock it, or change the password instead.`);
  }
}

/**
 * Thrown when the secrets file was re-encrypted (or removed) by someone else since it was unlocked, so
 * values encrypted with the key at hand would be unreadable. Nothing was written.
 */
export class SecretsChangedOnDiskError extends HighstateError {
  static override readonly code = "secrets-changed-on-disk";
  override name = "SecretsChangedOnDiskError";

  constructor(file: string) {
    super(`"${file}" changed on disk and now uses another password (or was removed); unlock the project again. Nothing was written.`);
  }
}

/** One secret whose binding to its place does not hold. */
export interface SecretBindingProblem {
  /** The instance id the secret is stored under. */
  instanceId: string;
  /** The secret name. */
  name: string;
  /** `mismatch`: the binding does not match (moved or edited value); `unbound`: no binding although the file has bindings. */
  kind: "mismatch" | "unbound";
  /**
   * The place whose binding covers the value now stored here: the value was moved (or copied) here from
   * that instance and secret. Left out when no binding in the file covers it (edited by hand, or from
   * another file or an old revision).
   */
  movedFrom?: { instanceId: string; name: string };
}

function describeBindingProblem(problem: SecretBindingProblem): string {
  const place = `secret "${problem.name}" of "${problem.instanceId}"`;
  const from = problem.movedFrom && `secret "${problem.movedFrom.name}" of "${problem.movedFrom.instanceId}"`;
  if (problem.kind === "mismatch")
    return from
      ? `${place} does not match its binding (it holds the value of ${from}: moved or copied here)`
      : `${place} does not match its binding (the value was moved here from another instance or secret, or edited by hand)`;
  return from
    ? `${place} has no binding (it holds the value of ${from}: copied or moved here)`
    : `${place} has no binding (it was added by hand, by a merge or by an older Highstate)`;
}

/**
 * Thrown when `secure:` values of `Pulumi.<project>.yaml` are not where they were written: a value was
 * moved to another instance or secret name, or edited by hand. Nothing is read or written until the
 * file is restored or the change is accepted with `highstate secrets accept`.
 */
export class SecretBindingError extends HighstateError {
  static override readonly code = "secrets-not-bound";
  override name = "SecretBindingError";

  /** The secrets file. */
  readonly file: string;
  /** Every secret whose binding does not hold, sorted by instance and name. */
  readonly problems: SecretBindingProblem[];
  /** Whether the whole bindings section was removed from a file this workspace has seen with bindings. */
  readonly bindingsRemoved: boolean;

  constructor(file: string, problems: SecretBindingProblem[], options?: ErrorOptions & { bindingsRemoved?: boolean }) {
    const shown = problems.slice(0, 5).map(describeBindingProblem);
    const removed = options?.bindingsRemoved
      ? `the whole "highstate:secretBindings" section was removed, though this workspace has seen the file with bindings (under .highstate/), so `
      : "";
    const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : "";
    const first = problems[0];
    const acceptOne = first
      ? `\`highstate secrets accept ${first.instanceId} ${first.name}\``
      : "`highstate secrets accept <instance> <secret>`";
    super(
      `The secrets in "${file}" are not bound to their place: ${removed}${shown.join("; ")}${more}. Nothing was read or written. If you did not make this change, restore "${file}" from version control; if it is intentional, accept it with ${acceptOne} (or \`highstate secrets accept --all\`), which asks for the project password.`,
      options,
    );
    this.file = file;
    this.problems = problems;
    this.bindingsRemoved = options?.bindingsRemoved === true;
  }
}

/** Thrown when a secret (or an instance's secrets) named for `accept` is not set in the secrets file. */
export class NoSuchSecretError extends HighstateError {
  static override readonly code = "no-such-secret";
  override name = "NoSuchSecretError";

  constructor(file: string, instanceId: string, name: string | undefined, present: string[]) {
    super(
      `"${file}" has no secret ${name === undefined ? "" : `"${name}" `}of "${instanceId}"${present.length > 0 ? ` (it has ${present.map((item) => `"${item}"`).join(", ")})` : ""}; nothing was accepted. Check the instance id and secret name.`,
    );
  }
}

/** Thrown when renaming an instance whose secrets are bound while the project is locked: the bindings need the password. */
export class SecretRebindLockedError extends HighstateError {
  static override readonly code = "secret-rebind-locked";
  override name = "SecretRebindLockedError";

  constructor(file: string, instanceId: string) {
    super(
      `The secrets of "${instanceId}" in "${file}" are bound to its id, so renaming it needs the project password to bind them to the new id; unlock the project (or give HIGHSTATE_PASSWORD) and rename again. Nothing was changed.`,
    );
  }
}
