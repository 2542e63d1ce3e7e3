/**
 * Small HTTP helpers for the designer server: typed API errors, JSON responses with the security
 * headers, and request bodies read with a size limit and validated with a zod schema.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiError } from "@highstate/project/api";
import type { z } from "zod";
import { findStrictJsonProblem } from "../fs/json-syntax.js";
import { apiContentSecurityPolicy, baseSecurityHeaders } from "./security.js";

/** An error the API reports to the client as an `ApiError` body with the given status. */
export class HttpError extends Error {
  override name = "HttpError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Omit<ApiError["error"], "code" | "message"> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The response body. */
  toBody(): ApiError {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

/** 400: the request is malformed; `field` names the offending request field. */
export class BadRequestError extends HttpError {
  override name = "BadRequestError";
  constructor(message: string, field?: string, options?: ErrorOptions) {
    super(400, "bad-request", message, field !== undefined ? { field } : {}, options);
  }
}

/** 404: the named thing does not exist. */
export class NotFoundError extends HttpError {
  override name = "NotFoundError";
  constructor(message: string, options?: ErrorOptions) {
    super(404, "not-found", message, {}, options);
  }
}

/** 409: the client's view is stale (or the request conflicts with the current state). */
export class ConflictError extends HttpError {
  override name = "ConflictError";
  constructor(message: string, revision?: number, options?: ErrorOptions) {
    super(409, "conflict", message, revision !== undefined ? { revision } : {}, options);
  }
}

/** The largest request body accepted (a project batch of thousands of mutations fits easily). */
export const maxBodyBytes = 8 * 1024 * 1024;

/** Reads the whole request body as text, refusing bodies over `maxBodyBytes`. */
export async function readBody(request: IncomingMessage, limit = maxBodyBytes): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limit) throw new HttpError(413, "too-large", `the request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, "too-large", `the request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Formats a zod issue path as a dotted field name (`mutations.3.args`). */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => String(part)).join(".");
}

/**
 * Reads a JSON body and validates it with `schema`. An empty body counts as `{}` so requests whose
 * fields all have defaults may omit it. Errors name the field.
 */
export async function readJson<S extends z.ZodType>(request: IncomingMessage, schema: S): Promise<z.output<S>> {
  const contentType = request.headers["content-type"];
  const text = await readBody(request);
  if (text.trim() !== "" && contentType !== undefined && !/^application\/json\b/i.test(contentType)) {
    throw new HttpError(
      415,
      "unsupported-media-type",
      `request bodies must be JSON ("Content-Type: application/json"), got "${contentType}"`,
    );
  }
  let value: unknown = {};
  if (text.trim() !== "") {
    const problem = findStrictJsonProblem(text);
    if (problem)
      throw new BadRequestError(`the request body cannot be read: ${problem.message} (line ${problem.line}, column ${problem.column})`);
    value = JSON.parse(text);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issuePath(issue.path);
    const keys = issue.code === "unrecognized_keys" ? (issue as { keys?: string[] }).keys : undefined;
    const message =
      keys && keys.length > 0
        ? `unknown field${keys.length > 1 ? "s" : ""} ${keys.map((key) => `"${field ? `${field}.` : ""}${key}"`).join(", ")}; remove ${keys.length > 1 ? "them" : "it"}`
        : field
          ? `field "${field}": ${issue.message}`
          : issue.message;
    throw new BadRequestError(message, field || undefined);
  }
  return result.data;
}

/** Headers for API responses. */
export function apiHeaders(): Record<string, string> {
  return { ...baseSecurityHeaders, "Content-Security-Policy": apiContentSecurityPolicy, "Cache-Control": "no-store" };
}

/** Sends a JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...apiHeaders(),
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Sends an API error (an `HttpError`, or a 500 for anything else, without internals). */
export function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(response, error.status, error.toBody());
    return;
  }
  const body: ApiError = {
    error: { code: "internal", message: `the server failed: ${error instanceof Error ? error.message : String(error)}` },
  };
  sendJson(response, 500, body);
}
