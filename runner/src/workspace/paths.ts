import { resolve } from "node:path";
import { instanceUidPattern, projectNamePattern } from "@highstate/contract";
import { InvalidProjectNameError } from "./errors.js";

/** Throws `InvalidProjectNameError` unless the name may be used as a project name. */
export function assertProjectName(name: string): void {
  if (!projectNamePattern.test(name)) throw new InvalidProjectNameError(name);
}

function assertUid(uid: string): void {
  if (!instanceUidPattern.test(uid)) throw new Error(`"${uid}" is not a valid instance uid (8-32 lower-case letters or digits).`);
}

/**
 * Every path of a workspace, in one place. The committable files are `package.json`, `Pulumi.yaml`,
 * `projects/<project>.json` and `Pulumi.<project>.yaml`; everything under `.highstate/` is local
 * (git-ignored) and can be rebuilt from the Pulumi state.
 */
export interface WorkspacePaths {
  /** The workspace directory (absolute). */
  readonly root: string;
  /** `package.json`: the `@highstate/*` packages the workspace uses. */
  readonly packageJson: string;
  /** `Pulumi.yaml`: the workspace's Pulumi project file. */
  readonly pulumiYaml: string;
  /** `.gitignore`. */
  readonly gitignore: string;
  /** `projects/`: one JSON file per project. */
  readonly projectsDir: string;
  /** `.highstate/`: local, git-ignored data. */
  readonly highstateDir: string;
  /** `.highstate/state`: the default (file) Pulumi state backend. */
  readonly stateBackendDir: string;
  /** `file://<workspace>/.highstate/state`, the default `PULUMI_BACKEND_URL`. */
  readonly stateBackendUrl: string;
  /** `.highstate/units`: per-instance Pulumi work directories. */
  readonly unitsDir: string;
  /** `.highstate/instances`: per-instance state (status, last outputs, run fingerprints, operation log). */
  readonly instancesDir: string;
  /** `.highstate/logs`: full logs of runs. */
  readonly logsDir: string;
  /** `.highstate/workspace.lock`: held by the process that writes the workspace. */
  readonly lockFile: string;
  /** `projects/<project>.json`. */
  projectFile(project: string): string;
  /** `Pulumi.<project>.yaml`: the project's encrypted secrets. */
  projectSecretsFile(project: string): string;
  /** `.highstate/units/<project>`. */
  projectUnitsDir(project: string): string;
  /** `.highstate/units/<project>/<uid>`: the stable Pulumi work directory of one instance. */
  unitWorkDir(project: string, uid: string): string;
  /** `.highstate/instances/<project>`. */
  projectInstancesDir(project: string): string;
  /** `.highstate/instances/<project>/<uid>.json`: the state of one instance. */
  instanceStateFile(project: string, uid: string): string;
  /** `.highstate/logs/<project>`. */
  projectLogsDir(project: string): string;
  /** `.highstate/logs/<project>/<uid>`: run logs of one instance. */
  instanceLogsDir(project: string, uid: string): string;
}

/** Returns the paths of the workspace in `dir`. Project names and uids are checked, so no path escapes the workspace. */
export function workspacePaths(dir: string): WorkspacePaths {
  const root = resolve(dir);
  const highstateDir = resolve(root, ".highstate");
  const stateBackendDir = resolve(highstateDir, "state");
  const unitsDir = resolve(highstateDir, "units");
  const instancesDir = resolve(highstateDir, "instances");
  const logsDir = resolve(highstateDir, "logs");
  const projectsDir = resolve(root, "projects");
  const checked = (project: string) => {
    assertProjectName(project);
    return project;
  };
  const checkedUid = (uid: string) => {
    assertUid(uid);
    return uid;
  };
  return {
    root,
    packageJson: resolve(root, "package.json"),
    pulumiYaml: resolve(root, "Pulumi.yaml"),
    gitignore: resolve(root, ".gitignore"),
    projectsDir,
    highstateDir,
    stateBackendDir,
    stateBackendUrl: `file://${stateBackendDir}`,
    unitsDir,
    instancesDir,
    logsDir,
    lockFile: resolve(highstateDir, "workspace.lock"),
    projectFile: (project) => resolve(projectsDir, `${checked(project)}.json`),
    projectSecretsFile: (project) => resolve(root, `Pulumi.${checked(project)}.yaml`),
    projectUnitsDir: (project) => resolve(unitsDir, checked(project)),
    unitWorkDir: (project, uid) => resolve(unitsDir, checked(project), checkedUid(uid)),
    projectInstancesDir: (project) => resolve(instancesDir, checked(project)),
    instanceStateFile: (project, uid) => resolve(instancesDir, checked(project), `${checkedUid(uid)}.json`),
    projectLogsDir: (project) => resolve(logsDir, checked(project)),
    instanceLogsDir: (project, uid) => resolve(logsDir, checked(project), checkedUid(uid)),
  };
}
