/** Thrown when a kubeconfig cannot be read: not YAML or JSON, or missing what a kubeconfig must have. */
export class InvalidKubeconfigError extends Error {
  override name = "InvalidKubeconfigError";

  constructor(
    /** Where the kubeconfig came from, for example `secret "kubeconfig"`. */
    readonly source: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`The kubeconfig in ${source} is not usable: ${reason}`, options);
  }
}

/** Thrown when the requested context is not in the kubeconfig; lists the contexts that are. */
export class NoSuchKubeconfigContextError extends Error {
  override name = "NoSuchKubeconfigContextError";

  constructor(
    readonly source: string,
    /** The context that was asked for. */
    readonly context: string,
    /** The contexts the kubeconfig has. */
    readonly available: readonly string[],
  ) {
    super(
      `The kubeconfig in ${source} has no context "${context}". ` +
        (available.length > 0 ? `Its contexts are: ${available.map((name) => `"${name}"`).join(", ")}.` : "It has no contexts at all."),
    );
  }
}
