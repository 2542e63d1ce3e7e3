/**
 * A small fake of the Proxmox VE API for tests, on loopback with TLS (a self-signed certificate made
 * with openssl), built from what the real server does (see the Proxmox facts): routing on the raw
 * path with each segment decoded, `{data}` envelopes, form-encoded POST bodies, `PVEAPIToken`
 * headers and ticket cookies with CSRF tokens, error text in the HTTP reason phrase, `download-url`
 * with synchronous parameter checks and a task whose exit status carries a checksum mismatch.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProxmoxNode, ProxmoxStorage } from "../detect.js";

/** A TLS key and self-signed certificate for 127.0.0.1. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "fake-pve-tls-"));
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        .concat(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "privkey.pem", "-out", "cert.pem"]),
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    return { key: readFileSync(join(dir, "privkey.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FakeProxmoxOptions {
  version?: string;
  nodes?: ProxmoxNode[];
  /** Datastores by node name. */
  storages?: Record<string, ProxmoxStorage[]>;
  /** The API token the server accepts. */
  apiToken?: string;
  /** The user and password the server accepts for a ticket login. */
  user?: { username: string; password: string };
}

/** A request the fake received (parameters from the query or the form body). */
export interface FakeRequest {
  method: string;
  path: string;
  params: Record<string, string>;
}

export interface FakeProxmox {
  endpoint: string;
  /** The server's certificate (PEM), to trust it instead of using `insecure`. */
  cert: string;
  requests: FakeRequest[];
  /** Volumes on the datastores: volid → bytes. */
  volumes: Map<string, Buffer>;
  stop(): Promise<void>;
}

const importExtensions = [".qcow2", ".raw", ".vmdk", ".ova"];

function send(res: ServerResponse, status: number, reason: string, body?: unknown): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, reason, { "content-type": "application/json;charset=UTF-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeProxmox(options: FakeProxmoxOptions = {}): Promise<FakeProxmox> {
  const version = options.version ?? "8.4.1";
  const nodes = options.nodes ?? [{ node: "pve", status: "online" }];
  const storages = options.storages ?? {};
  const requests: FakeRequest[] = [];
  const volumes = new Map<string, Buffer>();
  const tasks = new Map<string, { node: string; polls: number; exitstatus: string; log: string[] }>();
  const tickets = new Map<string, string>();
  let taskCounter = 0;
  const { key, cert } = selfSignedCertificate();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const [rawPath = "", query = ""] = (req.url ?? "").split("?");
    const method = req.method ?? "GET";
    const body = method === "POST" || method === "PUT" ? await readBody(req) : "";
    if (body && !String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) return send(res, 400, "expected a form body");
    const params = Object.fromEntries(new URLSearchParams(method === "GET" || method === "DELETE" ? query : body));
    if (!rawPath.startsWith("/api2/json/")) return send(res, 404, "Not Found");
    const parts = rawPath.slice("/api2/json/".length).split("/").map(decodeURIComponent);
    const path = `/${parts.join("/")}`;
    requests.push({ method, path, params });

    if (method === "POST" && path === "/access/ticket") {
      if (!options.user || params.username !== options.user.username || params.password !== options.user.password) {
        return send(res, 401, "authentication failure", { data: null, message: "authentication failure\n" });
      }
      const ticket = `PVE:${params.username}:6750A1B2::${Math.random().toString(36).slice(2)}`;
      const csrf = `6750A1B2:${Math.random().toString(36).slice(2)}`;
      tickets.set(ticket, csrf);
      return send(res, 200, "OK", { data: { ticket, CSRFPreventionToken: csrf, username: params.username } });
    }
    const authorization = req.headers.authorization;
    const cookie = /PVEAuthCookie=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (authorization !== undefined) {
      if (authorization !== `PVEAPIToken=${options.apiToken}`) return send(res, 401, "Authentication failed!");
    } else if (cookie !== undefined) {
      const csrf = tickets.get(decodeURIComponent(cookie));
      if (csrf === undefined) return send(res, 401, "invalid ticket");
      if (method !== "GET" && req.headers.csrfpreventiontoken !== csrf) return send(res, 401, "Permission denied - invalid csrf token");
    } else {
      return send(res, 401, "No ticket");
    }

    const route = `${method} ${parts.map((part, index) => (index % 2 === 1 ? "*" : part)).join("/")}`;
    if (route === "GET version") return send(res, 200, "OK", { data: { version, release: version.split(".").slice(0, 2).join("."), repoid: "fake" } });
    if (route === "GET nodes") return send(res, 200, "OK", { data: nodes.map((node) => ({ ...node, id: `node/${node.node}`, type: "node", level: "" })) });
    const node = parts[1] ?? "";
    if (parts[0] === "nodes" && !nodes.some((entry) => entry.node === node)) {
      return send(res, 500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`, { data: null });
    }
    const stores = storages[node] ?? [];
    if (route === "GET nodes/*/storage") {
      const wanted = params.content?.split(",");
      const list = wanted ? stores.filter((store) => store.enabled !== 0 && store.content.split(",").some((type) => wanted.includes(type))) : stores;
      return send(res, 200, "OK", { data: list });
    }
    const store = stores.find((entry) => entry.storage === parts[3]);
    if (parts[0] === "nodes" && parts[2] === "storage" && parts[3] !== undefined && !store) {
      return send(res, 500, `storage '${parts[3]}' does not exist`, { data: null, message: `storage '${parts[3]}' does not exist\n` });
    }
    if (route === "POST nodes/*/storage/*/download-url") {
      const content = params.content ?? "";
      if (!store!.content.split(",").includes(content)) {
        return send(res, 500, `storage '${store!.storage}' is not configured for content-type '${content}'`, { data: null });
      }
      const filename = params.filename ?? "";
      const badName =
        content === "import"
          ? !importExtensions.some((extension) => filename.endsWith(extension)) && "invalid filename or wrong extension"
          : !/\.(iso|img)$/.test(filename) && "wrong file extension";
      if (badName || !/^https?:\/\//.test(params.url ?? "") || (params.checksum && !params["checksum-algorithm"])) {
        return send(res, 400, "Parameter verification failed.", { data: null, errors: { [badName ? "filename" : "url"]: badName || "invalid" } });
      }
      const upid = `UPID:${node}:0000ABCD:0000ABCD:${(++taskCounter).toString(16).padStart(8, "0").toUpperCase()}:download:${filename}:${params.username ?? "root@pam!highstate"}:`;
      const task = { node, polls: 0, exitstatus: "OK", log: [`downloading ${params.url} to ${filename}`] };
      tasks.set(upid, task);
      try {
        const response = await fetch(params.url!);
        if (!response.ok) throw new Error(`download failed: ${response.status} ${response.statusText}`);
        const bytes = Buffer.from(await response.arrayBuffer());
        const actual = params.checksum ? createHash(params["checksum-algorithm"]!).update(bytes).digest("hex") : "";
        if (params.checksum && actual !== params.checksum.toLowerCase()) {
          task.exitstatus = `checksum mismatch: got '${actual}' != expect '${params.checksum}'`;
        } else {
          volumes.set(`${store!.storage}:${content}/${filename}`, bytes);
        }
      } catch (error) {
        task.exitstatus = (error as Error).message;
      }
      return send(res, 200, "OK", { data: upid });
    }
    if (route === "GET nodes/*/tasks/*/status") {
      const task = tasks.get(parts[3]!);
      if (!task) return send(res, 400, "Parameter verification failed.", { data: null, errors: { upid: "unable to parse worker upid" } });
      // The first poll sees the task running, as a real download would be.
      task.polls++;
      return send(res, 200, "OK", { data: { upid: parts[3], node: task.node, status: task.polls > 1 ? "stopped" : "running", ...(task.polls > 1 ? { exitstatus: task.exitstatus } : {}) } });
    }
    if (route === "GET nodes/*/tasks/*/log") {
      const task = tasks.get(parts[3]!);
      return send(res, 200, "OK", { data: (task?.log ?? []).map((t, index) => ({ n: index + 1, t })) });
    }
    if (route === "GET nodes/*/storage/*/content") {
      const list = [...volumes.entries()]
        .filter(([volid]) => volid.startsWith(`${store!.storage}:`) && (!params.content || volid.slice(volid.indexOf(":") + 1).startsWith(`${params.content}/`)))
        .map(([volid, bytes]) => ({ volid, content: volid.slice(volid.indexOf(":") + 1).split("/")[0], format: volid.split(".").at(-1), size: bytes.length }));
      return send(res, 200, "OK", { data: list });
    }
    if (route === "DELETE nodes/*/storage/*/content/*") {
      if (!volumes.delete(parts[5]!)) return send(res, 500, `volume '${parts[5]}' does not exist`, { data: null });
      return send(res, 200, "OK", { data: null });
    }
    return send(res, 501, `Method '${method} /${parts.join("/")}' not implemented`);
  };

  const server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, error.message.split("\n")[0]!, { data: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    cert,
    requests,
    volumes,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A plain HTTP server on loopback serving files by path, standing in for an image mirror. */
export async function startFileServer(files: Record<string, Buffer>): Promise<{ url: (path: string) => string; stop(): Promise<void> }> {
  const server = createHttpServer((req, res) => {
    const file = files[req.url ?? ""];
    if (!file) {
      res.writeHead(404, "Not Found").end();
      return;
    }
    res.writeHead(200, { "content-length": file.length }).end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
