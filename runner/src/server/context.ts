/**
 * The state one designer server shares between its routes: the workspace, its registry (loaded once,
 * in the background from the moment the server starts), the events hub and the project sessions.
 */
import { loadWorkspaceRegistry, type WorkspaceRegistry } from "../registry/index.js";
import { runnerVersion } from "../registry/runner-version.js";
import type { ServerEvent } from "./api-types.js";
import type { EventsHub } from "./events-hub.js";

/** Options of {@link DesignerContext}. */
export interface DesignerContextOptions {
  /** Absolute path of the workspace. */
  workspace: string;
  events: EventsHub;
  /** A registry already loaded by the caller (the CLI may have one); loaded from the workspace otherwise. */
  registry?: WorkspaceRegistry;
}

/** Shared state of one designer server. */
export class DesignerContext {
  readonly workspace: string;
  readonly runnerVersion = runnerVersion();
  readonly events: EventsHub;
  readonly #registry: Promise<WorkspaceRegistry>;

  constructor(options: DesignerContextOptions) {
    this.workspace = options.workspace;
    this.events = options.events;
    this.#registry = options.registry ? Promise.resolve(options.registry) : loadWorkspaceRegistry(options.workspace);
    // Surface a failed load through the routes that await it, not as an unhandled rejection.
    this.#registry.catch(() => {});
  }

  /** The workspace registry (loading started with the server). */
  registry(): Promise<WorkspaceRegistry> {
    return this.#registry;
  }

  /** Sends an event to every connected designer. */
  broadcast(event: ServerEvent): void {
    this.events.broadcast(event);
  }
}
