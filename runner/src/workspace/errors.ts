import { HighstateError } from "@highstate/contract";
/** Thrown when a project name is not allowed (it becomes a file name and part of stack names). */
export class InvalidProjectNameError extends HighstateError {
  static override readonly code = "invalid-project-name";
  override name = "InvalidProjectNameError";

  constructor(
    /** The rejected name. */
    readonly projectName: string,
  ) {
    super(
      `"${projectName}" is not a valid project name: use lower-case letters, digits and dashes, starting with a letter (at most 63 characters).`,
    );
  }
}

/** Thrown when a project that does not exist is loaded, renamed or deleted. */
export class ProjectNotFoundError extends HighstateError {
  static override readonly code = "project-not-found";
  override name = "ProjectNotFoundError";

  constructor(
    /** The project name. */
    readonly projectName: string,
    /** The file that was looked for. */
    readonly file: string,
  ) {
    super(`Project "${projectName}" does not exist (no "${file}"); create it first or check the name.`);
  }
}

/** Thrown when a project is created or renamed onto a name that is taken. */
export class ProjectAlreadyExistsError extends HighstateError {
  static override readonly code = "project-already-exists";
  override name = "ProjectAlreadyExistsError";

  constructor(
    /** The project name. */
    readonly projectName: string,
    /** The file that is in the way. */
    readonly file: string,
  ) {
    super(`Project "${projectName}" already exists ("${file}"); choose another name.`);
  }
}

/** Thrown when deleting a project whose instances still have resources, unless forced. */
export class ProjectHasResourcesError extends HighstateError {
  static override readonly code = "project-has-resources";
  override name = "ProjectHasResourcesError";

  constructor(
    /** The project name. */
    readonly projectName: string,
    /** Ids of the instances that are still created (or failed with resources left). */
    readonly instanceIds: string[],
  ) {
    super(
      `Project "${projectName}" still has created instances (${instanceIds.map((id) => `"${id}"`).join(", ")}); destroy them first, or delete with force to abandon their resources.`,
    );
  }
}
