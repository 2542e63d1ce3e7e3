import { defineDynamicResource } from "@highstate/pulumi";
import type { ServerFacts } from "../ssh/probe.js";

/** The non-secret inputs of a {@link ServerProbe}. */
export interface ServerProbeInputs {
  /** Host name or IP address to connect to. */
  host: string;
  /** SSH port. */
  port: number;
  /** User to log in as. */
  user: string;
  /** A host key the server must present; when left out, the key seen on the first run is kept and later runs must see it again. */
  expectedHostKey?: string;
  /** How long to wait for SSH to answer, in seconds. */
  timeoutSeconds: number;
}

/** The credentials of a {@link ServerProbe}: kept as a secret in the state, never in provider code. */
export interface ServerProbeCredentials {
  privateKey?: string;
  password?: string;
}

/**
 * A Pulumi resource that, on deploy, waits until a server answers SSH, logs in and reads its host
 * name and host key (ed25519 preferred). It runs again when its inputs change; then the host key
 * must stay the same unless the host or port changed or `expectedHostKey` names the new key.
 * Deleting it touches nothing on the server.
 *
 * The provider runs in Pulumi's provider process, whose working directory is the project directory,
 * and loads the SSH code from there with `createRequire`, so it captures no imports (see
 * `defineDynamicResource`) and a bundler does not rewrite the load.
 */
export const ServerProbe = defineDynamicResource<ServerProbeInputs, ServerFacts, ServerProbeCredentials>({
  module: "common",
  type: "ServerProbe",
  provider: {
    async create(inputs, credentials) {
      // Resolved from the project directory at deploy time; bundlers leave this call alone.
      const { createRequire } = process.getBuiltinModule("node:module");
      const ssh = createRequire(`${process.cwd()}/`)("@highstate/common/ssh") as typeof import("../ssh/index.js");
      const facts = await ssh.probeServer(
        {
          host: inputs.host,
          port: inputs.port,
          user: inputs.user,
          ...(credentials.privateKey ? { privateKey: credentials.privateKey } : {}),
          ...(credentials.password ? { password: credentials.password } : {}),
          ...(inputs.expectedHostKey ? { hostKey: inputs.expectedHostKey } : {}),
        },
        { timeoutMs: inputs.timeoutSeconds * 1000 },
      );
      return { id: `${inputs.user}@${inputs.host}:${inputs.port}`, outputs: facts };
    },
    async update(_id, olds, news, credentials) {
      // Resolved from the project directory at deploy time; bundlers leave this call alone.
      const { createRequire } = process.getBuiltinModule("node:module");
      const ssh = createRequire(`${process.cwd()}/`)("@highstate/common/ssh") as typeof import("../ssh/index.js");
      const sameAddress = olds.inputs.host === news.host && olds.inputs.port === news.port;
      // Trust on first use: once seen, the host key stays pinned while the address stays the same.
      const pinned = news.expectedHostKey ?? (sameAddress ? olds.outputs.hostKey : undefined);
      try {
        return await ssh.probeServer(
          {
            host: news.host,
            port: news.port,
            user: news.user,
            ...(credentials.privateKey ? { privateKey: credentials.privateKey } : {}),
            ...(credentials.password ? { password: credentials.password } : {}),
            ...(pinned ? { hostKey: pinned } : {}),
          },
          { timeoutMs: news.timeoutSeconds * 1000 },
        );
      } catch (error) {
        if ((error as Error).name === "SshHostKeyMismatchError" && !news.expectedHostKey) {
          throw new Error(`${(error as Error).message} To accept the new key, set the "sshHostKey" arg to it.`, { cause: error });
        }
        throw error;
      }
    },
  },
});
