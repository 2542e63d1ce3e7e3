import { relative, resolve } from "node:path";
import { CreatePackageError, createPackage } from "../../scaffold/create-package.js";
import type { CommandSpec } from "../command.js";
import { CliError } from "../errors.js";
import { jsonOption, startDirectory } from "../workspace.js";

const command: CommandSpec = {
  name: "create-package",
  summary: "Create a component package (entities, a component, its program and tests)",
  usage: "<name>",
  description:
    'Writes a new Highstate component package, ready to build, test, pack and publish: package.json with the "highstate" plugin marker, one exports subpath per component program, @pulumi/pulumi and zod as peer dependencies; tsup config with the JSDoc plugin; Vitest config; one entity and one component with its definition, program and mock-runtime test; a package test (definitions load no Pulumi, sources name exported subpaths, registry snapshot); README. The first-party packages come from the same template. Type ids start with the domain (default: the package name without scope and "highstate-").',
  options: {
    ...jsonOption,
    dir: { type: "string", valueName: "<dir>", description: "Where to create it (default: ./<name without scope>); must be new or empty" },
    domain: { type: "string", valueName: "<domain>", description: "First segment of the type ids, e.g. dns for dns.record.v1" },
    monorepo: { type: "boolean", description: "Lay it out as a package of the Highstate repository (root tsconfig and Vitest config)" },
  },
  positionals: { min: 1, max: 1 },
  worksUnderPlugAndPlay: true,
  async run(context) {
    const name = context.positionals[0]!;
    const dir = resolve(
      startDirectory(context),
      typeof context.values.dir === "string" ? context.values.dir : name.replace(/^@[^/]+\//, ""),
    );
    let files: string[];
    try {
      files = await createPackage({
        name,
        dir,
        ...(typeof context.values.domain === "string" ? { domain: context.values.domain } : {}),
        layout: context.values.monorepo ? "monorepo" : "standalone",
      });
    } catch (error) {
      if (error instanceof CreatePackageError) throw new CliError(error.message);
      throw error;
    }
    if (context.values.json) {
      context.printJson({ name, dir, files });
      return 0;
    }
    context.print(`Created ${name} in "${dir}":`);
    for (const file of files) context.print(`  ${file}`);
    context.print();
    const cd = relative(startDirectory(context), dir) || ".";
    context.print(`Next: cd ${cd} && npm install && npm run build && npm test — then npm pack, or npm publish.`);
    return 0;
  },
};

export default command;
