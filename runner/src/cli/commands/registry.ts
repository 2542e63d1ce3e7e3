import type { RegistryInputSpec } from "@highstate/contract";
import type { CommandSpec } from "../command.js";
import { jsonOption, loadRegistry, workspaceOrStart } from "../workspace.js";

function describeSpecs(specs: Record<string, RegistryInputSpec>): string {
  const names = Object.entries(specs).map(([name, spec]) => `${name}${spec.multiple ? "[]" : ""}${spec.required ? "" : "?"}`);
  return names.length > 0 ? names.join(", ") : "-";
}

const command: CommandSpec = {
  name: "registry",
  summary: "List the installed components and entities",
  description:
    'Lists every component and entity defined by the packages installed in the workspace (packages whose package.json has a "highstate" field), with the problems found: packages that fail to load and type ids defined twice. Exits with 1 when there is such a problem.',
  options: {
    ...jsonOption,
    "no-cache": {
      type: "boolean",
      description: "Import every package's definitions instead of starting from the cache, and rewrite the cache with the result",
    },
  },
  async run(context) {
    const root = await workspaceOrStart(context);
    const registry = await loadRegistry(root, { cache: context.values["no-cache"] ? "refresh" : true });
    const failed = registry.problems.some((problem) => problem.severity === "error");
    if (context.values.json) {
      context.printJson({
        components: registry.registry.components,
        entities: registry.registry.entities,
        packages: registry.packages.map((pkg) => ({
          name: pkg.name,
          version: pkg.version,
          dir: pkg.realDir,
          definitions: pkg.definitions,
        })),
        problems: registry.problems,
      });
      return failed ? 1 : 0;
    }
    const components = Object.values(registry.registry.components);
    if (registry.packages.length === 0 && registry.problems.length === 0) {
      context.print(
        `No Highstate packages are installed in "${root}"; add some with \`npm install @highstate/common\` (any package with a "highstate" field in its package.json counts).`,
      );
      return 0;
    }
    for (const pkg of registry.packages) {
      const own = components.filter((component) => component.package.name === pkg.name);
      const entities = Object.values(registry.registry.entities).filter((entity) => entity.package.name === pkg.name);
      context.print(
        `${pkg.name} ${pkg.version}  (${own.length} component${own.length === 1 ? "" : "s"}, ${entities.length} entit${entities.length === 1 ? "y" : "ies"})`,
      );
      const width = Math.max(0, ...own.map((component) => component.type.length));
      for (const component of own) {
        context.print(
          `  ${component.type.padEnd(width)}  ${component.meta.title}  inputs: ${describeSpecs(component.inputs)}  outputs: ${describeSpecs(component.outputs)}`,
        );
      }
      if (entities.length > 0) context.print(`  entities: ${entities.map((entity) => entity.type).join(", ")}`);
    }
    if (registry.problems.length > 0) {
      context.print();
      context.print("Problems:");
      for (const problem of registry.problems) context.print(`  ${problem.severity}: ${problem.message}`);
    }
    return failed ? 1 : 0;
  },
};

export default command;
