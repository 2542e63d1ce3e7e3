import ssh2 from "ssh2";
import { SshAuthenticationError, SshCommandError, SshError, SshHostKeyMismatchError } from "./errors.js";
import { algorithmOfKeyBlob, formatSshPublicKey, parseSshPublicKey } from "./keys.js";

const { Client } = ssh2;

/** Where and how to log in over SSH. */
export interface SshTarget {
  /** Host name or IP address. */
  host: string;
  /** Port, 22 by default. */
  port?: number;
  /** User to log in as. */
  user: string;
  /** Private key (OpenSSH or PEM) for public-key authentication. */
  privateKey?: string;
  /** Password for password (or keyboard-interactive) authentication. */
  password?: string;
  /** The pinned host key (`ssh-ed25519 AAAA…`); when set, a server presenting another key is refused. */
  hostKey?: string;
}

/** Options for one connection attempt. */
export interface SshConnectOptions {
  /** How long the TCP connect plus SSH handshake and login may take, in milliseconds. Default 20 s. */
  readyTimeoutMs?: number;
}

/** The result of a command run over SSH. */
export interface SshCommandResult {
  stdout: string;
  stderr: string;
  /** The exit status, or `null` when the command was killed by a signal. */
  exitCode: number | null;
}

/** An open SSH session. Close it when done. */
export interface SshSession {
  /** The host key the server presented, in OpenSSH format. */
  readonly hostKey: string;
  /** Runs a command and resolves with its output and exit status, whatever the status. */
  exec(command: string, options?: { stdin?: string }): Promise<SshCommandResult>;
  /** Runs a command and resolves with its standard output; a non-zero exit is an {@link SshCommandError}. */
  run(command: string, options?: { stdin?: string }): Promise<string>;
  /** Closes the connection. */
  close(): void;
}

/** Host key algorithms in order of preference: ed25519 first, then ECDSA, then RSA. */
const hostKeyPreference = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
] as const;

/** The host key algorithms to offer: the pinned key's family first, so a pinned ECDSA or RSA key keeps matching. */
function hostKeyAlgorithms(pinned: string | undefined): string[] {
  if (!pinned) return [...hostKeyPreference];
  const algorithm = parseSshPublicKey(pinned).algorithm;
  const family = algorithm === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [algorithm];
  return [...family, ...hostKeyPreference.filter((name) => !family.includes(name))];
}

/** Tells whether a connection error is worth retrying (the host or port is not answering yet). */
export function isRetryableSshError(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof SshError) return false;
  const level = (error as { level?: string }).level;
  if (level === "client-socket" || level === "client-timeout") return true;
  const code = (error as NodeJS.ErrnoException).code;
  return ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "EPIPE"].includes(code ?? "");
}

/**
 * Opens an SSH session. The host key is read during the handshake (ed25519 preferred, other types
 * when the server has none) and checked against `target.hostKey` when one is pinned.
 *
 * @throws SshAuthenticationError when the server refuses the credentials.
 * @throws SshHostKeyMismatchError when the server's key differs from the pinned one.
 * @throws Error with `level` `client-socket` or `client-timeout` when the server does not answer (see {@link isRetryableSshError}).
 */
export function connectSsh(target: SshTarget, options: SshConnectOptions = {}): Promise<SshSession> {
  const port = target.port ?? 22;
  const pinned = target.hostKey ? formatSshPublicKey(parseSshPublicKey(target.hostKey).blob) : undefined;
  const methods = [...(target.privateKey ? ["publickey"] : []), ...(target.password ? ["password"] : [])];
  return new Promise<SshSession>((resolve, reject) => {
    const client = new Client();
    let presented: string | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    client.on("ready", () => {
      if (settled) return;
      settled = true;
      resolve(createSession(client, target.host, presented!));
    });
    client.on("error", (error: Error & { level?: string }) => {
      if (presented && pinned && presented !== pinned) {
        fail(new SshHostKeyMismatchError(target.host, port, pinned, presented, { cause: error }));
      } else if (error.level === "client-authentication") {
        fail(new SshAuthenticationError(target.host, port, target.user, methods, { cause: error }));
      } else {
        fail(error);
      }
    });
    client.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) => {
      // Servers that take passwords only through keyboard-interactive ask one "Password:" prompt.
      finish(prompts.map(() => target.password ?? ""));
    });
    client.connect({
      host: target.host,
      port,
      username: target.user,
      ...(target.privateKey ? { privateKey: target.privateKey } : {}),
      ...(target.password ? { password: target.password } : {}),
      tryKeyboard: target.password !== undefined,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      algorithms: { serverHostKey: hostKeyAlgorithms(pinned) as never },
      hostVerifier: (key: Buffer) => {
        algorithmOfKeyBlob(key);
        presented = formatSshPublicKey(key);
        return pinned === undefined || presented === pinned;
      },
    });
  });
}

function createSession(client: InstanceType<typeof Client>, host: string, hostKey: string): SshSession {
  const exec = (command: string, options: { stdin?: string } = {}) =>
    new Promise<SshCommandResult>((resolve, reject) => {
      client.exec(command, (error, stream) => {
        if (error) return reject(new SshError(`Could not start "${command}" on "${host}": ${error.message}`, { cause: error }));
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        stream.on("close", (code: number | null | undefined) => {
          resolve({
            stdout: Buffer.concat(stdout).toString("utf8"),
            stderr: Buffer.concat(stderr).toString("utf8"),
            exitCode: typeof code === "number" ? code : null,
          });
        });
        stream.end(options.stdin);
      });
    });
  return {
    hostKey,
    exec,
    async run(command, options) {
      const result = await exec(command, options);
      if (result.exitCode !== 0) throw new SshCommandError(host, command, result.exitCode, result.stderr);
      return result.stdout;
    },
    close: () => client.end(),
  };
}

/** Opens a session, runs `fn` with it and always closes it. */
export async function withSshSession<T>(
  target: SshTarget,
  fn: (session: SshSession) => Promise<T>,
  options?: SshConnectOptions,
): Promise<T> {
  const session = await connectSsh(target, options);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
