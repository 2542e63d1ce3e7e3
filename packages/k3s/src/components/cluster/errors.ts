/** Thrown when two nodes of a cluster report the same host name, which k3s uses as the node name. */
export class DuplicateNodeNameError extends Error {
  override name = "DuplicateNodeNameError";

  constructor(
    /** The K3s Cluster instance. */
    readonly instance: string,
    /** The node name two servers share. */
    readonly nodeName: string,
  ) {
    super(
      `K3s Cluster "${instance}" has two nodes named "${nodeName}": k3s names nodes by host name, so give every server connected to "server" and "agents" its own host name (and connect each server only once).`,
    );
  }
}
