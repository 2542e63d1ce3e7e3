import type { Project } from "@highstate/contract";
import { deriveFingerprintKey, digestSecrets } from "../../planner/fingerprint.js";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { waitOption, withWorkspaceLock } from "../lock.js";
import { getPassword, getSecretValue } from "../prompt.js";
import { findInstanceId, jsonOption, loadRegistry, noteUnboundSecrets, openProject, projectOption } from "../workspace.js";

async function openSecrets(context: CommandContext) {
  const opened = await openProject(context);
  const secrets = await ProjectSecrets.open(opened.store.paths.projectSecretsFile(opened.name));
  return { ...opened, secrets };
}

/**
 * Unlocks the project's secrets with HIGHSTATE_PASSWORD or a prompt. A project without a password
 * gets a new one (asked twice); it is written by the returned `commit`, to be called under the lock.
 */
async function unlock(context: CommandContext, secrets: ProjectSecrets, projectName: string): Promise<{ commit: () => Promise<void> }> {
  if (!secrets.hasPassword) {
    const password = await getPassword(context.io, {
      variable: "HIGHSTATE_PASSWORD",
      prompt: `Project "${projectName}" has no password yet; choose one: `,
      what: `A new password for project "${projectName}"`,
      confirm: true,
    });
    return {
      commit: async () => {
        await secrets.create(password);
        context.note(`Project "${projectName}" is now protected by this password; keep it safe, its secrets cannot be read without it.`);
      },
    };
  }
  const password = await getPassword(context.io, {
    variable: "HIGHSTATE_PASSWORD",
    prompt: `Password of project "${projectName}": `,
    what: `The password of project "${projectName}"`,
  });
  await secrets.unlock(password);
  noteUnboundSecrets(context, secrets);
  return { commit: async () => undefined };
}

/** Checks that the instance's component declares the secret; returns the instance id. */
async function declaredSecret(root: string, project: Project, projectName: string, reference: string, name: string): Promise<string> {
  const instanceId = findInstanceId(project, projectName, reference);
  const instance = project.instances.find((item) => item.id === instanceId)!;
  const registry = await loadRegistry(root);
  const component = registry.component(instance.type);
  if (!component) throw registry.missingComponentError(instance.type);
  const declared = Object.keys((component.secrets.properties as Record<string, unknown> | undefined) ?? {});
  if (!declared.includes(name)) {
    throw new CliError(
      `Component "${instance.type}" has no secret "${name}" (${declared.length > 0 ? `it has ${declared.map((item) => `"${item}"`).join(", ")}` : "it has no secrets"})`,
    );
  }
  return instanceId;
}

const list: CommandSpec = {
  name: "secrets list",
  summary: "List which secrets are set (names only; needs no password)",
  usage: "[<instance>]",
  options: { ...projectOption, ...jsonOption },
  positionals: { max: 1 },
  async run(context) {
    const { name, project, secrets } = await openSecrets(context);
    const all = secrets.listSecrets();
    const reference = context.positionals[0];
    const shown =
      reference === undefined
        ? all
        : (() => {
            const id = findInstanceId(project, name, reference);
            return { [id]: all[id] ?? [] };
          })();
    if (context.values.json) {
      context.printJson(shown);
      return 0;
    }
    const entries = Object.entries(shown).filter(([, names]) => names.length > 0);
    if (entries.length === 0)
      context.print(
        reference === undefined ? `No secrets are set in project "${name}".` : `No secrets are set for "${Object.keys(shown)[0]}".`,
      );
    for (const [id, names] of entries) context.print(`${id}: ${names.join(", ")}`);
    return 0;
  },
};

const set: CommandSpec = {
  name: "secrets set",
  summary: "Set a secret of an instance (the value is read from stdin or a hidden prompt)",
  usage: "<instance> <secret>",
  description:
    "Sets one secret of an instance, encrypted with the project password into Pulumi.<project>.yaml. The value is read from stdin when it is piped (one trailing newline is removed) or asked for without echo; it is never taken from the command line. The password comes from HIGHSTATE_PASSWORD or a prompt; a project without a password gets one now.",
  options: { ...projectOption, ...waitOption },
  positionals: { min: 2, max: 2 },
  async run(context) {
    const { root, name, project, secrets } = await openSecrets(context);
    const [reference, secretName] = context.positionals as [string, string];
    const instanceId = await declaredSecret(root, project, name, reference, secretName);
    const { commit } = await unlock(context, secrets, name);
    const value = await getSecretValue(context.io, `Value of secret "${secretName}" of "${instanceId}": `);
    await withWorkspaceLock(context, root, `highstate secrets set ${instanceId} ${secretName}`, async () => {
      await commit();
      await secrets.set(instanceId, secretName, value);
    });
    context.print(`Set secret "${secretName}" of "${instanceId}".`);
    return 0;
  },
};

const get: CommandSpec = {
  name: "secrets get",
  summary: "Print the value of a secret",
  usage: "<instance> <secret>",
  description: "Prints the decrypted value of one secret to stdout. The password comes from HIGHSTATE_PASSWORD or a prompt.",
  options: { ...projectOption },
  positionals: { min: 2, max: 2 },
  async run(context) {
    const { name, project, secrets } = await openSecrets(context);
    const [reference, secretName] = context.positionals as [string, string];
    const instanceId = findInstanceId(project, name, reference);
    if (!secrets.has(instanceId, secretName))
      throw new CliError(
        `Secret "${secretName}" of "${instanceId}" is not set; set it with \`highstate secrets set ${instanceId} ${secretName}\``,
      );
    await unlock(context, secrets, name);
    context.io.stdout.write(`${secrets.get(instanceId, secretName)}\n`);
    return 0;
  },
};

const remove: CommandSpec = {
  name: "secrets delete",
  summary: "Delete a secret of an instance",
  usage: "<instance> <secret>",
  description: "Deletes one secret of an instance. The password comes from HIGHSTATE_PASSWORD or a prompt; a wrong one changes nothing.",
  options: { ...projectOption, ...waitOption },
  positionals: { min: 2, max: 2 },
  async run(context) {
    const { root, name, project, secrets } = await openSecrets(context);
    const [reference, secretName] = context.positionals as [string, string];
    const instanceId = findInstanceId(project, name, reference);
    if (!secrets.has(instanceId, secretName)) throw new CliError(`Secret "${secretName}" of "${instanceId}" is not set`);
    // Deleting needs the password like every other change, so a wrong one changes nothing.
    if (secrets.hasPassword) await unlock(context, secrets, name);
    await withWorkspaceLock(context, root, `highstate secrets delete ${instanceId} ${secretName}`, () =>
      secrets.delete(instanceId, secretName),
    );
    context.print(`Deleted secret "${secretName}" of "${instanceId}".`);
    return 0;
  },
};

const changePassword: CommandSpec = {
  name: "secrets change-password",
  summary: "Re-encrypt a project's secrets with a new password",
  description:
    "Re-encrypts every secret of the project (and the secret outputs stored under .highstate/) with a new password. The current password comes from HIGHSTATE_PASSWORD or a prompt, the new one from HIGHSTATE_NEW_PASSWORD or a prompt asked twice.",
  options: { ...projectOption, ...waitOption },
  async run(context) {
    const { root, name, project, secrets } = await openSecrets(context);
    if (!secrets.hasPassword)
      throw new CliError(`Project "${name}" has no password yet; it gets one with its first secret (\`highstate secrets set\`)`);
    const currentPassword = await getPassword(context.io, {
      variable: "HIGHSTATE_PASSWORD",
      prompt: `Current password of project "${name}": `,
      what: `The current password of project "${name}"`,
    });
    await secrets.unlock(currentPassword);
    noteUnboundSecrets(context, secrets);
    const newPassword = await getPassword(context.io, {
      variable: "HIGHSTATE_NEW_PASSWORD",
      prompt: `New password of project "${name}": `,
      what: `The new password of project "${name}"`,
      confirm: true,
    });
    await withWorkspaceLock(context, root, `highstate secrets change-password --project ${name}`, async () => {
      const change = await secrets.changePassword(currentPassword, newPassword);
      // Last-success fingerprints hold keyed digests of the secrets: carry them over to the new key so
      // nothing looks outdated just because the password changed.
      const oldKey = await deriveFingerprintKey(currentPassword, change.previous.encryptionSalt);
      const newKey = await deriveFingerprintKey(newPassword, change.current.encryptionSalt);
      const digests = new Map<string, string>();
      for (const instance of project.instances) {
        const values = secrets.getInstanceSecrets(instance.id);
        const before = digestSecrets(values, oldKey);
        const after = digestSecrets(values, newKey);
        if (before !== undefined && after !== undefined) digests.set(before, after);
      }
      await new InstanceStateStore(root, name).reencrypt(change.previous, change.current, { secretsDigests: digests });
    });
    context.print(`Changed the password of project "${name}".`);
    return 0;
  },
};

const accept: CommandSpec = {
  name: "secrets accept",
  summary: "Accept secrets that were moved or edited in Pulumi.<project>.yaml (binds them where they are now)",
  usage: "<instance> [<secret>] | --all",
  description:
    "Every secret in Pulumi.<project>.yaml is bound to its instance and name (highstate:secretBindings), so a value moved to another place or edited by hand is refused by every command that reads secrets. When such a change is intentional, this command checks the password (HIGHSTATE_PASSWORD or a prompt) and that each value decrypts with it, and binds the named secret (or every secret of the instance, or with --all every secret that is not bound) to where it is now. In a file written before bindings existed it binds every secret.",
  options: {
    ...projectOption,
    ...waitOption,
    all: { type: "boolean", description: "Accept every secret that is not bound to its place" },
  },
  positionals: { max: 2 },
  async run(context) {
    const { root, name, project, secrets } = await openSecrets(context);
    const [reference, secretName] = context.positionals as [string | undefined, string | undefined];
    if (context.values.all && reference !== undefined) throw new UsageError("Name a secret or use --all, not both", "secrets accept");
    if (!context.values.all && reference === undefined)
      throw new UsageError("Name the instance (and secret) to accept, or use --all", "secrets accept");
    if (!secrets.hasPassword) throw new CliError(`Project "${name}" has no password and no secrets yet; there is nothing to accept`);
    // An instance no longer in the project may still have secrets in the file: its id is accepted as is.
    const instanceId =
      reference === undefined
        ? undefined
        : project.instances.some((instance) => instance.id === reference || instance.name === reference)
          ? findInstanceId(project, name, reference)
          : reference;
    const password = await getPassword(context.io, {
      variable: "HIGHSTATE_PASSWORD",
      prompt: `Password of project "${name}": `,
      what: `The password of project "${name}"`,
    });
    const description = `highstate secrets accept ${instanceId === undefined ? "--all" : `${instanceId}${secretName === undefined ? "" : ` ${secretName}`}`}`;
    const { accepted, remaining } = await withWorkspaceLock(context, root, description, () =>
      secrets.accept(
        password,
        instanceId === undefined ? "all" : [{ instanceId, ...(secretName !== undefined ? { name: secretName } : {}) }],
      ),
    );
    if (accepted.length === 0)
      context.print(
        `Nothing to accept: ${instanceId === undefined ? "every secret" : `"${instanceId}"`} in Pulumi.${name}.yaml is bound to its place.`,
      );
    for (const item of accepted)
      context.print(
        item.kind === "mismatch"
          ? `Accepted secret "${item.name}" of "${item.instanceId}" (moved or edited) and bound it to its place.`
          : `Bound secret "${item.name}" of "${item.instanceId}" to its place.`,
      );
    if (remaining.length > 0)
      context.note(
        `Still not bound (commands that read secrets refuse the project until these are restored or accepted): ${remaining.map((item) => `"${item.name}" of "${item.instanceId}"`).join(", ")}.`,
      );
    return 0;
  },
};

const command: CommandSpec = {
  name: "secrets",
  summary: "Set and read instance secrets, accept moved ones, change a project's password",
  subcommands: { list, set, get, delete: remove, accept, "change-password": changePassword },
};

export default command;
