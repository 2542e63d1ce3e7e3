/**
 * The engine event log of each instance (what the designer's "logs" view shows): the most recent
 * entries in memory, and after each run written atomically to `.highstate/logs/<project>/<uid>.json`
 * so they survive a restart. Entries are scrubbed of secrets before they get here.
 */
import { dirname, join } from "node:path";
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from "../fs/index.js";
import type { EngineEvent, InstanceLogEntry } from "./types.js";
import { highstateDirName } from "./unit-workdir.js";

/** Entries kept per instance. */
export const maxLogEntries = 2000;

interface InstanceLog {
  uid?: string;
  entries: InstanceLogEntry[];
  loaded: boolean;
}

/** Per-instance engine event logs. */
export class InstanceLogBook {
  private readonly logs = new Map<string, InstanceLog>();

  constructor(private readonly workspaceRoot: string) {}

  /** The file an instance's log is kept in. */
  file(project: string, uid: string): string {
    return join(this.workspaceRoot, highstateDirName, "logs", project, `${uid}.json`);
  }

  private log(project: string, instanceId: string): InstanceLog {
    const key = `${project}\u0000${instanceId}`;
    let log = this.logs.get(key);
    if (!log) {
      log = { entries: [], loaded: false };
      this.logs.set(key, log);
    }
    return log;
  }

  /** Marks the start of a run (the uid names the file the log is saved to). */
  begin(project: string, instanceId: string, uid: string, _operationId: string): void {
    this.log(project, instanceId).uid = uid;
  }

  /** Appends one event. */
  append(project: string, instanceId: string, operationId: string, event: EngineEvent): void {
    const log = this.log(project, instanceId);
    log.entries.push({ time: new Date().toISOString(), operationId, event });
    if (log.entries.length > maxLogEntries) log.entries.splice(0, log.entries.length - maxLogEntries);
  }

  /** Saves the log after a run. */
  async end(project: string, instanceId: string): Promise<void> {
    const log = this.log(project, instanceId);
    if (!log.uid) return;
    await this.load(project, instanceId, log.uid);
    const file = this.file(project, log.uid);
    await ensurePrivateDir(dirname(file));
    await writeFileAtomic(file, `${JSON.stringify({ version: 1, instanceId, entries: log.entries })}\n`, { mode: 0o600 });
  }

  /** The entries of an instance, oldest first (read from disk the first time). */
  async entries(project: string, instanceId: string, uid: string): Promise<InstanceLogEntry[]> {
    await this.load(project, instanceId, uid);
    return [...this.log(project, instanceId).entries];
  }

  private async load(project: string, instanceId: string, uid: string): Promise<void> {
    const log = this.log(project, instanceId);
    if (log.loaded) return;
    log.loaded = true;
    const text = await readFileIfExists(this.file(project, uid));
    if (text === undefined) return;
    try {
      const saved = JSON.parse(text) as { entries?: InstanceLogEntry[] };
      if (Array.isArray(saved.entries)) log.entries = [...saved.entries, ...log.entries].slice(-maxLogEntries);
    } catch {
      // A damaged log is only history: it is replaced by the next save.
    }
  }
}
