/** Thrown when an `rclone.conf` cannot be read: the message names where it came from, the line and what to do. */
export class InvalidRcloneConfigError extends Error {
  override name = "InvalidRcloneConfigError";

  constructor(
    message: string,
    /** The line the problem is on (1-based), when there is one. */
    readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown when the remote to use cannot be chosen: the named one is missing, or none is named and there are several. */
export class NoSuchRcloneRemoteError extends Error {
  override name = "NoSuchRcloneRemoteError";

  constructor(
    message: string,
    /** The remotes the file has. */
    readonly available: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown when a repository path pattern uses an unknown variable or would not make a usable path. */
export class InvalidPathPatternError extends Error {
  override name = "InvalidPathPatternError";
}
