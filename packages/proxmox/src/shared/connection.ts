import * as pulumi from "@pulumi/pulumi";
import type { ProxmoxCredentials } from "../api/index.js";
import type { Connection } from "../entities/connection.js";

/** The API target (plain) and credentials (secret) of a connection, for the dynamic resources. */
export function apiAccess(connection: pulumi.Input<Connection>): {
  target: pulumi.Output<{ endpoint: string; insecure: boolean }>;
  credentials: pulumi.Output<ProxmoxCredentials>;
} {
  const value = pulumi.output(connection);
  return {
    target: pulumi.unsecret(value).apply((plain) => ({ endpoint: plain.endpoint, insecure: plain.insecure })),
    credentials: pulumi.secret(
      value.apply((plain) => ({
        ...(plain.apiToken ? { apiToken: plain.apiToken } : {}),
        ...(plain.username ? { username: plain.username } : {}),
        ...(plain.password ? { password: plain.password } : {}),
      })),
    ),
  };
}
