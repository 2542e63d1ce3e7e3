import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { Connection } from "../entities/connection.js";

/**
 * A `proxmoxve` provider for a connection: the API token or the user and password as secrets and,
 * when the connection has SSH, SSH access to its default node at the configured address.
 */
export function createProxmoxProvider(
  name: string,
  connection: pulumi.Output<Connection>,
  opts?: pulumi.CustomResourceOptions,
): proxmoxve.Provider {
  const plain = pulumi.unsecret(connection);
  return new proxmoxve.Provider(
    name,
    {
      endpoint: plain.endpoint,
      insecure: plain.insecure,
      apiToken: connection.apply((value) =>
        value.apiToken ? pulumi.secret<string | undefined>(value.apiToken) : pulumi.output<string | undefined>(undefined),
      ),
      username: plain.apply((value) => (value.apiToken ? undefined : value.username)),
      password: connection.apply((value) =>
        value.apiToken || !value.password
          ? pulumi.output<string | undefined>(undefined)
          : pulumi.secret<string | undefined>(value.password),
      ),
      ssh: connection.apply((value) =>
        value.ssh
          ? pulumi.secret({
              username: value.ssh.user,
              ...(value.ssh.privateKey ? { privateKey: value.ssh.privateKey } : {}),
              ...(value.ssh.password ? { password: value.ssh.password } : {}),
              nodes: [
                {
                  name: value.nodeName,
                  address: value.ssh.host ?? new URL(value.endpoint).hostname.replace(/^\[(.*)\]$/, "$1"),
                  port: value.ssh.port,
                },
              ],
            })
          : undefined,
      ),
    },
    opts,
  );
}
