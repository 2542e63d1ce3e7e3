/** A failed Talos API call: names the node, the method and the gRPC status. */
export class TalosApiError extends Error {
  override name = "TalosApiError";

  constructor(
    message: string,
    /** The endpoint called (`host:port`). */
    readonly endpoint: string,
    /** The method, e.g. `ApplyConfiguration`. */
    readonly method: string,
    /** The gRPC status code name, e.g. `INVALID_ARGUMENT`. */
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The node did not answer: nothing listens at the endpoint, or the network does not reach it. */
export class TalosUnreachableError extends TalosApiError {
  override name = "TalosUnreachableError";
}

/** The TLS handshake failed: the node's or the client's certificate is not trusted by the other side. */
export class TalosCertificateError extends TalosApiError {
  override name = "TalosCertificateError";
}

/** An insecure (maintenance-mode) call reached a node that is configured already and wants a client certificate. */
export class NotInMaintenanceModeError extends TalosApiError {
  override name = "NotInMaintenanceModeError";
}

/** The node rejected the request itself (e.g. an invalid config, bootstrap too early or done already). */
export class TalosRequestError extends TalosApiError {
  override name = "TalosRequestError";
}
