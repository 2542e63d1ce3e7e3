/**
 * What most commands share: finding the workspace, choosing the project, naming instances, loading
 * the registry.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Project } from "@highstate/contract";
import { loadWorkspaceRegistry, type WorkspaceRegistry } from "../registry/workspace-registry.js";
import type { ProjectSecrets } from "../secrets/project-secrets.js";
import { findWorkspaceRoot } from "../workspace/init.js";
import { ProjectStore } from "../workspace/project-store.js";
import type { CommandContext } from "./command.js";
import { CliError, NoProjectSelectedError, NoWorkspaceError } from "./errors.js";

/** The `--project` option. */
export const projectOption = {
  project: {
    type: "string",
    short: "p",
    valueName: "<name>",
    description: "The project (default: HIGHSTATE_PROJECT, or the only project)",
  },
} as const;

/** The `--json` option. */
export const jsonOption = { json: { type: "boolean", description: "Print JSON for scripts" } } as const;

/** The directory given with `--cwd`, or the current one. */
export function startDirectory(context: CommandContext): string {
  const cwd = context.values.cwd;
  return typeof cwd === "string" ? resolve(context.io.cwd, cwd) : context.io.cwd;
}

/**
 * The workspace root: the `--cwd` directory when given (it must exist), else the nearest workspace at
 * or above the current directory.
 *
 * @throws NoWorkspaceError when there is none.
 */
export async function requireWorkspace(context: CommandContext): Promise<string> {
  const start = startDirectory(context);
  const info = await stat(start).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliError(`The directory "${start}" does not exist`);
  const root = await findWorkspaceRoot(start);
  if (!root) throw new NoWorkspaceError(start);
  return root;
}

/** The workspace root when there is one, else the start directory (for commands that work anywhere, like `registry`). */
export async function workspaceOrStart(context: CommandContext): Promise<string> {
  const start = startDirectory(context);
  return (await findWorkspaceRoot(start)) ?? start;
}

/**
 * The project a command works on: `--project`, else HIGHSTATE_PROJECT, else the only project.
 *
 * @throws NoProjectSelectedError when there is no project or several and none was chosen.
 */
export async function selectProject(context: CommandContext, store: ProjectStore): Promise<string> {
  const chosen = context.values.project;
  if (typeof chosen === "string" && chosen !== "") return chosen;
  const fromEnv = context.io.env.HIGHSTATE_PROJECT;
  if (fromEnv) return fromEnv;
  const projects = await store.list();
  if (projects.length === 1) return projects[0]!;
  throw new NoProjectSelectedError(projects);
}

/** Opens the workspace's project store and loads the chosen project. */
export async function openProject(context: CommandContext): Promise<{ root: string; store: ProjectStore; name: string; project: Project }> {
  const root = await requireWorkspace(context);
  const store = new ProjectStore(root);
  const name = await selectProject(context, store);
  return { root, store, name, project: await store.load(name) };
}

/**
 * Finds an instance by its id (`<type>:<name>`) or, when unambiguous, by its name alone.
 *
 * @throws CliError (exit code 2, a usage error like an unknown instance elsewhere) naming the project when
 *   there is no such instance or the name is ambiguous.
 */
export function findInstanceId(project: Project, projectName: string, reference: string): string {
  if (project.instances.some((instance) => instance.id === reference)) return reference;
  const byName = project.instances.filter((instance) => instance.name === reference);
  if (byName.length === 1) return byName[0]!.id;
  if (byName.length > 1) {
    throw new CliError(
      `Several instances of project "${projectName}" are named "${reference}" (${byName.map((instance) => `"${instance.id}"`).join(", ")}); use the full id`,
      2,
    );
  }
  throw new CliError(`Project "${projectName}" has no instance "${reference}"; \`highstate instances list\` shows them`, 2);
}

/** Loads the workspace's registry; `--no-cache` passes `cache: "refresh"` (import afresh, then rewrite the cache). */
export function loadRegistry(root: string, options: { cache?: boolean | "refresh" } = {}): Promise<WorkspaceRegistry> {
  return loadWorkspaceRegistry(root, options);
}

/** Warns when the project's secrets file was written before secrets were bound to their place (see `ProjectSecrets.bindingWarning`). */
export function noteUnboundSecrets(context: CommandContext, secrets: ProjectSecrets): void {
  const warning = secrets.bindingWarning();
  if (warning !== undefined) context.note(warning);
}
