/**
 * Errors of the engine layer. Each kind has its own class; messages name the thing in quotes and say
 * what to do, and the underlying error is chained as `cause`.
 */
import { HighstateError } from "@highstate/contract";

/** The official installer command for a given CLI version, shown in every "how to install" hint. */
export function officialInstallCommand(version: string): string {
  return `curl -fsSL https://get.pulumi.com | sh -s -- --version ${version}`;
}

/** Thrown when no `pulumi` CLI can be found. Every run fails at once with it; nothing else is affected. */
export class PulumiCliNotFoundError extends HighstateError {
  static override readonly code = "pulumi-cli-not-found";
  override name = "PulumiCliNotFoundError";

  /** The places that were searched, in order. */
  readonly searched: string[];

  constructor(pinnedVersion: string, searched: string[], options?: ErrorOptions) {
    super(
      `The Pulumi CLI ("pulumi") was not found (looked in ${searched.map((place) => `"${place}"`).join(", ")}). ` +
        `Highstate runs units with Pulumi ${pinnedVersion}: install it with \`highstate install-pulumi\`, ` +
        `or with the official installer (\`${officialInstallCommand(pinnedVersion)}\`) and make sure "pulumi" is on PATH.`,
      options,
    );
    this.searched = searched;
  }
}

/** Thrown when the `pulumi` CLI exists but cannot be used: it does not run, or its version is too old. */
export class PulumiCliUnusableError extends HighstateError {
  static override readonly code = "pulumi-cli-unusable";
  override name = "PulumiCliUnusableError";

  /** The CLI executable that was tried. */
  readonly command: string;

  constructor(command: string, problem: string, pinnedVersion: string, options?: ErrorOptions) {
    super(
      `The Pulumi CLI "${command}" cannot be used: ${problem}. Install Pulumi ${pinnedVersion} with \`highstate install-pulumi\` ` +
        `or the official installer (\`${officialInstallCommand(pinnedVersion)}\`).`,
      options,
    );
    this.command = command;
  }
}

/** Thrown by `highstate install-pulumi` when the CLI cannot be downloaded or installed. */
export class PulumiInstallError extends HighstateError {
  static override readonly code = "pulumi-install-failed";
  override name = "PulumiInstallError";

  constructor(version: string, root: string, problem: string, options?: ErrorOptions) {
    super(
      `Could not install the Pulumi CLI ${version} into "${root}": ${problem}. Check the network connection (the installer ` +
        `downloads from https://get.pulumi.com and GitHub), or install it by hand with the official installer ` +
        `(\`${officialInstallCommand(version)}\`).`,
      options,
    );
  }
}

/** Thrown when the module of a unit cannot be resolved from the workspace. */
export class UnitModuleNotFoundError extends HighstateError {
  static override readonly code = "unit-module-not-found";
  override name = "UnitModuleNotFoundError";

  constructor(specifier: string, componentType: string, workspaceRoot: string, detail: string, options?: ErrorOptions) {
    const packageName = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
    super(
      `The module "${specifier}" of component "${componentType}" cannot be resolved from the workspace "${workspaceRoot}" (${detail}). ` +
        `Install the package with \`npm install ${packageName}\` in the workspace, or check that it exports "${specifier}".`,
      options,
    );
  }
}

/** Thrown when a unit's Pulumi operation fails. `message` is the concise cause (Pulumi's error diagnostics). */
export class UnitRunError extends HighstateError {
  static override readonly code = "unit-run-failed";
  override name = "UnitRunError";

  /** The instance the run was for. */
  readonly instanceId: string;

  constructor(instanceId: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.instanceId = instanceId;
  }
}

/** Thrown when a unit's run was cancelled. */
export class UnitRunCancelledError extends HighstateError {
  static override readonly code = "unit-run-cancelled";
  override name = "UnitRunCancelledError";

  readonly instanceId: string;

  constructor(instanceId: string, options?: ErrorOptions) {
    super(`The run of "${instanceId}" was cancelled.`, options);
    this.instanceId = instanceId;
  }
}

/** Thrown when a stack is locked by a process that is still alive (or on another machine / backend). */
export class StackLockedError extends HighstateError {
  static override readonly code = "stack-locked";
  override name = "StackLockedError";

  constructor(instanceId: string, detail: string, options?: ErrorOptions) {
    super(
      `The Pulumi stack of "${instanceId}" is locked by another operation (${detail}). Wait for it to finish; if no other ` +
        `process runs it any more, cancel the stale lock with \`pulumi cancel\` in its work dir.`,
      options,
    );
  }
}

/** Thrown when an operation is refused before anything runs (e.g. destroy while dependents exist). */
export class OperationRefusedError extends HighstateError {
  static override readonly code = "operation-refused";
  override name = "OperationRefusedError";
}

/** Thrown when an operation names something that does not exist. */
export class NoSuchInstanceError extends HighstateError {
  static override readonly code = "no-such-instance";
  override name = "NoSuchInstanceError";

  constructor(project: string, instanceId: string) {
    super(`Project "${project}" has no instance "${instanceId}"; check the id (\`<component type>:<name>\`).`);
  }
}

/** Thrown when an operation id is unknown. */
export class NoSuchOperationError extends HighstateError {
  static override readonly code = "no-such-operation";
  override name = "NoSuchOperationError";

  constructor(operationId: string) {
    super(`There is no operation "${operationId}"; it may have finished before the runner restarted.`);
  }
}
