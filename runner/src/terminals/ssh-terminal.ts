import type { TerminalSpec } from "@highstate/contract";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import {
  HostKeyMismatchError,
  SshAuthenticationError,
  SshCredentialsError,
  SshSessionError,
  SshUnreachableError,
  type TerminalError,
} from "./errors.js";
import { fingerprintOf, hostKeyAlgorithmsFor, hostKeyMatches, type PinnedHostKey, parseHostKey } from "./host-key.js";
import { normalizeSize, type TerminalExit, TerminalProcess, type TerminalSize } from "./terminal-process.js";

/** A terminal spec of type `ssh`. */
export type SshTerminalSpec = Extract<TerminalSpec, { type: "ssh" }>;

/** Connection tuning for SSH terminals. */
export interface SshTerminalOptions {
  /** How long connecting and the SSH handshake may take. Default 20 s. */
  readyTimeoutMs?: number;
  /** Interval of SSH keepalive requests, so idle sessions survive NAT and firewall timeouts. Default 15 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives after which the connection counts as dead. Default 4. */
  keepaliveCountMax?: number;
  /** `TERM` requested for the remote PTY. Default `xterm-256color`. */
  term?: string;
}

const unreachableCodes: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  ECONNRESET: "connection reset during the handshake",
};

/**
 * Connects to the spec's server, verifies its host key against the pinned one, logs in with the
 * spec's private key or password and opens a shell in a PTY of the given size. Rejects with a
 * {@link TerminalError} subclass that says what went wrong (unreachable, host key changed, login refused).
 */
export async function openSshTerminal(spec: SshTerminalSpec, size: TerminalSize, options: SshTerminalOptions = {}): Promise<SshTerminal> {
  const address = `${spec.host}:${spec.port}`;
  const pinned = spec.hostKey ? parseHostKey(spec.hostKey) : undefined;
  const { privateKey, password } = spec.credentials;
  if (!privateKey && password === undefined) {
    throw new SshCredentialsError(
      address,
      "the terminal has neither a private key nor a password; give the instance an SSH key pair or password",
    );
  }
  const methods = [...(privateKey ? ["private key"] : []), ...(password !== undefined ? ["password"] : [])];
  const client = new Client();
  const verification: { mismatch?: HostKeyMismatchError; offered?: string } = {};
  const config: ConnectConfig = {
    host: spec.host,
    port: spec.port,
    username: spec.user,
    privateKey,
    password,
    tryKeyboard: password !== undefined,
    readyTimeout: options.readyTimeoutMs ?? 20_000,
    keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 4,
    hostVerifier: (key: Buffer) => verifyHostKey(address, pinned, key, verification),
    ...(pinned && hostKeyAlgorithmsFor(pinned.type) ? { algorithms: { serverHostKey: hostKeyAlgorithmsFor(pinned.type) as never } } : {}),
  };
  if (password !== undefined) {
    client.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)));
  }

  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      client.off("error", onError);
      resolve();
    };
    const onError = (error: Error & { level?: string; code?: string }) => {
      client.off("ready", onReady);
      client.destroy();
      reject(classifyConnectError(error, address, spec.user, methods, verification.mismatch, options.readyTimeoutMs ?? 20_000));
    };
    client.once("ready", onReady);
    client.once("error", onError);
    try {
      client.connect(config);
      // Keystrokes are tiny writes: without TCP_NODELAY, Nagle's algorithm holds each one until the
      // previous segment is acknowledged, and the server's delayed ACK makes every echo wait ~40 ms.
      client.setNoDelay(true);
    } catch (error) {
      client.off("ready", onReady);
      client.off("error", onError);
      client.destroy();
      const reason = error instanceof Error ? error.message : String(error);
      reject(
        new SshCredentialsError(
          address,
          `the private key cannot be used (${reason}); give the instance an unencrypted OpenSSH or PEM private key`,
          { cause: error },
        ),
      );
    }
  });

  const { cols, rows } = normalizeSize(size);
  const channel = await new Promise<ClientChannel>((resolve, reject) => {
    client.shell({ term: options.term ?? "xterm-256color", cols, rows, width: 0, height: 0 }, (error, stream) => {
      if (error) {
        client.end();
        reject(new SshSessionError(address, `the server refused to open a shell (${error.message})`, { cause: error }));
      } else resolve(stream);
    });
  });
  const notice = pinned
    ? undefined
    : `\r\n\x1b[33mWarning: the host key of "${address}" is not pinned; accepted ${verification.offered}.\x1b[0m\r\n`;
  return new SshTerminal(spec.title ?? `${spec.user}@${spec.host}`, address, client, channel, notice);
}

function verifyHostKey(
  address: string,
  pinned: PinnedHostKey | undefined,
  key: Buffer,
  verification: { mismatch?: HostKeyMismatchError; offered?: string },
): boolean {
  verification.offered = fingerprintOf(key);
  if (!pinned || hostKeyMatches(pinned, key)) return true;
  verification.mismatch = new HostKeyMismatchError(address, pinned.fingerprint, verification.offered);
  return false;
}

function classifyConnectError(
  error: Error & { level?: string; code?: string },
  address: string,
  user: string,
  methods: string[],
  mismatch: HostKeyMismatchError | undefined,
  readyTimeoutMs: number,
): TerminalError {
  if (mismatch) return mismatch;
  if (error.level === "client-authentication") return new SshAuthenticationError(address, user, methods, { cause: error });
  if (error.level === "client-timeout")
    return new SshUnreachableError(address, `no SSH handshake within ${Math.round(readyTimeoutMs / 1000)} s`, { cause: error });
  const known = error.code ? unreachableCodes[error.code] : undefined;
  if (known) return new SshUnreachableError(address, known, { cause: error });
  if (error.level === "client-socket") return new SshUnreachableError(address, error.message, { cause: error });
  return new SshSessionError(address, error.message, { cause: error });
}

/** A shell on an SSH server, in a PTY. Created by {@link openSshTerminal}. */
export class SshTerminal extends TerminalProcess {
  readonly #client: Client;
  readonly #channel: ClientChannel;
  readonly #address: string;
  #notice: string | undefined;
  #exitStatus: { code: number | null; signal: string | null } | undefined;
  #failure: Error | undefined;
  #closing = false;
  #closed: Promise<void>;

  constructor(
    readonly title: string,
    address: string,
    client: Client,
    channel: ClientChannel,
    notice: string | undefined,
  ) {
    super();
    this.#client = client;
    this.#channel = channel;
    this.#address = address;
    this.#notice = notice;
    // Paused before the data listeners are added, so nothing flows until resume().
    channel.pause();
    channel.stderr.pause();
    channel.on("data", (chunk: Buffer) => this.emit("data", chunk));
    channel.stderr.on("data", (chunk: Buffer) => this.emit("data", chunk));
    channel.on("drain", () => this.emit("drain"));
    channel.on("exit", (code: number | null, signal?: string) => {
      this.#exitStatus = { code: typeof code === "number" ? code : null, signal: signal ?? null };
    });
    channel.on("close", () => client.end());
    client.on("error", (error: Error & { level?: string }) => {
      const reason = error.level === "client-timeout" ? "the server stopped answering keepalives" : error.message;
      this.#failure ??= new SshSessionError(address, reason, { cause: error });
    });
    this.#closed = new Promise<void>((resolve) => {
      client.once("close", () => {
        const exit: TerminalExit = this.#exitStatus
          ? { ...this.#exitStatus }
          : this.#closing && !this.#failure
            ? { code: null, signal: null }
            : { code: null, signal: null, error: this.#failure ?? new SshSessionError(this.#address, "the connection closed") };
        if (this.#exitStatus && this.#failure) exit.error = this.#failure;
        this.finish(exit);
        resolve();
      });
    });
  }

  write(data: Uint8Array | string): boolean {
    if (this.exited || !this.#channel.writable) return true;
    return this.#channel.write(data);
  }

  resize(size: TerminalSize): void {
    if (this.exited) return;
    const { cols, rows } = normalizeSize(size);
    this.#channel.setWindow(rows, cols, 0, 0);
  }

  protected pauseOutput(): void {
    this.#channel.pause();
    this.#channel.stderr.pause();
  }

  protected resumeOutput(): void {
    if (this.#notice) {
      this.emit("data", Buffer.from(this.#notice));
      this.#notice = undefined;
    }
    this.#channel.resume();
    this.#channel.stderr.resume();
  }

  async close(): Promise<void> {
    if (!this.exited) {
      this.#closing = true;
      this.#channel.close();
      this.#client.end();
      const timer = setTimeout(() => this.#client.destroy(), 2_000);
      await this.#closed;
      clearTimeout(timer);
    }
  }
}
