/** Thrown when a service cannot be published through an access point; names the host name and what to change. */
export class PublishError extends Error {
  override name = "PublishError";

  constructor(
    /** The host name that was to be published. */
    readonly fqdn: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
