import * as pulumi from "@pulumi/pulumi";
import type { Server } from "../entities/server.js";
import { SecretServerCommand, ServerCommand } from "./command-resource.js";

/** Thrown when a command should run on a server whose entity has no SSH connection. */
export class ServerWithoutSshError extends Error {
  override name = "ServerWithoutSshError";

  constructor(readonly hostname: string) {
    super(
      `The server "${hostname}" has no SSH connection, so commands cannot run on it: connect a server that Highstate reaches over SSH.`,
    );
  }
}

/** What to run on a server, see {@link runOnServer}. */
export interface RunOnServerArgs {
  /**
   * The command run when the resource is created (and on updates, unless `update` is given). It may be
   * an `Output` (for example a script that names another server), but it is stored in plain text: put
   * secrets in `stdin`, never in a command.
   */
  create: pulumi.Input<string>;
  /** The command run when `triggers` or the commands change; defaults to `create`. */
  update?: pulumi.Input<string>;
  /** The command run when the resource is deleted. */
  delete?: pulumi.Input<string>;
  /** Text piped to the command's standard input; kept secret. */
  stdin?: pulumi.Input<string>;
  /** Values whose change re-runs the command. */
  triggers?: pulumi.Input<unknown>[];
  /** How long to wait for SSH to answer, in seconds (default 300). */
  timeoutSeconds?: number;
  /** Whether the command prints secrets; its output is then stored as a secret. */
  secretOutput?: boolean;
}

/**
 * Runs a command over SSH on a `common.server.v1` at deploy time, using the server's pinned host key
 * and credentials, and returns the resource; its `outputs` hold `stdout` and `stderr`.
 *
 * ```ts
 * const install = runOnServer(resourceName(unit, "install"), inputs.server, {
 *   create: "curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=v1.33.1+k3s1 sh -",
 *   delete: "/usr/local/bin/k3s-uninstall.sh",
 *   triggers: ["v1.33.1+k3s1"],
 * });
 * const kubeconfig = runOnServer(resourceName(unit, "kubeconfig"), inputs.server, { create: "cat /etc/rancher/k3s/k3s.yaml", secretOutput: true }, { dependsOn: [install] });
 * ```
 */
export function runOnServer(
  name: string,
  server: pulumi.Input<Server>,
  args: RunOnServerArgs,
  opts?: pulumi.CustomResourceOptions,
): InstanceType<typeof ServerCommand> {
  const value = pulumi.output(server);
  // Only the address, user and host key go into the plain inputs; they are not secret even when the server value is.
  const commands = pulumi.all([args.create, args.update, args.delete]);
  const inputs = pulumi
    .all([pulumi.unsecret(value), pulumi.all(args.triggers ?? []), commands])
    .apply(([plain, triggers, [create, update, remove]]) => {
      if (!plain.ssh) throw new ServerWithoutSshError(plain.hostname);
      return {
        host: plain.ssh.host,
        port: plain.ssh.port,
        user: plain.ssh.user,
        hostKey: plain.ssh.hostKey,
        create,
        ...(update ? { update } : {}),
        ...(remove ? { delete: remove } : {}),
        ...(args.triggers ? { triggers } : {}),
        ...(args.timeoutSeconds ? { timeoutSeconds: args.timeoutSeconds } : {}),
      };
    });
  const credentials = pulumi.all([value, args.stdin]).apply(([plain, stdin]) => ({
    ...(plain.ssh?.keyPair ? { privateKey: plain.ssh.keyPair.privateKey } : {}),
    ...(plain.ssh?.password ? { password: plain.ssh.password } : {}),
    ...(stdin !== undefined ? { stdin } : {}),
  }));
  const Resource = args.secretOutput ? SecretServerCommand : ServerCommand;
  return new Resource(name, { inputs, credentials }, opts);
}
