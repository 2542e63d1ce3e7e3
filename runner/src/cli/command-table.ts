/**
 * The commands of `highstate`. Each entry names a module loaded only when its command runs, so
 * starting the CLI never loads Pulumi, the server or anything a command does not need. To add a
 * command, add an entry here and a module under `commands/` whose default export is a `CommandSpec`.
 */
import type { CommandSpec } from "./command.js";

/** One command in the table. */
export interface CommandEntry {
  /** One line for `highstate --help`. */
  summary: string;
  /** Loads the command's module. */
  load: () => Promise<{ default: CommandSpec }>;
}

/** Every `highstate` command by name, in the order `highstate --help` lists them. */
export const commandTable: Record<string, CommandEntry> = {
  init: { summary: "Make the current directory a Highstate workspace", load: () => import("./commands/init.js") },
  registry: { summary: "List the installed components and entities", load: () => import("./commands/registry.js") },
  projects: { summary: "List, create and rename projects", load: () => import("./commands/projects.js") },
  instances: { summary: "List, add, remove and rename instances of a project", load: () => import("./commands/instances.js") },
  secrets: { summary: "Set and read instance secrets, change a project's password", load: () => import("./commands/secrets.js") },
  plan: { summary: "Show what is outdated and the order it would run in", load: () => import("./commands/plan.js") },
  up: { summary: "Create or update instances with Pulumi", load: () => import("./commands/up.js") },
  preview: { summary: "Show what `up` would change, without changing anything", load: () => import("./commands/preview.js") },
  destroy: { summary: "Destroy instances' resources", load: () => import("./commands/destroy.js") },
  refresh: { summary: "Read instances' resources back from the real world", load: () => import("./commands/refresh.js") },
  drift: {
    summary: "Report which instances' real resources differ from their state (changes nothing)",
    load: () => import("./commands/drift.js"),
  },
  "install-pulumi": { summary: "Install the Pulumi CLI Highstate is tested with", load: () => import("./commands/install-pulumi.js") },
  designer: {
    summary: "Serve the designer for this workspace (prints a URL with an access token)",
    load: () => import("./commands/designer.js"),
  },
  terminal: { summary: "Open an instance's terminal (SSH or local shell) in this terminal", load: () => import("./commands/terminal.js") },
  "create-package": {
    summary: "Create a component package (entities, a component, its program and tests)",
    load: () => import("./commands/create-package.js"),
  },
  doctor: {
    summary: "Check the pulumi CLI, the workspace files, the lock and the installed components",
    load: () => import("./commands/doctor.js"),
  },
};
