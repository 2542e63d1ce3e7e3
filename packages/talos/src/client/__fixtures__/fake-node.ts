import { X509Certificate } from "node:crypto";
import { gzipSync } from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import { parseAllDocuments } from "yaml";
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from "../../pki/certificates.js";
import { applyModes, decodeMessage, encodeMessage, type TalosMethod, talosMethods } from "../proto.js";

/** One call the fake node received. */
export interface ReceivedCall {
  method: string;
  /** The `node` metadata, when sent. */
  node?: string;
  /** The client certificate's subject organization, or undefined without a client certificate. */
  clientRole?: string;
  request: Record<string, unknown>;
}

/** Options of {@link startFakeTalosNode}. */
export interface FakeTalosNodeOptions {
  /** The Talos API CA of the cluster the node will join; configured nodes serve a certificate from it and require client certificates from it. */
  osCa: CertificateAndKey;
  /** Whether the node starts configured (mTLS) instead of in maintenance mode. */
  configured?: boolean;
  /** The node's role once configured, when it starts configured. */
  type?: "controlplane" | "worker";
  /** How many Bootstrap calls are answered with FailedPrecondition ("not available yet") first. */
  bootstrapNotReadyTimes?: number;
  /** The kubeconfig the node hands out. */
  kubeconfig?: string;
  /** The Talos version tag it reports. */
  versionTag?: string;
}

type Handler = (request: Record<string, unknown>, call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>) => unknown;

const fail = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details });

/**
 * A stand-in for a Talos node's API on 127.0.0.1: in maintenance mode it serves TLS with a throw-away
 * certificate and answers Disks and ApplyConfiguration (checking the mode and the config); a config
 * moves it, like a reboot, to configured mode on the same port, where it requires a client
 * certificate from the cluster's Talos API CA with role `os:admin` and extended key usage `clientAuth`
 * alone, and answers ApplyConfiguration, Bootstrap (once), Kubeconfig (control plane only, as a
 * gzip'd tar without end blocks) and Version. It records every call.
 */
export class FakeTalosNode {
  readonly calls: ReceivedCall[] = [];
  mode: "maintenance" | "configured";
  type: "controlplane" | "worker" | undefined;
  bootstrapped = false;
  appliedConfigs: string[] = [];
  port = 0;
  private server: grpc.Server | undefined;
  private bootstrapNotReady: number;

  constructor(private readonly options: FakeTalosNodeOptions) {
    this.mode = options.configured ? "configured" : "maintenance";
    this.type = options.configured ? (options.type ?? "controlplane") : undefined;
    this.bootstrapNotReady = options.bootstrapNotReadyTimes ?? 0;
  }

  /** The `host:port` clients connect to. */
  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const now = Date.now();
    const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 24 * 3600_000) };
    let credentials: grpc.ServerCredentials;
    if (this.mode === "maintenance") {
      const ephemeral = await createCertificateAuthority({ keyType: "ed25519" });
      const cert = await issueCertificate({ ca: ephemeral, commonName: "maintenance", altNames: ["127.0.0.1"], usages: ["serverAuth"], ...validity });
      credentials = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(cert.cert), private_key: Buffer.from(cert.key) }], false);
    } else {
      const cert = await issueCertificate({ ca: this.options.osCa, commonName: "node", altNames: ["127.0.0.1", "localhost"], usages: ["serverAuth"], ...validity });
      credentials = grpc.ServerCredentials.createSsl(
        Buffer.from(this.options.osCa.cert),
        [{ cert_chain: Buffer.from(cert.cert), private_key: Buffer.from(cert.key) }],
        true,
      );
    }
    const server = new grpc.Server();
    const services: Record<string, grpc.UntypedServiceImplementation> = {};
    const definitions: Record<string, Record<string, grpc.MethodDefinition<unknown, unknown>>> = {};
    for (const [name, method] of Object.entries(talosMethods)) {
      const [, service = "", rpc = ""] = method.path.split("/");
      definitions[service] ??= {};
      services[service] ??= {};
      (definitions[service] as Record<string, grpc.MethodDefinition<unknown, unknown>>)[rpc] = this.definition(method);
      (services[service] as grpc.UntypedServiceImplementation)[rpc] = this.implementation(method, this.handler(name as keyof typeof talosMethods));
    }
    for (const service of Object.keys(definitions)) server.addService(definitions[service] as grpc.ServiceDefinition, services[service] as grpc.UntypedServiceImplementation);
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.port}`, credentials, (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
  }

  async stop(): Promise<void> {
    this.server?.forceShutdown();
    this.server = undefined;
  }

  /** Simulates the reboot into configured mode after the first config. */
  private async reboot(type: "controlplane" | "worker"): Promise<void> {
    // Graceful, so the reply to ApplyConfiguration still reaches the client.
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
    this.mode = "configured";
    this.type = type;
    await this.start();
  }

  private definition(method: TalosMethod): grpc.MethodDefinition<unknown, unknown> {
    return {
      path: method.path,
      requestStream: false,
      responseStream: method.serverStream,
      requestSerialize: (value) => encodeMessage(method.request, value as Record<string, unknown>),
      requestDeserialize: (data) => decodeMessage(method.request, data),
      responseSerialize: (value) => encodeMessage(method.response, value as Record<string, unknown>),
      responseDeserialize: (data) => decodeMessage(method.response, data),
    };
  }

  private implementation(method: TalosMethod, handler: Handler): grpc.UntypedHandleCall {
    const record = (call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>) => {
      const peer = call.getAuthContext().sslPeerCertificate;
      const node = call.metadata.get("node")[0];
      const received: ReceivedCall = { method: method.path.split("/").pop() as string, request: call.request as Record<string, unknown> };
      if (node !== undefined) received.node = String(node);
      if (peer?.subject?.O) received.clientRole = String(peer.subject.O);
      this.calls.push(received);
      if (this.mode === "configured") {
        // apid: roles from the client certificate's organization, and apidCheckExtKeyUsage.
        if (!peer?.raw) throw fail(grpc.status.UNAUTHENTICATED, "no client certificate");
        const usages = new X509Certificate(peer.raw).keyUsage;
        if (JSON.stringify(usages) !== JSON.stringify(["1.3.6.1.5.5.7.3.2"])) throw fail(grpc.status.PERMISSION_DENIED, "client certificate must have only clientAuth");
        if (received.clientRole !== "os:admin") throw fail(grpc.status.PERMISSION_DENIED, `not authorized: role ${received.clientRole}`);
      }
    };
    if (method.serverStream) {
      return (async (call: grpc.ServerWritableStream<unknown, unknown>) => {
        try {
          record(call);
          for (const message of (await handler(call.request as Record<string, unknown>, call)) as unknown[]) call.write(message);
          call.end();
        } catch (error) {
          call.emit("error", error);
        }
      }) as grpc.handleServerStreamingCall<unknown, unknown>;
    }
    return (async (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      try {
        record(call);
        callback(null, await handler(call.request as Record<string, unknown>, call));
      } catch (error) {
        callback(error as grpc.ServiceError);
      }
    }) as grpc.handleUnaryCall<unknown, unknown>;
  }

  private handler(name: keyof typeof talosMethods): Handler {
    const maintenance = () => this.mode === "maintenance";
    switch (name) {
      case "disks":
        return () => ({ messages: [{ disks: [{ deviceName: "/dev/vda", model: "QEMU HARDDISK", size: 21474836480 }] }] });
      case "version":
        return () => {
          if (maintenance()) throw fail(grpc.status.UNIMPLEMENTED, "API is not implemented in maintenance mode");
          return { messages: [{ version: { tag: this.options.versionTag ?? "v1.11.5", sha: "bc34de6e", os: "linux", arch: "amd64" }, platform: { name: "metal", mode: "metal" } }] };
        };
      case "applyConfiguration":
        return async (request) => {
          const mode = request.mode as string;
          if (maintenance() && !["AUTO", "REBOOT", "TRY"].includes(mode)) throw fail(grpc.status.UNIMPLEMENTED, `apply configuration in ${mode} mode is not supported in maintenance mode`);
          const text = Buffer.from(request.data as Buffer).toString("utf8");
          const documents = parseAllDocuments(text);
          const first = (Array.isArray(documents) ? documents[0] : documents)?.toJS() as { version?: string; machine?: { type?: string } } | undefined;
          if (first?.version !== "v1alpha1" || !["controlplane", "worker"].includes(String(first.machine?.type))) {
            throw fail(grpc.status.INVALID_ARGUMENT, "failed to validate configuration: machine instructions are required");
          }
          if (request.dryRun) return { messages: [{ warnings: [], mode: "AUTO", modeDetails: "dry run" }] };
          this.appliedConfigs.push(text);
          if (maintenance()) {
            // The node installs and reboots after replying.
            setImmediate(() => void this.reboot(first.machine?.type as "controlplane" | "worker"));
            return { messages: [{ warnings: [] }] };
          }
          return { messages: [{ warnings: [], mode: mode === "AUTO" ? "NO_REBOOT" : mode, modeDetails: "Applied configuration without a reboot" }] };
        };
      case "bootstrap":
        return () => {
          if (maintenance()) throw fail(grpc.status.UNIMPLEMENTED, "API is not implemented in maintenance mode");
          if (this.bootstrapNotReady > 0) {
            this.bootstrapNotReady--;
            throw fail(grpc.status.FAILED_PRECONDITION, "bootstrap is not available yet");
          }
          if (this.type !== "controlplane") throw fail(grpc.status.FAILED_PRECONDITION, "bootstrap can only be performed on a control plane node");
          if (this.bootstrapped) throw fail(grpc.status.ALREADY_EXISTS, "etcd data directory is not empty");
          this.bootstrapped = true;
          return { messages: [{}] };
        };
      case "kubeconfig":
        return () => {
          if (maintenance()) throw fail(grpc.status.UNIMPLEMENTED, "API is not implemented in maintenance mode");
          if (this.type !== "controlplane") throw fail(grpc.status.UNIMPLEMENTED, "kubeconfig is only available on control plane nodes");
          const archive = gzipSync(unterminatedTar("kubeconfig", this.options.kubeconfig ?? "apiVersion: v1\nkind: Config\n"));
          const half = Math.floor(archive.length / 2);
          return [{ bytes: archive.subarray(0, half) }, { bytes: archive.subarray(half) }];
        };
    }
  }
}

/** A tar with one file and, like Talos's, no padding after the data and no end-of-archive blocks. */
export function unterminatedTar(name: string, content: string): Buffer {
  const data = Buffer.from(content, "utf8");
  const header = Buffer.alloc(512);
  header.write(name, 0, "latin1");
  header.write("0000600\0", 100, "latin1");
  header.write("0000000\0", 108, "latin1");
  header.write("0000000\0", 116, "latin1");
  header.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, "0")}\0`, 136, "latin1");
  header.write("        ", 148, "latin1");
  header.write("0", 156, "latin1");
  header.write("ustar\0", 257, "latin1");
  header.write("00", 263, "latin1");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return Buffer.concat([header, data]);
}

/** Starts a {@link FakeTalosNode}. */
export async function startFakeTalosNode(options: FakeTalosNodeOptions): Promise<FakeTalosNode> {
  const node = new FakeTalosNode(options);
  await node.start();
  return node;
}

export { applyModes };
