/** Thrown when the Proxmox API cannot be reached at all: DNS, refused connection, timeout. */
export class ProxmoxUnreachableError extends Error {
  override name = "ProxmoxUnreachableError";

  constructor(
    readonly endpoint: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `The Proxmox API at "${endpoint}" cannot be reached (${reason}): check the endpoint (https://<host>:8006) and that this machine can reach it.`,
      options,
    );
  }
}

/** Thrown when the TLS certificate of the Proxmox API is not trusted. */
export class ProxmoxCertificateError extends Error {
  override name = "ProxmoxCertificateError";

  constructor(
    readonly endpoint: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `The TLS certificate of the Proxmox API at "${endpoint}" is not trusted (${reason}): install a trusted certificate on Proxmox, or set the "insecure" arg to skip the check (the default self-signed certificate needs it).`,
      options,
    );
  }
}

/** Thrown when Proxmox refuses the API token or the user name and password. */
export class ProxmoxAuthenticationError extends Error {
  override name = "ProxmoxAuthenticationError";

  constructor(
    readonly endpoint: string,
    /** What was refused: `the API token "root@pam!highstate"` or `the user "root@pam"`. */
    readonly credentials: string,
    reason: string,
  ) {
    super(
      `Proxmox at "${endpoint}" refused ${credentials} (${reason}): check the "apiToken" secret (USER@REALM!TOKENID=SECRET) or the "username" arg and "password" secret.`,
    );
  }
}

/** Thrown when the credentials are valid but lack a privilege Proxmox asks for. */
export class ProxmoxPermissionError extends Error {
  override name = "ProxmoxPermissionError";

  constructor(
    readonly endpoint: string,
    readonly request: string,
    reason: string,
  ) {
    super(
      `Proxmox at "${endpoint}" denied ${request}: ${reason}. Grant the API token or user that privilege (without privilege separation, or with a role on the path).`,
    );
  }
}

/** Any other error answer of the Proxmox API, with Proxmox's own message. */
export class ProxmoxApiError extends Error {
  override name = "ProxmoxApiError";

  constructor(
    readonly endpoint: string,
    readonly request: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`Proxmox at "${endpoint}" answered ${request} with HTTP ${status}: ${reason}`);
  }
}

/** Thrown when no node is online, or the named node does not exist or is offline. */
export class NoSuitableNodeError extends Error {
  override name = "NoSuitableNodeError";

  constructor(
    readonly endpoint: string,
    reason: string,
    /** The nodes the cluster has, with their status. */
    readonly nodes: readonly { node: string; status: string }[],
  ) {
    const list = nodes.length > 0 ? nodes.map((node) => `"${node.node}" (${node.status})`).join(", ") : "none";
    super(`Proxmox at "${endpoint}": ${reason}. Its nodes are: ${list}.`);
  }
}

/** Thrown when a node has no datastore that can hold what is needed (VM disks or images). */
export class NoSuitableDatastoreError extends Error {
  override name = "NoSuitableDatastoreError";

  constructor(
    readonly nodeName: string,
    reason: string,
    /** What the node's datastores can hold, for the message. */
    readonly datastores: readonly { storage: string; content: string; active: boolean; enabled: boolean }[],
  ) {
    const list =
      datastores.length > 0
        ? datastores
            .map(
              (store) =>
                `"${store.storage}" (${store.content || "no content"}${store.active && store.enabled ? "" : ", inactive or disabled"})`,
            )
            .join(", ")
        : "none visible to these credentials";
    super(`Proxmox node "${nodeName}": ${reason}. Its datastores are: ${list}.`);
  }
}

/** Thrown when a downloaded image's checksum differs from the expected one. */
export class ChecksumMismatchError extends Error {
  override name = "ChecksumMismatchError";

  constructor(
    readonly url: string,
    readonly algorithm: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `The image downloaded from "${url}" has the ${algorithm} checksum ${actual}, but ${expected} was expected: check the URL and the checksum arg (copy it from the publisher's ${algorithm.toUpperCase()}SUMS file). Nothing was kept on the datastore.`,
    );
  }
}

/** Thrown when a Proxmox task (a download, …) fails. */
export class ProxmoxTaskError extends Error {
  override name = "ProxmoxTaskError";

  constructor(
    readonly upid: string,
    readonly exitStatus: string,
    readonly log: readonly string[],
  ) {
    super(`The Proxmox task ${upid} failed: ${exitStatus}${log.length > 0 ? `\nTask log:\n${log.join("\n")}` : ""}`);
  }
}

/** Thrown when a volume is not on the datastore. */
export class NoSuchVolumeError extends Error {
  override name = "NoSuchVolumeError";

  constructor(
    readonly volid: string,
    readonly nodeName: string,
    /** Volumes that are there, for the message. */
    readonly available: readonly string[],
  ) {
    const list = available.length > 0 ? available.map((id) => `"${id}"`).join(", ") : "none";
    super(`The volume "${volid}" is not on Proxmox node "${nodeName}". Volumes of that datastore and content type: ${list}.`);
  }
}
