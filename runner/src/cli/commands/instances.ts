import { argsValidatorFromDefinitions, type InputRef, instanceId, isHubRef, type Project } from "@highstate/contract";
import { addInstance, connectInput, findInstance, injectHub, removeInstance, renameInstance } from "@highstate/project";
import { isCreated } from "../../engine/project-state.js";
import { findJsonSyntaxError, findStrictJsonProblem } from "../../fs/json-syntax.js";
import type { WorkspaceRegistry } from "../../registry/workspace-registry.js";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import { ProjectStore } from "../../workspace/project-store.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { waitOption, withWorkspaceLock } from "../lock.js";
import { getPassword } from "../prompt.js";
import { findInstanceId, jsonOption, loadRegistry, openProject, projectOption, requireWorkspace, selectProject } from "../workspace.js";

/** Loads the project under the workspace lock, applies a change and saves it, so no other writer interleaves. */
async function changeProject<T>(
  context: CommandContext,
  describe: string,
  change: (target: { root: string; store: ProjectStore; name: string; project: Project }) => Promise<{ project: Project; result: T }>,
): Promise<T> {
  const root = await requireWorkspace(context);
  const store = new ProjectStore(root);
  const name = await selectProject(context, store);
  return withWorkspaceLock(context, root, describe, async () => {
    const project = await store.load(name);
    const { project: changed, result } = await change({ root, store, name, project });
    await store.save(name, changed);
    return result;
  });
}

/** Parses `key=value` args: the value as JSON when it is valid JSON (numbers, booleans, objects), else as a string. */
export function parseArgAssignments(assignments: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf("=");
    if (equals <= 0) throw new UsageError(`--arg expects <name>=<value>, got "${assignment}"`, "instances add");
    const raw = assignment.slice(equals + 1);
    const name = assignment.slice(0, equals);
    if (name === "__proto__") throw new UsageError('an arg may not be named "__proto__"', "instances add");
    // Not JSON: a plain string. JSON that would lose data (a duplicate key, a lone surrogate) is refused.
    const syntax = findJsonSyntaxError(raw);
    const problem = syntax ? undefined : findStrictJsonProblem(raw);
    if (problem) throw new UsageError(`--arg ${name}: ${problem.message}`, "instances add");
    args[name] = syntax ? raw : JSON.parse(raw);
  }
  return args;
}

/** Parses `--input <input>=<instance>.<output>` or `--input <input>=hub:<name>`. */
function parseInputAssignment(project: Project, projectName: string, assignment: string): { input: string; from: InputRef } {
  const equals = assignment.indexOf("=");
  const source = assignment.slice(equals + 1);
  if (equals <= 0 || source === "")
    throw new UsageError(`--input expects <input>=<instance>.<output> or <input>=hub:<name>, got "${assignment}"`, "instances add");
  const input = assignment.slice(0, equals);
  if (source.startsWith("hub:")) return { input, from: { hubId: source } };
  const dot = source.lastIndexOf(".");
  if (dot <= 0) throw new UsageError(`--input "${assignment}": name the output, as <instance>.<output>`, "instances add");
  return { input, from: { instanceId: findInstanceId(project, projectName, source.slice(0, dot)), output: source.slice(dot + 1) } };
}

async function argsValidatorFor(registry: WorkspaceRegistry, type: string) {
  const live = await registry.getComponent(type);
  return argsValidatorFromDefinitions([live.component]);
}

/** Describes what a hub bundles, e.g. `hub, 2 outputs, 1 hub`. */
function describeHub(outputs: number, hubs: number): string {
  const parts = [`${outputs} output${outputs === 1 ? "" : "s"}`];
  if (hubs > 0) parts.push(`${hubs} hub${hubs === 1 ? "" : "s"}`);
  return `hub, ${parts.join(", ")}`;
}

const list: CommandSpec = {
  name: "instances list",
  summary: "List the instances of a project with their state, and its hubs",
  description:
    'Lists every instance with its state and every hub with what it bundles. With --json, one array: instances have `kind: "instance"`, hubs `kind: "hub"` with the outputs and hubs they bundle and the instances they are injected into or connected to.',
  options: { ...projectOption, ...jsonOption },
  async run(context) {
    const { root, name, project } = await openProject(context);
    const registry = await loadRegistry(root);
    const states = await new InstanceStateStore(root, name).getAll();
    const rows = project.instances.map((instance) => {
      const component = registry.component(instance.type);
      const state = states[instance.uid];
      return {
        kind: "instance" as const,
        id: instance.id,
        type: instance.type,
        name: instance.name,
        uid: instance.uid,
        title: component?.meta.title ?? null,
        state: !component ? "unknown-component" : state?.status === "failed" ? "failed" : isCreated(state) ? "created" : "not-created",
        resourceCount: state?.resourceCount ?? 0,
      };
    });
    const hubRows = project.hubs.map((hub) => {
      const usedBy = project.instances
        .filter(
          (instance) =>
            instance.injectionInputs.includes(hub.id) ||
            Object.values(instance.inputs).some((refs) => refs.some((ref) => isHubRef(ref) && ref.hubId === hub.id)),
        )
        .map((instance) => instance.id);
      return {
        kind: "hub" as const,
        id: hub.id,
        title: hub.title ?? null,
        outputs: hub.inputs.map((ref) => ({ instanceId: ref.instanceId, output: ref.output })),
        injectedHubs: [...hub.injectionInputs],
        usedBy,
      };
    });
    if (context.values.json) {
      context.printJson([...rows, ...hubRows]);
      return 0;
    }
    if (rows.length === 0 && hubRows.length === 0) {
      context.print(`Project "${name}" has no instances; add one with \`highstate instances add <component type> <name>\`.`);
      return 0;
    }
    const width = Math.max(...rows.map((row) => row.id.length), ...hubRows.map((row) => row.id.length));
    for (const row of rows) {
      const state = row.state === "created" ? `created (${row.resourceCount} resources)` : row.state.replace("-", " ");
      context.print(`${row.id.padEnd(width)}  ${state.padEnd(22)}  ${row.title ?? ""}`);
    }
    for (const row of hubRows) {
      context.print(
        `${row.id.padEnd(width)}  ${describeHub(row.outputs.length, row.injectedHubs.length).padEnd(22)}  ${row.title ?? ""}`.trimEnd(),
      );
    }
    return 0;
  },
};

const add: CommandSpec = {
  name: "instances add",
  summary: "Add an instance of an installed component",
  usage: "<component type> <name>",
  description:
    "Adds an instance to the project. Args are validated against the component's definition; inputs may be connected right away. Secrets are set separately with `highstate secrets set`, never on the command line.",
  options: {
    ...waitOption,
    ...projectOption,
    arg: {
      type: "string",
      multiple: true,
      valueName: "<name>=<value>",
      description: "An arg value (JSON when it parses as JSON, else a string); repeat for more",
    },
    args: { type: "string", valueName: "<json>", description: "All args as a JSON object (--arg values are applied on top)" },
    input: {
      type: "string",
      multiple: true,
      valueName: "<input>=<instance>.<output>",
      description: "Connect an input to an output of another instance (or to hub:<name>); repeat for more",
    },
    inject: {
      type: "string",
      multiple: true,
      valueName: "hub:<name>",
      description: "Inject a hub: it supplies every matching input left unconnected",
    },
  },
  positionals: { min: 2, max: 2 },
  async run(context) {
    const [type, instanceName] = context.positionals as [string, string];
    let args: Record<string, unknown> = {};
    if (typeof context.values.args === "string") {
      const problem = findStrictJsonProblem(context.values.args);
      if (problem) throw new UsageError(`--args is not valid JSON: ${problem.message} (column ${problem.column})`, "instances add");
      args = JSON.parse(context.values.args) as Record<string, unknown>;
      if (typeof args !== "object" || args === null || Array.isArray(args))
        throw new UsageError("--args must be a JSON object", "instances add");
    }
    args = { ...args, ...parseArgAssignments((context.values.arg as string[] | undefined) ?? []) };
    const root = await requireWorkspace(context);
    const registry = await loadRegistry(root);
    if (!registry.component(type)) throw registry.missingComponentError(type);
    const validateArgs = await argsValidatorFor(registry, type);
    const id = await changeProject(context, `highstate instances add ${type} ${instanceName}`, async ({ project, name }) => {
      let changed = addInstance(project, registry.registry, { type, name: instanceName, args, validateArgs });
      const added = changed.instances.at(-1)!;
      for (const assignment of (context.values.input as string[] | undefined) ?? []) {
        const { input, from } = parseInputAssignment(changed, name, assignment);
        changed = connectInput(changed, registry.registry, { instanceId: added.id, input, from });
      }
      for (const hubId of (context.values.inject as string[] | undefined) ?? []) changed = injectHub(changed, added.id, hubId);
      return { project: changed, result: added.id };
    });
    context.print(`Added "${id}".`);
    // Kept in the project (the package may be fixed by an update), but it cannot run until then.
    for (const problem of registry.component(type)?.problems ?? [])
      context.note(`Warning: "${id}" cannot run until its package is fixed: ${problem.message}`);
    return 0;
  },
};

const remove: CommandSpec = {
  name: "instances remove",
  summary: "Remove an instance (and its secrets) from a project",
  usage: "<instance>",
  description:
    "Removes an instance, every connection to it and its secrets. An instance whose stack still has resources is refused: destroy it first, or pass --force to abandon its resources (its Pulumi stack stays in the state backend).",
  options: {
    ...projectOption,
    ...waitOption,
    force: { type: "boolean", description: "Remove even when the stack still has resources (they are abandoned)" },
  },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const removed = await changeProject(
      context,
      `highstate instances remove ${context.positionals[0]}`,
      async ({ root, store, name, project }) => {
        const id = findInstanceId(project, name, context.positionals[0]!);
        const instance = project.instances.find((item) => item.id === id)!;
        const states = new InstanceStateStore(root, name);
        const state = await states.get(instance.uid);
        if (isCreated(state) && !context.values.force) {
          throw new CliError(
            `Instance "${id}" still has ${state!.resourceCount} resource${state!.resourceCount === 1 ? "" : "s"}; destroy it first, or pass --force to abandon them`,
          );
        }
        const secrets = await ProjectSecrets.open(store.paths.projectSecretsFile(name));
        await secrets.removeInstance(id);
        await states.remove(instance.uid);
        return { project: removeInstance(project, id), result: { id, abandoned: isCreated(state) } };
      },
    );
    context.print(`Removed "${removed.id}".`);
    if (removed.abandoned) context.note(`Its resources were abandoned; its Pulumi stack is still in the state backend.`);
    return 0;
  },
};

const rename: CommandSpec = {
  name: "instances rename",
  summary: "Rename an instance (its stack and secrets follow)",
  usage: "<instance> <new-name>",
  description:
    "Renames an instance. Connections to it are rewritten, its secrets move with it, and its Pulumi stack stays (stacks are named by the instance's stable uid).",
  options: { ...projectOption, ...waitOption },
  positionals: { min: 2, max: 2 },
  async run(context) {
    const [reference, newName] = context.positionals as [string, string];
    const { from, to } = await changeProject(
      context,
      `highstate instances rename ${reference} ${newName}`,
      async ({ store, name, project }) => {
        const id = findInstanceId(project, name, reference);
        const changed = renameInstance(project, id, newName);
        const newId = instanceId(findInstance(project, id).type, newName);
        if (newId !== id) {
          const secrets = await ProjectSecrets.open(store.paths.projectSecretsFile(name));
          // Its secrets are bound to its id: binding them to the new one needs the password.
          if (secrets.renameNeedsPassword(id))
            await secrets.unlock(
              await getPassword(context.io, {
                variable: "HIGHSTATE_PASSWORD",
                prompt: `Password of project "${name}" (to move the secrets of "${id}"): `,
                what: `The password of project "${name}" (the secrets of "${id}" move with it)`,
              }),
            );
          await secrets.renameInstance(id, newId);
        }
        return { project: changed, result: { from: id, to: newId } };
      },
    );
    context.print(from === to ? `"${from}" already has that name.` : `Renamed "${from}" to "${to}".`);
    return 0;
  },
};

const command: CommandSpec = {
  name: "instances",
  summary: "List, add, remove and rename instances of a project",
  subcommands: { list, add, remove, rename },
};

export default command;
