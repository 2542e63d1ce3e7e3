import { defineEntity, z } from "@highstate/contract";
import { hostSchema } from "./endpoint.js";
import { sshConnectionSchema } from "./ssh.js";

/** A machine reachable over the network, optionally over SSH with a pinned host key. */
export const serverSchema = z
  .object({
    /** The host name the machine reports about itself (`hostname`). */
    hostname: z.string().min(1),
    /** The addresses (IPs or host names) the server is reachable at, the preferred one first. */
    endpoints: z.array(hostSchema).min(1),
    /** How to reach the server over SSH; left out when SSH is not available. */
    ssh: sshConnectionSchema.optional(),
  })
  .strict();
export type Server = z.output<typeof serverSchema>;
export type ServerInput = z.input<typeof serverSchema>;

/** A machine reachable over the network, optionally over SSH with a pinned host key. */
export const serverEntity = defineEntity({
  type: "common.server.v1",
  schema: serverSchema,
  meta: { title: "Server", color: "#1f9e89", icon: "mdi:server" },
});
