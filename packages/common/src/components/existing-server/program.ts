import { defineUnit, resourceName } from "@highstate/pulumi";
import { connectServer } from "../../server/connection.js";
import { parseSshPrivateKey } from "../../ssh/keys.js";
import { existingServer } from "./definition.js";
import { MissingSshCredentialsError } from "./errors.js";

/**
 * Waits until the server answers SSH, logs in with the connected key pair, the private key secret or
 * the password, reads its host name and host key, and outputs it as a `common.server.v1` with the
 * host key pinned, together with a shell terminal.
 */
export default defineUnit(existingServer, (unit) => {
  const { args, inputs, secrets } = unit;
  const keyPair =
    inputs.sshKeyPair ?? secrets.sshPrivateKey?.apply((text) => parseSshPrivateKey(text, `secret "sshPrivateKey" of "${unit.name}"`));
  if (keyPair === undefined && secrets.sshPassword === undefined) throw new MissingSshCredentialsError(unit.name);
  const connection = connectServer(resourceName(unit), {
    endpoint: args.endpoint,
    port: args.sshPort,
    user: args.sshUser,
    ...(keyPair ? { keyPair } : {}),
    ...(secrets.sshPassword ? { password: secrets.sshPassword } : {}),
    ...(args.sshHostKey ? { expectedHostKey: args.sshHostKey } : {}),
    timeoutSeconds: args.sshTimeout,
  });
  return {
    server: connection.server,
    $statusFields: {
      hostname: { value: connection.hostname, title: "Hostname" },
      hostKey: { value: connection.hostKeyFingerprint, title: "Host Key" },
    },
    $terminals: [connection.terminal],
  };
});
