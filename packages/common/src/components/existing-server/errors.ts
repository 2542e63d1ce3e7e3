/** Thrown when an Existing Server has no way to log in: no key pair input, no private key and no password. */
export class MissingSshCredentialsError extends Error {
  override name = "MissingSshCredentialsError";

  constructor(readonly instance: string) {
    super(
      `Existing Server "${instance}" has no SSH credentials: connect an SSH Key Pair to its "sshKeyPair" input, ` +
        'or set its "sshPrivateKey" or "sshPassword" secret.',
    );
  }
}
