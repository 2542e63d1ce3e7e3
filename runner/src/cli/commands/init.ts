import { dirname, relative, resolve } from "node:path";
import { initWorkspace } from "../../workspace/init.js";
import { detectPackageManager, ensureNodeModulesLinker, findPlugAndPlayFile } from "../../workspace/package-manager.js";
import type { CommandSpec } from "../command.js";
import { waitOption, withWorkspaceLock } from "../lock.js";
import { jsonOption, startDirectory } from "../workspace.js";

const command: CommandSpec = {
  name: "init",
  summary: "Make the current directory a Highstate workspace",
  usage: "[<dir>]",
  description:
    "Makes a directory (the current one by default) a Highstate workspace: creates package.json, Pulumi.yaml, projects/ and a .gitignore ignoring .highstate/ and node_modules/ when they are missing. In a Yarn 2+ project it sets `nodeLinker: node-modules` in .yarnrc.yml (Pulumi needs node_modules). Existing files are never replaced, so it is safe to run again.",
  options: {
    ...waitOption,
    ...jsonOption,
    name: { type: "string", valueName: "<name>", description: "Package and Pulumi project name (default: the directory name)" },
  },
  positionals: { max: 1 },
  worksUnderPlugAndPlay: true,
  async run(context) {
    const dir = resolve(startDirectory(context), context.positionals[0] ?? ".");
    const name = context.values.name;
    const pnpFile = findPlugAndPlayFile(dir) ?? (process.versions.pnp === undefined ? undefined : dir);
    if (pnpFile !== undefined) {
      // Under Plug'n'Play nothing else can work yet (and Yarn's PnP runtime lacks file-handle methods
      // the atomic writer needs): switch the linker, then finish after `yarn install`.
      const yarnRoot = pnpFile === dir ? dir : dirname(pnpFile);
      const linker = ensureNodeModulesLinker(yarnRoot);
      if (context.values.json) {
        context.printJson({ root: dir, created: [], updated: [], yarnLinker: linker, incomplete: true });
        return 0;
      }
      context.print(
        `This Yarn project uses Plug'n'Play, but Pulumi's Node.js runtime needs a node_modules folder: set \`nodeLinker: node-modules\` in "${linker.file}"${linker.previous ? ` (was "${linker.previous}")` : ""}.`,
      );
      context.print("Next: run `yarn install` to lay packages out in node_modules, then `yarn highstate init` again to finish.");
      return 0;
    }
    const result = await withWorkspaceLock(context, dir, "highstate init", () =>
      initWorkspace(dir, typeof name === "string" ? { name } : {}),
    );
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
    if (result.yarnLinker && result.yarnLinker.change !== "unchanged") {
      context.print();
      context.print(
        `Set \`nodeLinker: node-modules\` in ${show(result.yarnLinker.file)}${result.yarnLinker.previous ? ` (was "${result.yarnLinker.previous}")` : ""}: Pulumi's Node.js runtime needs a node_modules folder, which Yarn's Plug'n'Play does not make. Run \`yarn install\` to apply it.`,
      );
    }
    context.print();
    const yarn = detectPackageManager(result.root, context.io.env).name === "yarn";
    context.print(
      yarn
        ? "Next: install component packages (e.g. `yarn add @highstate/common`) and create a project with `yarn highstate projects create <name>`."
        : "Next: install component packages (e.g. `npm install @highstate/common`) and create a project with `highstate projects create <name>`.",
    );
    return 0;
  },
};

export default command;
