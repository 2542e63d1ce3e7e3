import { isIP } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { gunzipSync, constants as zlib } from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import { normalizePrivateKeyPem } from "../pki/certificates.js";
import type { TalosClientCredentials } from "../pki/talosconfig.js";
import { NotInMaintenanceModeError, TalosApiError, TalosCertificateError, TalosRequestError, TalosUnreachableError } from "./errors.js";
import { type ApplyMode, applyModes, decodeMessage, encodeMessage, type TalosMethod, talosMethods } from "./proto.js";

/** The port of the Talos API (apid, and the maintenance service). */
export const talosApiPort = 50000;

/** How to reach a Talos node. */
export interface TalosConnectionOptions {
  /** The node's address, `host` or `host:port` (`[v6]:port` for IPv6); port 50000 by default. */
  endpoint: string;
  /**
   * Client credentials for mutual TLS with a configured node. Leave them out to talk to a node in
   * maintenance mode, which only serves TLS with a throw-away certificate and asks for no client certificate.
   */
  credentials?: TalosClientCredentials;
  /** Another node to proxy the call to through this (control-plane) endpoint, sent as `node` metadata. */
  node?: string;
  /** The name to verify the node's certificate against, when it differs from the endpoint's host. */
  serverName?: string;
  /** The deadline of each call, in milliseconds (default 30 s). */
  timeoutMs?: number;
}

/** One node's reply to ApplyConfiguration. */
export interface ApplyConfigurationResult {
  /** The node's host name, when the reply came through a proxy. */
  hostname: string;
  /** Warnings about the config. */
  warnings: string[];
  /** How the config was applied (`NO_REBOOT`, `REBOOT`, `STAGED`, …); `REBOOT` in maintenance mode, which reports no mode. */
  mode: string;
  /** The node's explanation of the mode. */
  modeDetails: string;
}

/** A disk the node sees. */
export interface TalosDisk {
  deviceName: string;
  model: string;
  size: number;
}

/** The version a node runs. */
export interface TalosVersion {
  tag: string;
  sha: string;
  os: string;
  arch: string;
  platform: string;
  mode: string;
}

interface Metadata {
  hostname?: string;
  error?: string;
  status?: { code?: number; message?: string };
}

/** Normalises `host`, `host:port`, `[v6]` and `[v6]:port` (and a bare IPv6 address) to `host:port` for gRPC. */
export function talosTarget(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/^https?:\/\//, "");
  if (/^\[[^\]]+\]:\d+$/.test(trimmed)) return trimmed;
  if (/^\[[^\]]+\]$/.test(trimmed)) return `${trimmed}:${talosApiPort}`;
  if ((trimmed.match(/:/g) ?? []).length > 1) return `[${trimmed}]:${talosApiPort}`;
  return /:\d+$/.test(trimmed) ? trimmed : `${trimmed}:${talosApiPort}`;
}

const statusName = (code: number) => grpc.status[code] ?? `code ${code}`;

/** What a plain TLS connection to a node showed about a failed call. */
export interface TlsProbeResult {
  /** `certificate` when the handshake was refused by either side, `unreachable` when no connection came up, `ok` when the node answered. */
  kind: "ok" | "certificate" | "unreachable";
  detail: string;
}

/**
 * Opens a plain TLS connection (ALPN h2) to the node with the same credentials, to tell why gRPC
 * could not connect: grpc-js reports a client certificate the node refused (TLS 1.3 sends that alert
 * after the handshake) only as "failed to connect". The node speaks first on HTTP/2 (its SETTINGS
 * frame), so either data or an error arrives.
 */
export function probeTls(
  target: string,
  credentials: TalosClientCredentials | undefined,
  serverName?: string,
  timeoutMs = 10_000,
): Promise<TlsProbeResult> {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(target);
  const host = match?.[1] ?? target;
  const port = Number(match?.[2] ?? talosApiPort);
  const name = serverName ?? host;
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host,
      port,
      ...(isIP(name) ? {} : { servername: name }),
      ALPNProtocols: ["h2"],
      ...(credentials
        ? {
            ca: credentials.ca,
            cert: credentials.cert,
            key: normalizePrivateKeyPem(credentials.key),
            rejectUnauthorized: true,
            ...(serverName ? { checkServerIdentity: () => undefined } : {}),
          }
        : { rejectUnauthorized: false }),
    });
    const done = (result: TlsProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ kind: "unreachable", detail: `no answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    socket.once("data", () => done({ kind: "ok", detail: "the node answered" }));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const network = ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN", "ENOTFOUND"].includes(
        error.code ?? "",
      );
      done({ kind: network ? "unreachable" : "certificate", detail: error.message });
    });
    let handshakeDone = false;
    socket.once("secureConnect", () => {
      handshakeDone = true;
    });
    // With TLS 1.3 the client finishes its side of the handshake before the server has checked the client
    // certificate: a server that then hangs up without a word of HTTP/2 refused the certificate.
    const closed = () =>
      done(
        handshakeDone
          ? {
              kind: "certificate",
              detail: "the node closed the connection right after the TLS handshake: it refused the client certificate",
            }
          : { kind: "unreachable", detail: "the node closed the connection" },
      );
    socket.once("end", closed);
    socket.once("close", closed);
  });
}

/** Turns a gRPC failure into an error that says what went wrong and what to do. */
export function describeTalosError(
  error: grpc.ServiceError,
  endpoint: string,
  method: string,
  insecure: boolean,
  probe?: TlsProbeResult,
): TalosApiError {
  const code = statusName(error.code);
  const details = probe && probe.kind !== "ok" ? probe.detail : error.details || error.message;
  const where = `Talos API call ${method} to ${endpoint}`;
  if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED) {
    const tlsFailure =
      probe?.kind === "certificate" ||
      (probe?.kind !== "unreachable" &&
        /certificate|self[- ]signed|unable to (verify|get)|handshake|alert|SSL|TLS|ERR_|wrong version|Hostname\/IP/i.test(details) &&
        !/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/.test(details));
    if (tlsFailure) {
      if (insecure) {
        return new NotInMaintenanceModeError(
          `${where} failed: the node is not in maintenance mode — it wants a client certificate, so it is configured already (${details}). Use the cluster's talosconfig credentials, or reset the node to maintenance mode to apply a first config.`,
          endpoint,
          method,
          code,
          { cause: error },
        );
      }
      return new TalosCertificateError(
        `${where} failed in the TLS handshake (${details}): the node and this client do not trust each other's certificates. Check that the node was configured with this cluster's secrets and that the address is in the node's certificate (add it to machine.certSANs otherwise).`,
        endpoint,
        method,
        code,
        { cause: error },
      );
    }
    return new TalosUnreachableError(
      `${where} failed: the node is not reachable (${details}). Check that it is running, that the address is right and that TCP port ${talosApiPort} is open.`,
      endpoint,
      method,
      code,
      { cause: error },
    );
  }
  return new TalosRequestError(`${where} was refused with ${code}: ${details}`, endpoint, method, code, { cause: error });
}

/**
 * A client for the few Talos API methods a cluster needs: ApplyConfiguration, Bootstrap, Kubeconfig,
 * Version and Disks, over gRPC with mutual TLS (or plain server TLS for a node in maintenance mode).
 * Every failure is a {@link TalosApiError} naming the node and the method.
 */
export class TalosClient {
  readonly endpoint: string;
  readonly insecure: boolean;
  private readonly client: grpc.Client;
  private readonly options: TalosConnectionOptions;

  constructor(options: TalosConnectionOptions) {
    this.options = options;
    this.endpoint = talosTarget(options.endpoint);
    this.insecure = options.credentials === undefined;
    const credentials = options.credentials
      ? grpc.credentials.createSsl(
          Buffer.from(options.credentials.ca),
          Buffer.from(normalizePrivateKeyPem(options.credentials.key)),
          Buffer.from(options.credentials.cert),
        )
      : // Maintenance mode serves a certificate from a throw-away CA, so it cannot be verified.
        grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false });
    this.client = new grpc.Client(this.endpoint, credentials, {
      "grpc.max_receive_message_length": 32 * 1024 * 1024,
      "grpc.max_send_message_length": 32 * 1024 * 1024,
      ...(options.serverName ? { "grpc.ssl_target_name_override": options.serverName, "grpc.default_authority": options.serverName } : {}),
    });
  }

  /** Closes the connection. */
  close(): void {
    this.client.close();
  }

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.options.node) metadata.set("node", this.options.node);
    return metadata;
  }

  private deadline(): Date {
    return new Date(Date.now() + (this.options.timeoutMs ?? 30_000));
  }

  /** Explains a failed call, probing the connection with plain TLS when gRPC could not connect. */
  private async explain(error: grpc.ServiceError, method: TalosMethod): Promise<TalosApiError> {
    const probe =
      error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED
        ? await probeTls(
            this.endpoint,
            this.options.credentials,
            this.options.serverName,
            Math.min(this.options.timeoutMs ?? 10_000, 10_000),
          )
        : undefined;
    return describeTalosError(error, this.endpoint, this.name(method), this.insecure, probe);
  }

  private name(method: TalosMethod): string {
    return method.path.split("/").pop() as string;
  }

  private unary<T>(method: TalosMethod, request: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        method.path,
        (value: Record<string, unknown>) => encodeMessage(method.request, value),
        (data: Buffer) => decodeMessage<T>(method.response, data),
        request,
        this.metadata(),
        { deadline: this.deadline() },
        (error, response) => {
          if (error) this.explain(error, method).then(reject, reject);
          else resolve(response as T);
        },
      );
    });
  }

  /** Throws when a node reported an error inside an otherwise successful reply (proxied calls do that). */
  private checkMessages<T extends { metadata?: Metadata | null }>(method: TalosMethod, messages: T[]): T[] {
    for (const message of messages) {
      const error = message.metadata?.error;
      if (error) {
        const code = statusName(message.metadata?.status?.code ?? grpc.status.UNKNOWN);
        throw new TalosRequestError(
          `Talos API call ${this.name(method)} to ${this.endpoint} failed on node "${message.metadata?.hostname || this.options.node || this.endpoint}" with ${code}: ${error}`,
          this.endpoint,
          this.name(method),
          code,
        );
      }
    }
    return messages;
  }

  /**
   * Applies a machine config (the whole multi-document YAML). The mode is always sent: in maintenance
   * mode only `AUTO` (and `REBOOT`, `TRY`) are accepted.
   */
  async applyConfiguration(config: string, options: { mode?: ApplyMode; dryRun?: boolean } = {}): Promise<ApplyConfigurationResult> {
    const method = talosMethods.applyConfiguration;
    const response = await this.unary<{ messages: Array<{ metadata?: Metadata; warnings: string[]; mode: string; modeDetails: string }> }>(
      method,
      {
        data: Buffer.from(config, "utf8"),
        mode: applyModes[options.mode ?? "AUTO"],
        dryRun: options.dryRun ?? false,
      },
    );
    const [message] = this.checkMessages(method, response.messages);
    return {
      hostname: message?.metadata?.hostname ?? "",
      warnings: message?.warnings ?? [],
      mode: message?.mode ?? "REBOOT",
      modeDetails: message?.modeDetails ?? "",
    };
  }

  /** Bootstraps etcd on this control-plane node. Call it once, on one node of the cluster. */
  async bootstrap(): Promise<void> {
    const method = talosMethods.bootstrap;
    const response = await this.unary<{ messages: Array<{ metadata?: Metadata }> }>(method, {
      recoverEtcd: false,
      recoverSkipHashCheck: false,
    });
    this.checkMessages(method, response.messages);
  }

  /** The Talos version and platform the node runs (not available in maintenance mode). */
  async version(): Promise<TalosVersion> {
    const method = talosMethods.version;
    const response = await this.unary<{
      messages: Array<{ metadata?: Metadata; version?: TalosVersion; platform?: { name: string; mode: string } }>;
    }>(method, {});
    const [message] = this.checkMessages(method, response.messages);
    const version = message?.version;
    return {
      tag: version?.tag ?? "",
      sha: version?.sha ?? "",
      os: version?.os ?? "",
      arch: version?.arch ?? "",
      platform: message?.platform?.name ?? "",
      mode: message?.platform?.mode ?? "",
    };
  }

  /** The disks the node sees; answers in maintenance mode too, which is how maintenance mode is detected. */
  async disks(): Promise<TalosDisk[]> {
    const method = talosMethods.disks;
    const response = await this.unary<{ messages: Array<{ metadata?: Metadata; disks: TalosDisk[] }> }>(method, {});
    return this.checkMessages(method, response.messages).flatMap((message) => message.disks);
  }

  /** Fetches an admin kubeconfig (freshly issued by the node) from a control-plane node. */
  kubeconfig(): Promise<string> {
    const method = talosMethods.kubeconfig;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let failed = false;
      const stream = this.client.makeServerStreamRequest(
        method.path,
        (value: Record<string, unknown>) => encodeMessage(method.request, value),
        (data: Buffer) => decodeMessage<{ metadata?: Metadata; bytes: Buffer }>(method.response, data),
        {},
        this.metadata(),
        { deadline: this.deadline() },
      );
      stream.on("data", (message: { metadata?: Metadata; bytes: Buffer }) => {
        try {
          this.checkMessages(method, [message]);
          chunks.push(message.bytes);
        } catch (error) {
          failed = true;
          stream.cancel();
          reject(error);
        }
      });
      stream.on("error", (error: grpc.ServiceError) => {
        if (!failed) this.explain(error, method).then(reject, reject);
        failed = true;
      });
      stream.on("end", () => {
        if (failed) return;
        try {
          resolve(extractKubeconfig(Buffer.concat(chunks), this.endpoint));
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

/**
 * Reads the kubeconfig out of the Kubeconfig reply: a gzip-compressed tar holding one file. Talos never
 * closes the tar writer, so the archive has no end blocks and its data may not be padded; only the first
 * header and the file's bytes are read.
 */
export function extractKubeconfig(archive: Buffer, endpoint: string): string {
  const fail = (reason: string) =>
    new TalosApiError(`The kubeconfig from ${endpoint} could not be read: ${reason}`, endpoint, "Kubeconfig", "OK");
  if (archive.length === 0) throw fail("the node sent no data");
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { finishFlush: zlib.Z_SYNC_FLUSH });
  } catch (error) {
    throw fail(`it is not gzip data (${(error as Error).message})`);
  }
  if (tar.length < 512) throw fail("the tar header is cut short");
  const size = Number.parseInt(tar.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "x", 8);
  if (!Number.isFinite(size)) throw fail("the tar header has no file size");
  if (tar.length < 512 + size) throw fail(`the file is cut short (${tar.length - 512} of ${size} bytes)`);
  return tar.subarray(512, 512 + size).toString("utf8");
}

/**
 * Whether the node at the endpoint is in maintenance mode (unconfigured): an insecure Disks call is
 * answered only there, as terraform-provider-talos checks it.
 *
 * @throws TalosUnreachableError when the node does not answer at all.
 */
export async function isInMaintenanceMode(endpoint: string, timeoutMs = 10_000): Promise<boolean> {
  const client = new TalosClient({ endpoint, timeoutMs });
  try {
    await client.disks();
    return true;
  } catch (error) {
    if (error instanceof NotInMaintenanceModeError) return false;
    // A configured node answers an unauthenticated client with an authorization error, not a handshake failure.
    if (error instanceof TalosRequestError && (error.code === "UNAUTHENTICATED" || error.code === "PERMISSION_DENIED")) return false;
    throw error;
  } finally {
    client.close();
  }
}
