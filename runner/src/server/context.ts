/**
 * The state one designer server shares between its routes: the workspace, its registry (loaded once,
 * in the background from the moment the server starts), the events hub, the open projects and the
 * orchestrator that runs operations.
 */

import type { ServerEvent } from "@highstate/project/api";
import type { Orchestrator } from "../engine/index.js";
import { loadWorkspaceRegistry, type WorkspaceRegistry } from "../registry/index.js";
import { runnerVersion } from "../registry/runner-version.js";
import { ProjectStore } from "../workspace/index.js";
import type { EventsHub } from "./events-hub.js";
import { ProjectSessions } from "./project-sessions.js";

/** Options of {@link DesignerContext}. */
export interface DesignerContextOptions {
  /** Absolute path of the workspace. */
  workspace: string;
  events: EventsHub;
  orchestrator: Orchestrator;
  /** A registry already loaded by the caller (the CLI may have one); loaded from the workspace otherwise. */
  registry?: WorkspaceRegistry;
}

/** Shared state of one designer server. */
export class DesignerContext {
  readonly workspace: string;
  readonly runnerVersion = runnerVersion();
  readonly events: EventsHub;
  readonly orchestrator: Orchestrator;
  readonly sessions: ProjectSessions;
  /** Set when the server is stopping: no new operation may start. */
  stopping = false;
  readonly #registry: Promise<WorkspaceRegistry>;

  constructor(options: DesignerContextOptions) {
    this.workspace = options.workspace;
    this.events = options.events;
    this.orchestrator = options.orchestrator;
    this.#registry = options.registry ? Promise.resolve(options.registry) : loadWorkspaceRegistry(options.workspace);
    // Surface a failed load through the routes that await it, not as an unhandled rejection.
    this.#registry.catch(() => {});
    this.sessions = new ProjectSessions({
      store: new ProjectStore(options.workspace),
      registry: () => this.registry(),
      broadcast: (event) => this.broadcast(event),
      isBusy: (project) => this.isBusy(project),
    });
  }

  /** The workspace registry (loading started with the server). */
  registry(): Promise<WorkspaceRegistry> {
    return this.#registry;
  }

  /** Sends an event to every connected designer. */
  broadcast(event: ServerEvent): void {
    this.events.broadcast(event);
  }

  /** Whether a project has an operation that has not finished. */
  isBusy(project: string): boolean {
    return this.orchestrator.list(project).some((operation) => operation.finishedAt === undefined);
  }

  /** Whether an instance is in an operation that has not finished. */
  isInstanceBusy(project: string, instanceId: string): boolean {
    return this.orchestrator
      .list(project)
      .some((operation) => operation.finishedAt === undefined && operation.instanceIds.includes(instanceId));
  }
}
