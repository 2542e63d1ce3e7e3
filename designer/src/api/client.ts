/**
 * The HTTP side of the designer API: one typed method per route of `@highstate/project/api`. Every
 * failure becomes an `ApiRequestError` carrying the server's stable `code` and its message.
 */

import type { Page, Registry } from "@highstate/contract";
import type {
  AcceptSecretsRequest,
  AcceptSecretsResponse,
  ApiError,
  CreateProjectRequest,
  InstanceDetails,
  InstanceLogs,
  InstanceSecretsInfo,
  MutateProjectRequest,
  OpenTerminalRequest,
  OperationInfo,
  OperationSelection,
  OperationSelectionRequest,
  PlanResponse,
  ProjectList,
  ProjectSnapshot,
  RevealSecretResponse,
  SecretBindingProblems,
  SessionInfo,
  SetSecretsRequest,
  StartOperationRequest,
  TerminalSession,
} from "@highstate/project/api";
import { authorizationHeaders } from "./access-token.js";

/** A request the server refused or could not answer; `code` is the server's stable error code. */
export class ApiRequestError extends Error {
  override name = "ApiRequestError";

  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** E.g. `incorrect-password`, `conflict`, `not-found`, `network`. */
    readonly code: string,
    message: string,
    /** The request field the error is about, when the server names one. */
    readonly field?: string,
    /** For `conflict`: the server's current revision. */
    readonly revision?: number,
    options?: ErrorOptions,
    /** For `secrets-not-bound`: the secrets file and every place whose binding does not hold. */
    readonly bindings?: SecretBindingProblems,
  ) {
    super(message, options);
  }
}

const enc = encodeURIComponent;

/** Talks to the designer server the page was loaded from. */
export class ApiClient {
  constructor(private readonly base = "") {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        // The token goes in a header, never in a cookie (cookies reach every port of the host).
        credentials: "omit",
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...authorizationHeaders(),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiRequestError(
        0,
        "network",
        "The designer server cannot be reached; check that `highstate designer` is still running.",
        undefined,
        undefined,
        { cause: error },
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch (error) {
      throw new ApiRequestError(
        response.status,
        "bad-response",
        `The server answered ${method} ${path} with something that is not JSON (HTTP ${response.status}).`,
        undefined,
        undefined,
        { cause: error },
      );
    }
    if (!response.ok) {
      const error = (parsed as ApiError | undefined)?.error;
      throw new ApiRequestError(
        response.status,
        error?.code ?? `http-${response.status}`,
        error?.message ?? `The server answered ${method} ${path} with HTTP ${response.status}.`,
        error?.field,
        error?.revision,
        undefined,
        error?.bindings,
      );
    }
    return parsed as T;
  }

  session(): Promise<SessionInfo> {
    return this.request("GET", "/api/session");
  }
  registry(): Promise<Registry> {
    return this.request("GET", "/api/registry");
  }
  listProjects(): Promise<ProjectList> {
    return this.request("GET", "/api/projects");
  }
  createProject(body: CreateProjectRequest): Promise<ProjectSnapshot> {
    return this.request("POST", "/api/projects", body);
  }
  getProject(project: string): Promise<ProjectSnapshot> {
    return this.request("GET", `/api/projects/${enc(project)}`);
  }
  unlockProject(project: string, password: string): Promise<ProjectSnapshot> {
    return this.request("POST", `/api/projects/${enc(project)}/unlock`, { password });
  }
  renameProject(project: string, newName: string): Promise<ProjectSnapshot> {
    return this.request("POST", `/api/projects/${enc(project)}/rename`, { newName });
  }
  mutate(project: string, body: MutateProjectRequest): Promise<ProjectSnapshot> {
    return this.request("POST", `/api/projects/${enc(project)}/mutations`, body);
  }
  setSecrets(project: string, instanceId: string, body: SetSecretsRequest): Promise<InstanceSecretsInfo> {
    return this.request("PUT", `/api/projects/${enc(project)}/instances/${enc(instanceId)}/secrets`, body);
  }
  /** Reveals a secret; the server asks for the project password (401 `password-required`) unless it was entered within the last minute. */
  revealSecret(project: string, instanceId: string, secret: string, password?: string): Promise<RevealSecretResponse> {
    return this.request(
      "POST",
      `/api/projects/${enc(project)}/instances/${enc(instanceId)}/secrets/${enc(secret)}/reveal`,
      password === undefined ? {} : { password },
    );
  }
  /** Binds secrets that are not bound to their place (moved, edited, or written before bindings existed); always needs the password. */
  acceptSecrets(project: string, body: AcceptSecretsRequest): Promise<AcceptSecretsResponse> {
    return this.request("POST", `/api/projects/${enc(project)}/secrets/accept`, body);
  }
  plan(project: string): Promise<PlanResponse> {
    return this.request("GET", `/api/projects/${enc(project)}/plan`);
  }
  startOperation(project: string, body: StartOperationRequest): Promise<OperationInfo> {
    return this.request("POST", `/api/projects/${enc(project)}/operations`, body);
  }
  /** What an operation would run, in order (named instances with their dependencies, or every outdated one), without starting it. */
  operationSelection(project: string, body: OperationSelectionRequest): Promise<OperationSelection> {
    return this.request("POST", `/api/projects/${enc(project)}/operations/selection`, body);
  }
  listOperations(project: string): Promise<OperationInfo[]> {
    return this.request("GET", `/api/projects/${enc(project)}/operations`);
  }
  cancelOperation(operationId: string, force = false): Promise<OperationInfo> {
    return this.request("POST", `/api/operations/${enc(operationId)}/cancel`, { force });
  }
  instanceDetails(project: string, instanceId: string): Promise<InstanceDetails> {
    return this.request("GET", `/api/projects/${enc(project)}/instances/${enc(instanceId)}/details`);
  }
  instanceLogs(project: string, instanceId: string): Promise<InstanceLogs> {
    return this.request("GET", `/api/projects/${enc(project)}/instances/${enc(instanceId)}/logs`);
  }
  page(project: string, instanceId: string, page: string): Promise<Page> {
    return this.request("GET", `/api/projects/${enc(project)}/instances/${enc(instanceId)}/pages/${enc(page)}`);
  }
  openTerminal(project: string, instanceId: string, terminal: string, body: OpenTerminalRequest): Promise<TerminalSession> {
    return this.request("POST", `/api/projects/${enc(project)}/instances/${enc(instanceId)}/terminals/${enc(terminal)}`, body);
  }
}

/** The client of the server this page came from. */
export const api = new ApiClient();
