import { HighstateError } from "@highstate/contract";
/** Thrown when instances feed each other in a loop; the message names the loop, e.g. `"a" → "b" → "a"`. */
export class DependencyCycleError extends HighstateError {
  static override readonly code = "dependency-cycle";
  override name = "DependencyCycleError";

  constructor(
    /** The instance ids along the cycle, the first repeated at the end. */
    readonly cycle: string[],
    options?: ErrorOptions,
  ) {
    super(`Instances depend on each other in a cycle: ${formatCycle(cycle)}; remove one of these connections`, options);
  }
}

/** Thrown when a selection names an instance that is not in the project. */
export class UnknownInstanceError extends HighstateError {
  static override readonly code = "unknown-instance";
  override name = "UnknownInstanceError";

  constructor(
    /** The instance id that was asked for. */
    readonly instanceId: string,
    /** The project it was looked for in, when known. */
    readonly project?: string,
  ) {
    super(
      `Instance "${instanceId}" is not in ${project ? `project "${project}"` : "the project"}; check the id (\`highstate instances list\` shows them)`,
    );
  }
}

/** Thrown when destroying instances whose dependents are still created, without cascading. */
export class HasDependentsError extends HighstateError {
  static override readonly code = "has-dependents";
  override name = "HasDependentsError";

  constructor(
    /** The instances asked to be destroyed. */
    readonly instanceIds: string[],
    /** Created instances that depend on them. */
    readonly dependents: string[],
  ) {
    super(
      `Cannot destroy ${instanceIds.map((id) => `"${id}"`).join(", ")}: ${dependents.map((id) => `"${id}"`).join(", ")} still ${dependents.length === 1 ? "depends" : "depend"} on ${instanceIds.length === 1 ? "it" : "them"}; destroy ${dependents.length === 1 ? "it" : "them"} first or destroy with cascade`,
    );
  }
}

/** Thrown when a selection includes an instance that cannot run (unknown component, invalid args or inputs, a cycle). */
export class InstanceBlockedError extends HighstateError {
  static override readonly code = "instance-blocked";
  override name = "InstanceBlockedError";

  constructor(
    /** The instance that cannot run. */
    readonly instanceId: string,
    /** Why, in a sentence. */
    readonly reason: string,
    /** Set when it cannot run only because it takes inputs from this instance, which is not created (run it with its dependencies). */
    readonly missingDependency?: string,
  ) {
    super(`Instance "${instanceId}" cannot run: ${reason}`);
  }
}

/** Formats a cycle as `"a" → "b" → "a"`. */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.map((id) => `"${id}"`).join(" → ");
}
