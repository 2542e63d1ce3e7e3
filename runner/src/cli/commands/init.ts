import { relative, resolve } from "node:path";
import { initWorkspace } from "../../workspace/init.js";
import type { CommandSpec } from "../command.js";
import { withWorkspaceLock } from "../lock.js";
import { jsonOption, startDirectory } from "../workspace.js";

const command: CommandSpec = {
  name: "init",
  summary: "Make the current directory a Highstate workspace",
  usage: "[<dir>]",
  description:
    "Makes a directory (the current one by default) a Highstate workspace: creates package.json, Pulumi.yaml, projects/ and a .gitignore ignoring .highstate/ when they are missing. Existing files are never replaced, so it is safe to run again.",
  options: {
    ...jsonOption,
    name: { type: "string", valueName: "<name>", description: "Package and Pulumi project name (default: the directory name)" },
  },
  positionals: { max: 1 },
  async run(context) {
    const dir = resolve(startDirectory(context), context.positionals[0] ?? ".");
    const name = context.values.name;
    const result = await withWorkspaceLock(dir, "highstate init", () => initWorkspace(dir, typeof name === "string" ? { name } : {}));
    if (context.values.json) {
      context.printJson(result);
      return 0;
    }
    const show = (path: string) => relative(result.root, path) || ".";
    if (result.created.length === 0 && result.updated.length === 0) {
      context.print(`"${result.root}" is already a Highstate workspace; nothing to do.`);
      return 0;
    }
    context.print(`Initialised a Highstate workspace in "${result.root}":`);
    for (const path of result.created) context.print(`  created ${show(path)}`);
    for (const path of result.updated) context.print(`  updated ${show(path)}`);
    context.print();
    context.print("Next: install component packages (e.g. `npm install @highstate/common`) and create a project with `highstate projects create <name>`.");
    return 0;
  },
};

export default command;
