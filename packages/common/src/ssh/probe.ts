import { connectSsh, isRetryableSshError, type SshConnectOptions, type SshSession, type SshTarget } from "./connect.js";
import { SshUnreachableError } from "./errors.js";
import { keyTypeOfAlgorithm, parseSshPublicKey, sshFingerprint } from "./keys.js";

/** How long to keep trying a server that does not answer yet. */
export interface SshWaitOptions extends SshConnectOptions {
  /** Give up after this many milliseconds. Default 300 s. */
  timeoutMs?: number;
  /** Pause between attempts, in milliseconds. Default 5 s. */
  retryIntervalMs?: number;
  /** Aborts the wait. */
  signal?: AbortSignal;
}

/** What Highstate learns about a server over SSH. */
export interface ServerFacts {
  /** The host name the server reports (`hostname`). */
  hostname: string;
  /** The server's host key in OpenSSH format; ed25519 unless the server has none. */
  hostKey: string;
  /** The host key's type. */
  hostKeyType: "ed25519" | "ecdsa" | "rsa";
  /** The host key's fingerprint, `SHA256:…`. */
  hostKeyFingerprint: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * Connects, retrying while the server does not answer (it may still be booting), until `timeoutMs`.
 * Refused credentials and host key mismatches fail at once: retrying would not help.
 *
 * @throws SshUnreachableError when the server did not answer in time; the last connection error is the `cause`.
 */
export async function waitForSsh(target: SshTarget, options: SshWaitOptions = {}): Promise<SshSession> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const interval = options.retryIntervalMs ?? 5_000;
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    try {
      return await connectSsh(target, { readyTimeoutMs: Math.max(1_000, Math.min(options.readyTimeoutMs ?? 20_000, remaining)) });
    } catch (error) {
      if (!isRetryableSshError(error)) throw error;
      if (Date.now() + interval >= deadline) {
        throw new SshUnreachableError(target.host, target.port ?? 22, Date.now() - started, { cause: error });
      }
      await sleep(interval, options.signal);
    }
  }
}

/**
 * Waits for a server to answer SSH, logs in, and reads its host name and host key. The host key is
 * taken from the handshake, so it is the key clients will see, whatever files the server keeps.
 */
export async function probeServer(target: SshTarget, options: SshWaitOptions = {}): Promise<ServerFacts> {
  const session = await waitForSsh(target, options);
  try {
    const hostname = (await session.run("hostname 2>/dev/null || uname -n")).trim();
    const { algorithm } = parseSshPublicKey(session.hostKey);
    return {
      hostname,
      hostKey: session.hostKey,
      hostKeyType: keyTypeOfAlgorithm(algorithm)!,
      hostKeyFingerprint: sshFingerprint(session.hostKey),
    };
  } finally {
    session.close();
  }
}
