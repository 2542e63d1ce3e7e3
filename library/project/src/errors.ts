import { HighstateError } from "@highstate/contract";
/**
 * The base of every error a project operation throws: the operation was refused, the project is
 * unchanged, and `field` names what was wrong (e.g. `name`, `type`, `input`, `args.port`).
 */
export class ProjectOperationError extends HighstateError {
  static override readonly code: string = "project-operation-refused";
  override name = "ProjectOperationError";

  constructor(
    /** The field of the request that was refused. */
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No instance with this id is in the project. */
export class InstanceNotFoundError extends ProjectOperationError {
  static override readonly code = "instance-not-found";
  override name = "InstanceNotFoundError";

  constructor(
    readonly instanceId: string,
    field = "instanceId",
  ) {
    super(field, `The project has no instance "${instanceId}"; check the id (it is "<component type>:<name>").`);
  }
}

/** No hub with this id is in the project. */
export class HubNotFoundError extends ProjectOperationError {
  static override readonly code = "hub-not-found";
  override name = "HubNotFoundError";

  constructor(
    readonly hubId: string,
    field = "hubId",
  ) {
    super(field, `The project has no hub "${hubId}"; check the id (it is "hub:<name>").`);
  }
}

/** The component type is not installed, so its inputs and outputs are unknown. */
export class UnknownComponentTypeError extends ProjectOperationError {
  static override readonly code = "unknown-component-type";
  override name = "UnknownComponentTypeError";

  constructor(
    readonly type: string,
    field = "type",
  ) {
    super(field, `Component "${type}" is not installed; install the package that provides it, or check the type id.`);
  }
}

/** The instance name is not allowed. */
export class InvalidInstanceNameError extends ProjectOperationError {
  static override readonly code = "invalid-instance-name";
  override name = "InvalidInstanceNameError";

  constructor(
    readonly instanceName: string,
    reason: string,
  ) {
    super(
      "name",
      `"${instanceName}" is not a valid instance name: ${reason}. Use lower-case letters, digits and dashes, starting with a letter.`,
    );
  }
}

/** Another instance of the same component type already has this name. */
export class DuplicateInstanceError extends ProjectOperationError {
  static override readonly code = "duplicate-instance";
  override name = "DuplicateInstanceError";

  constructor(readonly instanceId: string) {
    super("name", `The project already has an instance "${instanceId}"; names must be unique per component type, choose another.`);
  }
}

/** The args do not match the component's args schema. */
export class InvalidArgsError extends ProjectOperationError {
  static override readonly code = "invalid-args";
  override name = "InvalidArgsError";

  constructor(
    readonly instanceId: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(
      issues[0]?.path ? `args.${issues[0].path}` : "args",
      `Invalid args for "${instanceId}": ${issues.map((issue) => (issue.path ? `"${issue.path}": ${issue.message}` : issue.message)).join("; ")}.`,
    );
  }
}

/** The position is not a pair of finite numbers. */
export class InvalidPositionError extends ProjectOperationError {
  static override readonly code = "invalid-position";
  override name = "InvalidPositionError";

  constructor(what: string) {
    super("position", `The position of "${what}" must have finite numbers "x" and "y".`);
  }
}

/** The component has no input with this name. */
export class InputNotFoundError extends ProjectOperationError {
  static override readonly code = "input-not-found";
  override name = "InputNotFoundError";

  constructor(
    readonly instanceId: string,
    readonly input: string,
    known: string[],
  ) {
    super(
      "input",
      `"${instanceId}" has no input "${input}" (it has ${known.length > 0 ? known.map((name) => `"${name}"`).join(", ") : "none"}).`,
    );
  }
}

/** The component has no output with this name. */
export class OutputNotFoundError extends ProjectOperationError {
  static override readonly code = "output-not-found";
  override name = "OutputNotFoundError";

  constructor(
    readonly instanceId: string,
    readonly output: string,
    known: string[],
  ) {
    super(
      "output",
      `"${instanceId}" has no output "${output}" (it has ${known.length > 0 ? known.map((name) => `"${name}"`).join(", ") : "none"}).`,
    );
  }
}

/** The output gives another entity type than the input takes. */
export class IncompatibleInputError extends ProjectOperationError {
  static override readonly code = "incompatible-input";
  override name = "IncompatibleInputError";

  constructor(
    readonly instanceId: string,
    readonly input: string,
    readonly expected: string,
    readonly actual: string,
    from: string,
  ) {
    super(
      "input",
      `Input "${input}" of "${instanceId}" takes "${expected}", but ${from} gives "${actual}"; connect an output of type "${expected}".`,
    );
  }
}

/** The hub id is malformed or taken, or an injection would make a hub include itself. */
export class InvalidHubError extends ProjectOperationError {
  static override readonly code = "invalid-hub";
  override name = "InvalidHubError";

  constructor(
    readonly hubId: string,
    reason: string,
  ) {
    super("hubId", `Hub "${hubId}": ${reason}.`);
  }
}
