import { defineEntity, z } from "@highstate/contract";

/** A host name (`server.example.com`) or an IPv4/IPv6 address literal (`10.0.0.5`, `2001:db8::1`). */
export const hostSchema = z.union([z.ipv4(), z.ipv6(), z.hostname()]);

/** A TCP or UDP port number. */
export const portSchema = z.number().int().min(1).max(65535);

/** Where an endpoint can be reached from. */
export const endpointVisibilitySchema = z.enum(["internal", "private", "public"]);
export type EndpointVisibility = z.output<typeof endpointVisibilitySchema>;

/** A network endpoint: a host and a port over TCP or UDP. */
export const endpointSchema = z
  .object({
    /** The host name or IP address to connect to. */
    host: hostSchema,
    /** The port number, 1–65535. */
    port: portSchema,
    /** The transport protocol: `tcp` (the default) or `udp`. */
    protocol: z.enum(["tcp", "udp"]).default("tcp"),
    /**
     * Where the endpoint is reachable from: `internal` only inside its cluster or host (for example a
     * Kubernetes service name), `private` inside a private network, `public` from the internet. Left out
     * when unknown.
     */
    visibility: endpointVisibilitySchema.optional(),
    /** The application protocol spoken on the port, for example `https`, `ssh` or `wireguard`. */
    appProtocol: z.string().min(1).optional(),
  })
  .strict();
export type Endpoint = z.output<typeof endpointSchema>;
export type EndpointInput = z.input<typeof endpointSchema>;

/** A network endpoint (host, port and protocol) another instance can connect to. */
export const endpointEntity = defineEntity({
  type: "common.endpoint.v1",
  schema: endpointSchema,
  meta: { title: "Endpoint", color: "#8b949e", icon: "mdi:lan-connect" },
});
