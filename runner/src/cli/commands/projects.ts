import { UnreadableFileError } from "../../fs/errors.js";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { workspacePaths } from "../../workspace/paths.js";
import { ProjectStore } from "../../workspace/project-store.js";
import type { CommandSpec } from "../command.js";
import { waitOption, withWorkspaceLock } from "../lock.js";
import { getPassword } from "../prompt.js";
import { jsonOption, requireWorkspace } from "../workspace.js";

/** One line of `projects list`. */
interface ProjectListEntry {
  name: string;
  instanceCount?: number;
  hubCount?: number;
  /** Why the project file cannot be read (it is left untouched). */
  unreadable?: string;
}

const list: CommandSpec = {
  name: "projects list",
  summary: "List the projects of the workspace",
  options: { ...jsonOption },
  async run(context) {
    const store = new ProjectStore(await requireWorkspace(context));
    const entries: ProjectListEntry[] = [];
    for (const name of await store.list()) {
      try {
        const project = await store.load(name);
        entries.push({ name, instanceCount: project.instances.length, hubCount: project.hubs.length });
      } catch (error) {
        if (!(error instanceof UnreadableFileError)) throw error;
        entries.push({ name, unreadable: error.message });
      }
    }
    if (context.values.json) {
      context.printJson(entries);
      return entries.some((entry) => entry.unreadable) ? 1 : 0;
    }
    if (entries.length === 0) {
      context.print("No projects yet; create one with `highstate projects create <name>`.");
      return 0;
    }
    const width = Math.max(...entries.map((entry) => entry.name.length));
    for (const entry of entries) {
      context.print(
        entry.unreadable
          ? `${entry.name.padEnd(width)}  unreadable: ${entry.unreadable}`
          : `${entry.name.padEnd(width)}  ${entry.instanceCount} instance${entry.instanceCount === 1 ? "" : "s"}, ${entry.hubCount} hub${entry.hubCount === 1 ? "" : "s"}`,
      );
    }
    return entries.some((entry) => entry.unreadable) ? 1 : 0;
  },
};

const create: CommandSpec = {
  name: "projects create",
  summary: "Create an empty project",
  usage: "<name>",
  description:
    "Creates projects/<name>.json with no instances and Pulumi.<name>.yaml for its secrets, encrypted with the project password (asked for twice, or taken from HIGHSTATE_PASSWORD). Names use lower-case letters, digits and dashes.",
  options: { ...waitOption },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const root = await requireWorkspace(context);
    const name = context.positionals[0]!;
    const store = new ProjectStore(root);
    if (await store.exists(name)) {
      // Let the store report it before asking for a password that would not be used.
      await store.create(name);
    }
    const password = await getPassword(context.io, {
      variable: "HIGHSTATE_PASSWORD",
      prompt: `Password for project "${name}": `,
      what: `The password of the new project "${name}"`,
      confirm: true,
    });
    await withWorkspaceLock(context, root, `highstate projects create ${name}`, async () => {
      const secrets = await ProjectSecrets.open(workspacePaths(root).projectSecretsFile(name));
      // A secrets file left behind (e.g. the project file was deleted) keeps its password: it must match.
      if (secrets.hasPassword) await secrets.unlock(password);
      await store.create(name);
      if (!secrets.hasPassword) await secrets.create(password);
    });
    context.print(`Created project "${name}" (projects/${name}.json, secrets in Pulumi.${name}.yaml).`);
    return 0;
  },
};

const rename: CommandSpec = {
  name: "projects rename",
  summary: "Rename a project, with its secrets file and local state",
  usage: "<name> <new-name>",
  description:
    "Renames projects/<name>.json, Pulumi.<name>.yaml and the project's local data under .highstate/. Instances keep their stacks (they are named by the instances' stable ids).",
  options: { ...waitOption },
  positionals: { min: 2, max: 2 },
  async run(context) {
    const root = await requireWorkspace(context);
    const [from, to] = context.positionals as [string, string];
    await withWorkspaceLock(context, root, `highstate projects rename ${from} ${to}`, () => new ProjectStore(root).rename(from, to));
    context.print(`Renamed project "${from}" to "${to}".`);
    return 0;
  },
};

const command: CommandSpec = {
  name: "projects",
  summary: "List, create and rename projects",
  subcommands: { list, create, rename },
};

export default command;
