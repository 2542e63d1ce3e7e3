import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { emptyProject, type Project, projectNamePattern } from "@highstate/contract";
import { pathExists, writeFileAtomic } from "../fs/atomic-write.js";
import { readTextFileIfExists } from "../fs/strict-text.js";
import { ProjectAlreadyExistsError, ProjectHasResourcesError, ProjectNotFoundError } from "./errors.js";
import { InstanceStateStore } from "./instance-state.js";
import { assertProjectName, type WorkspacePaths, workspacePaths } from "./paths.js";
import { parseProjectFile, serializeProject } from "./project-file.js";

/**
 * The projects of a workspace: `projects/<name>.json` plus, for rename and delete, the project's
 * `Pulumi.<name>.yaml` and its local data under `.highstate/`. Files are written atomically and
 * deterministically; a file this version cannot read is never overwritten.
 */
export class ProjectStore {
  /** The workspace's paths. */
  readonly paths: WorkspacePaths;

  constructor(workspaceDir: string) {
    this.paths = workspacePaths(workspaceDir);
  }

  /** Names of the projects (files in `projects/` with a valid project name), sorted. */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.paths.projectsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names
      .filter((name) => name.endsWith(".json"))
      .map((name) => name.slice(0, -".json".length))
      .filter((name) => projectNamePattern.test(name))
      .sort();
  }

  /** Whether the project exists. */
  async exists(name: string): Promise<boolean> {
    return pathExists(this.paths.projectFile(name));
  }

  /** Loads a project. Throws `ProjectNotFoundError` or `UnreadableFileError` (naming the file, location and problem). */
  async load(name: string): Promise<Project> {
    const file = this.paths.projectFile(name);
    const text = await readTextFileIfExists(file);
    if (text === undefined) throw new ProjectNotFoundError(name, file);
    return parseProjectFile(text, file);
  }

  /**
   * Saves a project (creating the file when missing). Refuses with the `UnreadableFileError` of the
   * existing file when that file cannot be read, so a file from a newer version or with a typo is never
   * overwritten. Writes nothing when the content is unchanged. Throws `InvalidProjectError` for a
   * project that does not match the schema.
   */
  async save(name: string, project: Project): Promise<void> {
    const file = this.paths.projectFile(name);
    const text = serializeProject(project);
    const existing = await readTextFileIfExists(file);
    if (existing === text) return;
    if (existing !== undefined) parseProjectFile(existing, file);
    await mkdir(this.paths.projectsDir, { recursive: true });
    await writeFileAtomic(file, text);
  }

  /** Creates a project (empty unless given); `ProjectAlreadyExistsError` when the name is taken. */
  async create(name: string, project: Project = emptyProject()): Promise<Project> {
    assertProjectName(name);
    const file = this.paths.projectFile(name);
    if (await pathExists(file)) throw new ProjectAlreadyExistsError(name, file);
    await this.save(name, project);
    return project;
  }

  /**
   * Renames a project: its file, its `Pulumi.<name>.yaml` and its local data (instance state, unit work
   * directories, logs). Instance uids do not change, so stacks named by uid keep their Pulumi state. If
   * a move fails, the moves already done are undone.
   */
  async rename(from: string, to: string): Promise<void> {
    assertProjectName(from);
    assertProjectName(to);
    const source = this.paths.projectFile(from);
    if (!(await pathExists(source))) throw new ProjectNotFoundError(from, source);
    if (from === to) return;
    const moves: Array<[string, string]> = [
      [this.paths.projectSecretsFile(from), this.paths.projectSecretsFile(to)],
      [this.paths.projectInstancesDir(from), this.paths.projectInstancesDir(to)],
      [this.paths.projectUnitsDir(from), this.paths.projectUnitsDir(to)],
      [this.paths.projectLogsDir(from), this.paths.projectLogsDir(to)],
      [source, this.paths.projectFile(to)],
    ];
    for (const [, target] of moves) if (await pathExists(target)) throw new ProjectAlreadyExistsError(to, target);
    const done: Array<[string, string]> = [];
    try {
      for (const [oldPath, newPath] of moves) {
        if (!(await pathExists(oldPath))) continue;
        await rename(oldPath, newPath);
        done.push([oldPath, newPath]);
      }
    } catch (error) {
      for (const [oldPath, newPath] of done.reverse()) await rename(newPath, oldPath).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Deletes a project with its secrets and local data. Refuses with `ProjectHasResourcesError` while
   * any instance is created (or failed, which may leave resources), unless `force` is set. The project
   * file goes last, so an interrupted delete can simply be repeated.
   */
  async delete(name: string, options: { force?: boolean } = {}): Promise<void> {
    const file = this.paths.projectFile(name);
    if (!(await pathExists(file))) throw new ProjectNotFoundError(name, file);
    if (!options.force) {
      const states = await new InstanceStateStore(this.paths.root, name).getAll();
      const live = Object.values(states).filter((state) => state.status !== "not-created");
      if (live.length > 0) throw new ProjectHasResourcesError(name, live.map((state) => state.instanceId).sort());
    }
    await rm(this.paths.projectSecretsFile(name), { force: true });
    for (const dir of [this.paths.projectInstancesDir(name), this.paths.projectUnitsDir(name), this.paths.projectLogsDir(name)]) {
      await rm(dir, { recursive: true, force: true });
    }
    await rm(file);
  }
}
