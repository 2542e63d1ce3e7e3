/**
 * The projects a designer server has open: the project model as last read or written, its revision
 * (bumped on every change to the model, including edits made on disk by someone else), its secrets
 * file, and the password once the user has unlocked it. Changes to one project are serialised.
 */
import { isHighstateError, type Project } from "@highstate/contract";
import type { ProjectList, ProjectSummary, ServerEvent } from "@highstate/project/api";
import type { ProjectContext } from "../engine/index.js";
import { readTextFileIfExists } from "../fs/strict-text.js";
import type { WorkspaceRegistry } from "../registry/index.js";
import { type AcceptedBindings, ProjectSecrets, type SecretPlace } from "../secrets/index.js";
import {
  assertProjectName,
  ProjectAlreadyExistsError,
  ProjectNotFoundError,
  type ProjectStore,
  parseProjectFile,
  serializeProject,
} from "../workspace/index.js";
import { ConflictError } from "./http.js";

/** One open project. */
export class ProjectSession {
  /** The password, once unlocked (kept in memory only: operations pass it to Pulumi's environment). */
  password: string | undefined;
  /** When the password was last entered (unlock, create or a reveal that asked for it), in ms since the epoch. */
  passwordEnteredAt: number | undefined;
  /** Set while this server writes the file, so the write is not mistaken for an edit on disk. */
  writing = false;

  constructor(
    readonly name: string,
    /** The project model as last read or written. */
    public project: Project,
    /** The file text the model was read from or written as (to notice changes made on disk). */
    public text: string,
    readonly secrets: ProjectSecrets,
    public revision: number,
  ) {}

  /** Whether secrets can be read and written and units run. */
  get unlocked(): boolean {
    return this.password !== undefined && this.secrets.isUnlocked;
  }
}

/** Options of {@link ProjectSessions}. */
export interface ProjectSessionsOptions {
  store: ProjectStore;
  registry: () => Promise<WorkspaceRegistry>;
  broadcast: (event: ServerEvent) => void;
  /** Whether a project has an operation running (a rename must wait for it). */
  isBusy: (project: string) => boolean;
}

/** The open projects of a server. */
export class ProjectSessions {
  readonly #sessions = new Map<string, ProjectSession>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #options: ProjectSessionsOptions;

  constructor(options: ProjectSessionsOptions) {
    this.#options = options;
  }

  get store(): ProjectStore {
    return this.#options.store;
  }

  /** Runs `task` after every earlier task of the same project(s) has finished. */
  exclusive<T>(names: string | string[], task: () => Promise<T>): Promise<T> {
    const keys = [...new Set(Array.isArray(names) ? names : [names])].sort();
    const previous = Promise.all(keys.map((key) => this.#queues.get(key) ?? Promise.resolve()));
    const result = previous.then(task);
    const settled = result.catch(() => undefined);
    for (const key of keys) {
      this.#queues.set(key, settled);
      void settled.then(() => {
        if (this.#queues.get(key) === settled) this.#queues.delete(key);
      });
    }
    return result;
  }

  /** Every project with its instance count and lock state; unreadable files are listed with the reason. */
  async list(): Promise<ProjectList> {
    const projects: ProjectSummary[] = [];
    for (const name of await this.store.list()) {
      try {
        const session = await this.session(name);
        projects.push({ name, instanceCount: session.project.instances.length, unlocked: session.unlocked });
      } catch (error) {
        if (error instanceof ProjectNotFoundError) continue;
        projects.push({ name, instanceCount: 0, unlocked: false, unreadable: (error as Error).message });
      }
    }
    return { projects };
  }

  /**
   * The session of a project, opened on first use. The file is re-read every time: when it changed on
   * disk (a `git pull`, an editor), the model is reloaded, the revision bumped and clients told.
   */
  async session(name: string): Promise<ProjectSession> {
    assertProjectName(name);
    const file = this.store.paths.projectFile(name);
    const text = await readTextFileIfExists(file);
    const current = this.#sessions.get(name);
    if (text === undefined) {
      this.#sessions.delete(name);
      throw new ProjectNotFoundError(name, file);
    }
    if (current) {
      await this.#refreshSecrets(current);
      if (current.text !== text && !current.writing) {
        current.project = parseProjectFile(text, file);
        current.text = text;
        current.revision++;
        this.#options.broadcast({ type: "project-changed", project: name, revision: current.revision });
      }
      return current;
    }
    const project = parseProjectFile(text, file);
    const secrets = await ProjectSecrets.open(this.store.paths.projectSecretsFile(name));
    const session = new ProjectSession(name, project, text, secrets, 1);
    // Another request may have opened it meanwhile; keep the first.
    const raced = this.#sessions.get(name);
    if (raced) return raced;
    this.#sessions.set(name, session);
    return session;
  }

  /** Re-reads the secrets file when it changed on disk; a changed password locks the project again. */
  async #refreshSecrets(session: ProjectSession): Promise<void> {
    try {
      await session.secrets.refresh();
    } catch (error) {
      // A new password, or a value moved to another place: locked until unlocked (or accepted) again.
      if (!isHighstateError(error, "secrets-changed-on-disk", "secrets-not-bound")) throw error;
      session.password = undefined;
      this.#options.broadcast({ type: "project-changed", project: session.name, revision: session.revision });
    }
  }

  /** Creates a project with its password (which also unlocks it). */
  async create(name: string, password: string): Promise<ProjectSession> {
    return this.exclusive(name, async () => {
      assertProjectName(name);
      const file = this.store.paths.projectFile(name);
      if (await this.store.exists(name)) throw new ProjectAlreadyExistsError(name, file);
      const secrets = await ProjectSecrets.open(this.store.paths.projectSecretsFile(name));
      await secrets.create(password);
      const project = await this.store.create(name);
      const session = new ProjectSession(name, project, serializeProject(project), secrets, 1);
      session.password = password;
      session.passwordEnteredAt = Date.now();
      this.#sessions.set(name, session);
      this.#options.broadcast({ type: "projects-changed" });
      return session;
    });
  }

  /**
   * Unlocks a project with its password (`IncorrectPasswordError` when wrong). A project without a
   * password yet (e.g. created by hand) gets this one as its first password.
   */
  async unlock(name: string, password: string): Promise<ProjectSession> {
    return this.exclusive(name, async () => {
      const session = await this.session(name);
      if (session.secrets.hasPassword) await session.secrets.unlock(password);
      else await session.secrets.create(password);
      session.password = password;
      session.passwordEnteredAt = Date.now();
      this.#options.broadcast({ type: "project-changed", project: name, revision: session.revision });
      this.#options.broadcast({ type: "projects-changed" });
      return session;
    });
  }

  /**
   * Accepts secrets that are not bound to their place (see `ProjectSecrets.accept`), checking the
   * password given with the request (accepting is a trust decision: an unlocked session is not enough).
   * A wrong password leaves the session as it was. When nothing remains unbound the project is unlocked
   * with that password; otherwise it is locked (its secrets cannot be read).
   */
  async accept(name: string, password: string, selection: "all" | SecretPlace[]): Promise<{ session: ProjectSession } & AcceptedBindings> {
    return this.exclusive(name, async () => {
      const session = await this.session(name);
      const result = await session.secrets.accept(password, selection);
      if (result.remaining.length === 0) {
        session.password = password;
        session.passwordEnteredAt = Date.now();
      } else session.password = undefined;
      // The bindings (and so the warning) and perhaps the lock state changed: clients re-read the snapshot.
      this.touch(session);
      this.#options.broadcast({ type: "projects-changed" });
      return { session, ...result };
    });
  }

  /** Renames a project with its secrets and local data; refused while an operation runs on it. */
  async rename(name: string, newName: string): Promise<ProjectSession> {
    return this.exclusive([name, newName], async () => {
      const session = await this.session(name);
      assertProjectName(newName);
      if (newName === name) return session;
      if (this.#options.isBusy(name)) {
        throw new ConflictError(
          `Project "${name}" has a running operation; wait for it to finish (or cancel it) before renaming the project.`,
        );
      }
      await this.store.rename(name, newName);
      this.#sessions.delete(name);
      const secrets = await ProjectSecrets.open(this.store.paths.projectSecretsFile(newName));
      if (session.password !== undefined) await secrets.unlock(session.password);
      const renamed = new ProjectSession(newName, session.project, session.text, secrets, 1);
      renamed.password = session.password;
      this.#sessions.set(newName, renamed);
      this.#options.broadcast({ type: "projects-changed" });
      return renamed;
    });
  }

  /**
   * Saves a new model for a project (inside `exclusive`): writes the file atomically, bumps the
   * revision and tells every client.
   */
  async save(session: ProjectSession, project: Project): Promise<void> {
    session.writing = true;
    try {
      await this.store.save(session.name, project);
    } finally {
      session.writing = false;
    }
    session.project = project;
    session.text = serializeProject(project);
    session.revision++;
    this.#options.broadcast({ type: "project-changed", project: session.name, revision: session.revision });
  }

  /**
   * Records a change to a project's state outside its model (its secrets): bumps the revision and
   * tells every client, so views and `outdated` markers are refreshed.
   */
  touch(session: ProjectSession): void {
    session.revision++;
    this.#options.broadcast({ type: "project-changed", project: session.name, revision: session.revision });
  }

  /** The orchestrator's view of a project session. */
  async context(session: ProjectSession): Promise<ProjectContext> {
    const registry = await this.#options.registry();
    return {
      name: session.name,
      project: session.project,
      registry: registry.registry,
      secrets: session.secrets,
      ...(session.unlocked ? { password: session.password } : {}),
    };
  }
}
