/**
 * A minimal method + path router: patterns like `/api/projects/:project/instances/:instanceId` with
 * URL-decoded parameters. A path that matches with another method gets 405 instead of 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BadRequestError, HttpError } from "./http.js";

/** What a route handler receives. */
export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  params: Record<string, string>;
  url: URL;
}

/** A route handler; it sends the response itself. */
export type RouteHandler = (context: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

/** Thrown by `Router.match` when no route matches. */
export class RouteNotFoundError extends HttpError {
  override name = "RouteNotFoundError";
  constructor(method: string, path: string) {
    super(404, "not-found", `there is no API route "${method} ${path}"`);
  }
}

/** A router over exact segments and `:name` parameters. */
export class Router {
  readonly #routes: Route[] = [];

  /** Adds a route. */
  add(method: string, pattern: string, handler: RouteHandler): this {
    this.#routes.push({ method, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.add("GET", pattern, handler);
  }

  post(pattern: string, handler: RouteHandler): this {
    return this.add("POST", pattern, handler);
  }

  put(pattern: string, handler: RouteHandler): this {
    return this.add("PUT", pattern, handler);
  }

  /** Finds the handler and parameters for a request; throws 404/405 `HttpError`s. */
  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } {
    const parts = pathname.split("/").filter(Boolean);
    const allowed = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) return { handler: route.handler, params };
      allowed.add(route.method);
    }
    if (allowed.size > 0) {
      throw new HttpError(405, "method-not-allowed", `"${pathname}" accepts ${[...allowed].join(", ")}, not ${method}`);
    }
    throw new RouteNotFoundError(method, pathname);
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index]!;
    const actual = parts[index]!;
    if (expected.startsWith(":")) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch (error) {
        throw new BadRequestError(`path parameter "${expected.slice(1)}" is not valid URL encoding`, expected.slice(1), { cause: error });
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
