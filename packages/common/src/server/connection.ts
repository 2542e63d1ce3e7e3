import type { TerminalSpecInput } from "@highstate/contract";
import type { DeepInput } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import type { ServerInput } from "../entities/server.js";
import type { SshKeyPair } from "../entities/ssh.js";
import { ServerProbe } from "./probe-resource.js";

/** What is needed to reach a server over SSH and describe it as a `common.server.v1`. */
export interface ServerConnectionArgs {
  /**
   * The address the server is reachable at (IP or host name); also the server's first endpoint. It may
   * be an `Output`, for example the address a new virtual machine reported.
   */
  endpoint: pulumi.Input<string>;
  /** More addresses of the server. */
  extraEndpoints?: string[];
  /** SSH port. */
  port: number;
  /** SSH user. */
  user: string;
  /** The key pair to log in with. */
  keyPair?: pulumi.Input<SshKeyPair>;
  /** The password to log in with (pass a secret). */
  password?: pulumi.Input<string>;
  /** A host key the server must present; see {@link ServerProbe}. */
  expectedHostKey?: string;
  /** How long to wait for SSH to answer, in seconds. */
  timeoutSeconds: number;
}

/** The server entity, the probe that produced it, and an SSH terminal spec for it. */
export interface ServerConnection {
  probe: InstanceType<typeof ServerProbe>;
  /** The host name the server reported. */
  hostname: pulumi.Output<string>;
  /** The pinned host key. */
  hostKey: pulumi.Output<string>;
  /** The host key's fingerprint, `SHA256:…`. */
  hostKeyFingerprint: pulumi.Output<string>;
  /** The `common.server.v1` value to return as an output. */
  server: DeepInput<ServerInput>;
  /** A terminal spec (`$terminals`) opening a shell on the server with the pinned host key. */
  terminal: DeepInput<TerminalSpecInput>;
}

/**
 * Waits for a server to answer SSH, reads its host name and host key, and builds its
 * `common.server.v1` value and shell terminal. Used by Existing Server and by units that create
 * servers (virtual machines) and then need to reach them.
 */
export function connectServer(name: string, args: ServerConnectionArgs, opts?: pulumi.CustomResourceOptions): ServerConnection {
  // The key pair carries its private key, so it stays secret even when it came from a plain input.
  const keyPair = args.keyPair === undefined ? undefined : pulumi.secret(args.keyPair);
  const password = args.password === undefined ? undefined : pulumi.secret(args.password);
  const credentials = pulumi.all([keyPair, password]).apply(([pair, secretPassword]) => ({
    ...(pair ? { privateKey: pair.privateKey } : {}),
    ...(secretPassword ? { password: secretPassword } : {}),
  }));
  const probe = new ServerProbe(
    name,
    {
      inputs: {
        host: args.endpoint,
        port: args.port,
        user: args.user,
        ...(args.expectedHostKey ? { expectedHostKey: args.expectedHostKey } : {}),
        timeoutSeconds: args.timeoutSeconds,
      },
      credentials,
    },
    opts,
  );
  const hostname = probe.outputs.apply((facts) => facts?.hostname);
  const hostKey = probe.outputs.apply((facts) => facts?.hostKey);
  const hostKeyFingerprint = probe.outputs.apply((facts) => facts?.hostKeyFingerprint);
  const privateKey = keyPair?.apply((pair) => pulumi.secret(pair.privateKey));
  return {
    probe,
    hostname,
    hostKey,
    hostKeyFingerprint,
    server: {
      hostname,
      endpoints: [args.endpoint, ...(args.extraEndpoints ?? [])],
      ssh: {
        host: args.endpoint,
        port: args.port,
        user: args.user,
        hostKey,
        ...(keyPair ? { keyPair } : {}),
        ...(password ? { password } : {}),
      },
    },
    terminal: {
      type: "ssh",
      name: "shell",
      title: "Shell",
      host: args.endpoint,
      port: args.port,
      user: args.user,
      hostKey,
      credentials: {
        ...(privateKey ? { privateKey } : {}),
        ...(password ? { password } : {}),
      },
    },
  };
}
