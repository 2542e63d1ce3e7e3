import type { Project, Registry } from "@highstate/contract";
import { isCreated, ProjectStateCache } from "../../engine/project-state.js";
import { emptySecretsDigest } from "../../planner/fingerprint.js";
import { type InstancePlan, planProject } from "../../planner/plan.js";
import { projectArgsValidator } from "../../registry/args-checks.js";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { CliError } from "../errors.js";
import { getPassword } from "../prompt.js";
import { jsonOption, loadRegistry, noteUnboundSecrets, openProject, projectOption } from "../workspace.js";

/**
 * Secrets digests for the plan, computed as the engine computes them when it records a run.
 * Instances without secrets need no password; the others are compared only when the password is at
 * hand (HIGHSTATE_PASSWORD, or a prompt with --ask-password).
 */
async function secretsDigests(
  context: CommandContext,
  cache: ProjectStateCache,
  target: { name: string; project: Project; registry: Registry; secrets: ProjectSecrets },
): Promise<{ digests: Map<string, string>; checked: boolean }> {
  const { name, project, secrets } = target;
  const withSecrets = project.instances.filter((instance) => secrets.listInstanceSecrets(instance.id).length > 0);
  const wanted =
    withSecrets.length > 0 &&
    secrets.encryptionSalt !== undefined &&
    (Boolean(context.io.env.HIGHSTATE_PASSWORD) || Boolean(context.values["ask-password"]));
  if (wanted) {
    const password = await getPassword(context.io, {
      variable: "HIGHSTATE_PASSWORD",
      prompt: `Password of project "${name}": `,
      what: `The password of project "${name}"`,
    });
    await secrets.unlock(password);
    noteUnboundSecrets(context, secrets);
    const digests = await cache.secretsDigests({ ...target, password });
    if (digests) return { digests, checked: true };
  }
  const digests = new Map<string, string>();
  for (const instance of project.instances) if (!withSecrets.includes(instance)) digests.set(instance.id, emptySecretsDigest);
  return { digests, checked: withSecrets.length === 0 };
}

function statusWord(item: InstancePlan): string {
  if (item.state === "unknown-component") return "unknown component";
  if (!item.created) return "not created";
  return item.outdated ? `outdated: ${item.reasons.join("; ")}` : "up to date";
}

const command: CommandSpec = {
  name: "plan",
  summary: "Show what is outdated and the order it would run in",
  description:
    "Shows, for one project, which instances are not created or outdated (args, secrets, inputs or the component package changed since the last successful run, or something upstream will change) and the layers `up` would run them in: each layer after the previous one, the instances of a layer in parallel, and the instances the last `highstate drift` found drifted. Secrets are compared when HIGHSTATE_PASSWORD is set or with --ask-password. Exits with 1 when instances form a dependency cycle.",
  options: {
    ...projectOption,
    ...jsonOption,
    "ask-password": { type: "boolean", description: "Ask for the project password to compare secrets too" },
  },
  async run(context) {
    const { root, store, name, project } = await openProject(context);
    const registry = await loadRegistry(root);
    const secrets = await ProjectSecrets.open(store.paths.projectSecretsFile(name));
    const cache = new ProjectStateCache(new InstanceStateStore(root, name));
    await cache.ensureLoaded();
    const { digests, checked } = await secretsDigests(context, cache, { name, project, registry: registry.registry, secrets });
    const plan = planProject({
      project,
      registry: registry.registry,
      states: cache.planStates(project),
      secretsDigests: digests,
      // Cached per args and installed packages: an unchanged project imports no definitions module.
      validateArgs: (await projectArgsValidator(registry, project)).validate,
    });
    const cycles = plan.graph.cycles;
    const blocked = plan.instances.filter((item) => item.blocked !== undefined);
    // Drift found by the last `highstate drift` that still stands (a later up/refresh/destroy clears it).
    const drifted = project.instances.flatMap((instance) => {
      const state = cache.states.get(instance.uid);
      return state?.drift && state.drift.resources.length > 0 && isCreated(state) ? [{ id: instance.id, drift: state.drift }] : [];
    });

    if (context.values.json) {
      context.printJson({
        project: name,
        layers: plan.layers,
        outdated: Object.fromEntries(plan.instances.filter((item) => item.outdated).map((item) => [item.id, item.reasons])),
        notCreated: plan.instances.filter((item) => !item.created && item.state !== "unknown-component").map((item) => item.id),
        blocked: Object.fromEntries(blocked.map((item) => [item.id, item.blocked])),
        cycles,
        problems: plan.problems,
        secretsChecked: checked,
        drifted: Object.fromEntries(drifted.map((item) => [item.id, item.drift])),
      });
      return cycles.length > 0 ? 1 : 0;
    }

    const toRun = plan.layers.reduce((sum, layer) => sum + layer.length, 0);
    context.print(
      `Project "${name}": ${project.instances.length} instance${project.instances.length === 1 ? "" : "s"}, ${toRun} to run${toRun > 0 ? ` in ${plan.layers.length} layer${plan.layers.length === 1 ? "" : "s"}` : ""}.`,
    );
    const byId = new Map(plan.instances.map((item) => [item.id, item]));
    for (const [index, layer] of plan.layers.entries()) {
      context.print();
      context.print(`Layer ${index + 1}:`);
      const width = Math.max(...layer.map((id) => id.length));
      for (const id of layer) {
        const item = byId.get(id)!;
        context.print(`  ${item.created ? "~" : "+"} ${id.padEnd(width)}  ${statusWord(item)}`);
      }
    }
    if (blocked.length > 0) {
      context.print();
      context.print("Cannot run:");
      for (const item of blocked) context.print(`  ! ${item.id}  ${item.blocked}`);
    }
    if (drifted.length > 0) {
      context.print();
      context.print("Drifted (real resources differ from the state, as the last `highstate drift` found):");
      const width = Math.max(...drifted.map((item) => item.id.length));
      for (const { id, drift } of drifted) {
        const count = drift.resources.length;
        context.print(`  ≠ ${id.padEnd(width)}  ${count} resource${count === 1 ? "" : "s"} (checked ${drift.checkedAt})`);
      }
    }
    const otherProblems = plan.problems.filter((problem) => problem.instanceId === undefined);
    if (otherProblems.length > 0) {
      context.print();
      context.print("Problems:");
      for (const problem of otherProblems) context.print(`  ${problem.message}`);
    }
    const upToDate = plan.instances.filter((item) => item.created && !item.outdated && item.state !== "unknown-component").length;
    if (upToDate > 0) {
      context.print();
      context.print(`${upToDate} instance${upToDate === 1 ? " is" : "s are"} up to date.`);
    }
    if (!checked) context.note("Note: secrets were not compared; set HIGHSTATE_PASSWORD or pass --ask-password to include them.");
    if (cycles.length > 0) {
      throw new CliError(
        plan.problems
          .filter((problem) => problem.code === "dependency-cycle")
          .map((problem) => problem.message.replace(/^i/, "I"))
          .join("\n"),
      );
    }
    return 0;
  },
};

export default command;
