/**
 * `startDesignerServer`: the designer's server as one call. It refuses non-loopback addresses unless
 * remote access is allowed, loads the registry in the background, listens, and returns the URL with the
 * access token and a `close` that stops everything cleanly.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { WebSocketServer } from "ws";
import { createEngine, type Engine, Orchestrator } from "../engine/index.js";
import type { WorkspaceRegistry } from "../registry/index.js";
import type { TerminalManager, TerminalManagerOptions } from "../terminals/index.js";
import { acquireWorkspaceLock } from "../workspace/index.js";
import { DesignerContext } from "./context.js";
import { ListenError, NoSuchWorkspaceError, RemoteAccessNotAllowedError } from "./errors.js";
import { EventsHub } from "./events-hub.js";
import { listenHttpServer } from "./http-server.js";
import { Router } from "./router.js";
import { instanceRoutes } from "./routes/instance-routes.js";
import { operationRoutes } from "./routes/operation-routes.js";
import { projectRoutes } from "./routes/project-routes.js";
import { secretRoutes } from "./routes/secret-routes.js";
import { sessionRoutes } from "./routes/session-routes.js";
import { isLoopbackHost, selectApiProtocol } from "./security.js";
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
  /** The engine that runs units; the one `HIGHSTATE_ENGINE` selects (Pulumi by default) when omitted. */
  engine?: Engine;
  /** How many instances run at once. Default: one per CPU (at least 2). */
  parallelism?: number;
  /** How long a graceful cancel may take before runs are stopped by force. Default 60 s. */
  forceCancelAfterMs?: number;
  /** Terminal settings (local terminals start in the workspace by default). */
  terminals?: TerminalManagerOptions;
  /** What the workspace lock names as its holder. Default `highstate designer`. */
  lockCommand?: string;
}

/** Options of {@link DesignerServer.close}. */
export interface DesignerCloseOptions {
  /** Stop running operations at once instead of cancelling them gracefully. */
  force?: boolean;
}

/** A running designer server. */
export interface DesignerServer {
  /** The URL to open: the server's address with `#token=…` (a fragment: browsers never send it anywhere). */
  url: string;
  /** The server's address without the token, e.g. `http://127.0.0.1:3000/`. */
  baseUrl: string;
  /** The access token (send as `Authorization: Bearer <token>` from scripts). */
  token: string;
  host: string;
  port: number;
  /** Absolute path of the workspace served. */
  workspace: string;
  /** The orchestrator running this server's operations (for tests and embedding). */
  orchestrator: Orchestrator;
  /** The workspace registry, loading in the background since the start (for reporting its problems). */
  registry(): Promise<WorkspaceRegistry>;
  /**
   * Stops the server: running operations are cancelled (gracefully unless `force`) and awaited,
   * terminals and sockets are closed, the port is released and the workspace lock released. Safe to
   * call more than once; a later call with `force` escalates a graceful stop in progress.
   */
  close(options?: DesignerCloseOptions): Promise<void>;
}

/**
 * Starts the designer server for a workspace: takes the workspace lock (`WorkspaceLockedError` naming
 * the holder when another process has it), starts loading the registry, and listens. Resolves once
 * the port is bound; the registry finishes loading in the background (requests wait for it).
 */
export async function startDesignerServer(options: DesignerServerOptions): Promise<DesignerServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!isLoopbackHost(host) && !options.allowRemote) throw new RemoteAccessNotAllowedError(host);
  const workspace = resolve(options.workspace);
  const info = await stat(workspace).catch(() => undefined);
  if (!info?.isDirectory()) throw new NoSuchWorkspaceError(workspace);
  const lock = await acquireWorkspaceLock(workspace, { command: options.lockCommand ?? "highstate designer" });
  const events = new EventsHub();
  // Terminals (and the SSH library) load on first use, which keeps start-up fast.
  let terminals: Promise<TerminalManager> | undefined;
  let terminalsReady: TerminalManager | undefined;
  const getTerminals = () =>
    (terminals ??= import("../terminals/index.js").then((module) => {
      terminalsReady = new module.TerminalManager({ ...options.terminals, local: { cwd: workspace, ...options.terminals?.local } });
      return terminalsReady;
    }));
  const terminalSockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: selectApiProtocol });
  let orchestrator: Orchestrator;
  let context: DesignerContext | undefined;
  let listening: Awaited<ReturnType<typeof listenHttpServer>>;
  let unsubscribe: () => void = () => {};
  try {
    orchestrator = new Orchestrator({
      workspaceRoot: workspace,
      engine: options.engine ?? createEngine(),
      ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
      ...(options.forceCancelAfterMs !== undefined ? { forceCancelAfterMs: options.forceCancelAfterMs } : {}),
    });
    context = new DesignerContext({ workspace, events, orchestrator, registry: options.registry });
    const shared = context;
    unsubscribe = orchestrator.subscribe((event) => shared.broadcast(event));
    const router = new Router();
    sessionRoutes(router, context);
    projectRoutes(router, context);
    secretRoutes(router, context);
    operationRoutes(router, context);
    instanceRoutes(router, context, getTerminals);
    listening = await listenHttpServer({
      host,
      port,
      token: options.token,
      extraHosts: options.extraHosts,
      router,
      assets: new StaticFiles(options.assetsDir ?? findDesignerAssets()),
      upgrade: (pathname, request, socket, head) => {
        if (pathname === "/api/events") {
          events.handleUpgrade(request, socket, head);
          return true;
        }
        const terminal = /^\/api\/terminals\/([A-Za-z0-9_-]+)$/.exec(pathname);
        if (terminal && terminalsReady) {
          terminalsReady.handleUpgrade(terminalSockets, request, socket, head, terminal[1]!);
          return true;
        }
        return false;
      },
    });
  } catch (error) {
    unsubscribe();
    await events.close();
    await terminals?.then((manager) => manager.closeAll());
    terminalSockets.close();
    await context?.registry().catch(() => undefined);
    await lock.release();
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno?.code === "string" && errno.syscall === "listen") throw new ListenError(host, port, { cause: errno });
    throw error;
  }

  let closing: Promise<void> | undefined;
  const cancelAll = (force: boolean) => {
    for (const operation of orchestrator.list()) {
      if (operation.finishedAt === undefined) orchestrator.cancel(operation.id, { force });
    }
  };
  return {
    url: listening.url,
    baseUrl: listening.baseUrl,
    token: listening.token,
    host,
    port: listening.port,
    workspace,
    orchestrator,
    registry: () => context!.registry(),
    close(closeOptions = {}) {
      if (closing) {
        if (closeOptions.force) cancelAll(true);
        return closing;
      }
      closing = (async () => {
        try {
          context!.stopping = true;
          // Operations started while the first ones were cancelling are cancelled too.
          while (orchestrator.list().some((operation) => operation.finishedAt === undefined)) {
            cancelAll(closeOptions.force ?? false);
            await orchestrator.idle();
          }
          unsubscribe();
          await terminals?.then((manager) => manager.closeAll());
          terminalSockets.close();
          await events.close();
          await listening.close();
          // The registry may still be loading (and about to write its cache): let it finish first.
          await context!.registry().catch(() => undefined);
        } finally {
          await lock.release();
        }
      })();
      return closing;
    },
  };
}
