import { request as httpsRequest } from "node:https";
import {
  ProxmoxApiError,
  ProxmoxAuthenticationError,
  ProxmoxCertificateError,
  ProxmoxPermissionError,
  ProxmoxUnreachableError,
} from "./errors.js";

/** How to log in to the Proxmox API: an API token, or a user name and password (ticket login). */
export interface ProxmoxCredentials {
  /** `USER@REALM!TOKENID=SECRET`. */
  apiToken?: string;
  /** `user@realm`, for a ticket login with `password`. */
  username?: string;
  password?: string;
}

/** Where the Proxmox API is and how to talk to it. */
export interface ProxmoxClientOptions {
  /** `https://<host>:8006`; any path is ignored. */
  endpoint: string;
  /** Skip the TLS certificate check (Proxmox's default certificate is self-signed). */
  insecure?: boolean;
  credentials: ProxmoxCredentials;
  /** Timeout of one request in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Extra CA certificates to trust (PEM), for a private CA. */
  ca?: string;
}

/** A parameter value: booleans are sent as `1`/`0`, as Proxmox expects. */
export type ProxmoxParams = Record<string, string | number | boolean | undefined>;

const tokenPattern = /^\S+@\S+!\S+=[a-zA-Z0-9-]+$/;

/** Whether a string has the shape of a Proxmox API token, `USER@REALM!TOKENID=SECRET`. */
export function isApiToken(value: string): boolean {
  return tokenPattern.test(value);
}

/** The non-secret part of an API token, `USER@REALM!TOKENID`, for messages. */
export function apiTokenId(token: string): string {
  return token.slice(0, token.lastIndexOf("="));
}

/** Encodes one path segment the way Proxmox's clients do (a volid's `/` becomes `%2F`). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

function encodeParams(params: ProxmoxParams | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    search.append(key, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  return search.toString();
}

const certificateErrorCodes = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * A small client of the Proxmox VE REST API (`/api2/json`): form-encoded bodies, `{data}` envelopes,
 * API-token or ticket authentication, and typed errors for an unreachable host, an untrusted
 * certificate, refused credentials and missing privileges.
 */
export class ProxmoxClient {
  private ticket?: { cookie: string; csrf: string };
  readonly endpoint: string;

  constructor(private readonly options: ProxmoxClientOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch (error) {
      throw new ProxmoxUnreachableError(options.endpoint, "it is not a URL such as https://pve.example.com:8006", { cause: error });
    }
    if (url.protocol !== "https:") throw new ProxmoxUnreachableError(options.endpoint, "the Proxmox API is only served over https://");
    this.endpoint = url.origin;
    const { apiToken, username, password } = options.credentials;
    if (apiToken === undefined && (username === undefined || password === undefined)) {
      throw new ProxmoxAuthenticationError(
        this.endpoint,
        "no credentials",
        'set the "apiToken" secret, or the "username" arg and the "password" secret',
      );
    }
    if (apiToken !== undefined && !isApiToken(apiToken)) {
      throw new ProxmoxAuthenticationError(this.endpoint, "the API token", "it is not in the format USER@REALM!TOKENID=SECRET");
    }
  }

  /** What the credentials are, without secrets, for messages. */
  get credentialsLabel(): string {
    const { apiToken, username } = this.options.credentials;
    return apiToken !== undefined ? `the API token "${apiTokenId(apiToken)}"` : `the user "${username}"`;
  }

  async get<T>(path: string, params?: ProxmoxParams): Promise<T> {
    return this.request<T>("GET", path, params);
  }

  async post<T>(path: string, params?: ProxmoxParams): Promise<T> {
    return this.request<T>("POST", path, params);
  }

  async delete<T>(path: string, params?: ProxmoxParams): Promise<T> {
    return this.request<T>("DELETE", path, params);
  }

  /** Sends one request and returns the `data` of the answer. */
  async request<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, params?: ProxmoxParams): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    const { apiToken } = this.options.credentials;
    if (apiToken !== undefined) {
      headers.authorization = `PVEAPIToken=${apiToken}`;
    } else {
      const ticket = await this.login();
      headers.cookie = `PVEAuthCookie=${ticket.cookie}`;
      if (method !== "GET") headers.csrfpreventiontoken = ticket.csrf;
    }
    const response = await this.send(method, path, params, headers);
    return this.unwrap<T>(method, path, response);
  }

  private async login(): Promise<{ cookie: string; csrf: string }> {
    if (this.ticket) return this.ticket;
    const { username, password } = this.options.credentials;
    const response = await this.send("POST", "/access/ticket", { username, password }, { accept: "application/json" });
    const data = this.unwrap<{ ticket?: string; CSRFPreventionToken?: string; NeedTFA?: number }>("POST", "/access/ticket", response);
    if (data?.NeedTFA)
      throw new ProxmoxAuthenticationError(
        this.endpoint,
        this.credentialsLabel,
        "the user needs a second factor; use an API token instead",
      );
    if (!data?.ticket || !data.CSRFPreventionToken)
      throw new ProxmoxAuthenticationError(this.endpoint, this.credentialsLabel, "the login answer had no ticket");
    this.ticket = { cookie: data.ticket, csrf: data.CSRFPreventionToken };
    return this.ticket;
  }

  private unwrap<T>(method: string, path: string, response: { status: number; reason: string; body: string }): T {
    let parsed: { data?: unknown; message?: string; errors?: Record<string, string> } | undefined;
    try {
      parsed = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status >= 200 && response.status < 300) {
      if (parsed === undefined) throw new ProxmoxApiError(this.endpoint, `${method} ${path}`, response.status, "the answer is not JSON");
      return parsed.data as T;
    }
    const details = [
      response.reason,
      ...Object.entries(parsed?.errors ?? {}).map(([key, value]) => `${key}: ${String(value).trim()}`),
      parsed?.message?.trim() && parsed.message.trim() !== response.reason ? parsed.message.trim() : undefined,
    ]
      .filter((part) => part)
      .join("; ");
    const request = `${method} ${path}`;
    if (response.status === 401)
      throw new ProxmoxAuthenticationError(this.endpoint, this.credentialsLabel, details || "authentication failure");
    if (response.status === 403) throw new ProxmoxPermissionError(this.endpoint, request, details || "permission check failed");
    throw new ProxmoxApiError(this.endpoint, request, response.status, details || "no reason given");
  }

  private send(
    method: string,
    path: string,
    params: ProxmoxParams | undefined,
    headers: Record<string, string>,
  ): Promise<{ status: number; reason: string; body: string }> {
    const encoded = encodeParams(params);
    const inQuery = method === "GET" || method === "DELETE";
    const url = `${this.endpoint}/api2/json${path}${inQuery && encoded ? `?${encoded}` : ""}`;
    const body = inQuery ? undefined : encoded;
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          headers,
          rejectUnauthorized: this.options.insecure !== true,
          ...(this.options.ca ? { ca: this.options.ca } : {}),
          timeout: this.options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? "", body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (error: NodeJS.ErrnoException) => {
        const code = error.code ?? "";
        if (certificateErrorCodes.has(code))
          reject(new ProxmoxCertificateError(this.endpoint, `${code}: ${error.message}`, { cause: error }));
        else reject(new ProxmoxUnreachableError(this.endpoint, code ? `${code}: ${error.message}` : error.message, { cause: error }));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
