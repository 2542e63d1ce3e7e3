/**
 * `startDesignerServer`: the designer's server as one call. It refuses non-loopback addresses unless
 * remote access is allowed, loads the registry in the background, listens, and returns the URL with the
 * access token and a `close` that stops everything cleanly.
 */
import { resolve } from "node:path";
import type { WorkspaceRegistry } from "../registry/index.js";
import { DesignerContext } from "./context.js";
import { ListenError, RemoteAccessNotAllowedError } from "./errors.js";
import { EventsHub } from "./events-hub.js";
import { listenHttpServer } from "./http-server.js";
import { Router } from "./router.js";
import { sessionRoutes } from "./routes/session-routes.js";
import { isLoopbackHost } from "./security.js";
import { findDesignerAssets, StaticFiles } from "./static-files.js";

/** Options of {@link startDesignerServer}. */
export interface DesignerServerOptions {
  /** The workspace directory (the folder with `package.json` and `projects/`). */
  workspace: string;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Allows a non-loopback `host`. Without it such a host is refused with `RemoteAccessNotAllowedError`. */
  allowRemote?: boolean;
  /** The access token; a random 256-bit one when omitted. */
  token?: string;
  /** Extra names the `Host` header may carry (e.g. the name a reverse proxy forwards). */
  extraHosts?: string[];
  /** The folder with the built designer app; found through `@highstate/designer` when omitted. */
  assetsDir?: string;
  /** A registry the caller already loaded; loaded from the workspace when omitted. */
  registry?: WorkspaceRegistry;
}

/** A running designer server. */
export interface DesignerServer {
  /** The URL to open: the server's address with `?token=…`. */
  url: string;
  /** The server's address without the token, e.g. `http://127.0.0.1:3000/`. */
  baseUrl: string;
  /** The access token (send as `Authorization: Bearer <token>` from scripts). */
  token: string;
  host: string;
  port: number;
  /** Absolute path of the workspace served. */
  workspace: string;
  /**
   * Stops the server: running operations are cancelled gracefully and awaited, terminals and sockets
   * are closed, the port is released. Safe to call more than once.
   */
  close(): Promise<void>;
}

/** Starts the designer server for a workspace. */
export async function startDesignerServer(options: DesignerServerOptions): Promise<DesignerServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!isLoopbackHost(host) && !options.allowRemote) throw new RemoteAccessNotAllowedError(host);
  const workspace = resolve(options.workspace);
  const events = new EventsHub();
  const context = new DesignerContext({ workspace, events, registry: options.registry });
  const router = new Router();
  sessionRoutes(router, context);

  let listening: Awaited<ReturnType<typeof listenHttpServer>>;
  try {
    listening = await listenHttpServer({
      host,
      port,
      token: options.token,
      extraHosts: options.extraHosts,
      router,
      assets: new StaticFiles(options.assetsDir ?? findDesignerAssets()),
      upgrade: (pathname, request, socket, head) => {
        if (pathname !== "/api/events") return false;
        events.handleUpgrade(request, socket, head);
        return true;
      },
    });
  } catch (error) {
    await events.close();
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno?.code === "string") throw new ListenError(host, port, { cause: errno });
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    baseUrl: listening.baseUrl,
    token: listening.token,
    host,
    port: listening.port,
    workspace,
    close() {
      closing ??= (async () => {
        await events.close();
        await listening.close();
      })();
      return closing;
    },
  };
}
