import { constants } from "node:os";
import { type TerminalSpec, terminalSpecSchema } from "@highstate/contract";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { attachToStdio, openTerminalProcess, TerminalError, type TerminalProcess } from "../../terminals/index.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { CliError } from "../errors.js";
import { getPassword } from "../prompt.js";
import { findInstanceId, noteUnboundSecrets, openProject, projectOption } from "../workspace.js";

/** Reads an instance's terminal specs from its last outputs, asking for the project password when they are stored encrypted. */
async function terminalSpecs(context: CommandContext): Promise<{ root: string; instanceId: string; specs: TerminalSpec[] }> {
  const { root, store, name, project } = await openProject(context);
  const instanceId = findInstanceId(project, name, context.positionals[0]!);
  const instance = project.instances.find((item) => item.id === instanceId)!;
  const states = new InstanceStateStore(root, name);
  const state = await states.get(instance.uid);
  const notRun = new CliError(`"${instanceId}" has no terminals yet; run it with \`highstate up ${instanceId}\` first`);
  if (!state) throw notRun;
  let value: unknown;
  if (Object.hasOwn(state.outputs, "$terminals")) value = state.outputs.$terminals;
  else if (state.secretOutputs?.values.$terminals !== undefined) {
    const secrets = await ProjectSecrets.open(store.paths.projectSecretsFile(name));
    const password = await getPassword(context.io, {
      variable: "HIGHSTATE_PASSWORD",
      prompt: `Password of project "${name}": `,
      what: `The password of project "${name}" (the terminals of "${instanceId}" are stored encrypted)`,
    });
    await secrets.unlock(password);
    noteUnboundSecrets(context, secrets);
    value = states.outputs(state, secrets.crypter).$terminals?.value;
  } else throw notRun;
  const specs = (Array.isArray(value) ? value : []).flatMap((item) => {
    const parsed = terminalSpecSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  return { root, instanceId, specs };
}

function chooseSpec(instanceId: string, specs: TerminalSpec[], name: string | undefined): TerminalSpec {
  const names = specs.map((spec) => `"${spec.name}"`).join(", ");
  if (specs.length === 0) throw new CliError(`"${instanceId}" offers no terminal`);
  if (name === undefined) {
    if (specs.length === 1) return specs[0]!;
    throw new CliError(`"${instanceId}" offers several terminals (${names}); name one: \`highstate terminal ${instanceId} <name>\``);
  }
  const spec = specs.find((item) => item.name === name);
  if (!spec) throw new CliError(`"${instanceId}" has no terminal "${name}"; it has ${names}`);
  return spec;
}

const terminal: CommandSpec = {
  name: "terminal",
  summary: "Open an instance's terminal (SSH or local shell) in this terminal",
  usage: "<instance> [<name>]",
  description:
    "Opens a terminal an instance offers (e.g. an SSH shell on a server, or a shell with KUBECONFIG set for a cluster) in this terminal, " +
    "the same one the designer's terminal button opens. The instance is named by its id or, when unambiguous, its name; the terminal " +
    "by its name when the instance offers several. The session ends when the remote shell exits.",
  options: { ...projectOption },
  positionals: { min: 1, max: 2 },
  async run(context) {
    const { root, instanceId, specs } = await terminalSpecs(context);
    const spec = chooseSpec(instanceId, specs, context.positionals[1]);
    const stdout = context.io.stdout as { columns?: number; rows?: number };
    let session: TerminalProcess;
    try {
      session = await openTerminalProcess(spec, { cols: stdout.columns ?? 80, rows: stdout.rows ?? 24 }, { local: { cwd: root } });
    } catch (error) {
      if (error instanceof TerminalError) throw new CliError(error.message, 1, { cause: error });
      throw error;
    }
    context.note(`Connected to ${session.title}.`);
    const stop = () => void session.close();
    process.once("SIGTERM", stop);
    process.once("SIGHUP", stop);
    try {
      const exit = await attachToStdio(session, { stdin: context.io.stdin, stdout: context.io.stdout });
      if (exit.error) {
        context.note(`\r\nError: ${exit.error.message}`);
        return 1;
      }
      if (exit.code !== null) return exit.code;
      return exit.signal ? 128 + ((constants.signals as Record<string, number>)[`SIG${exit.signal}`] ?? 1) : 0;
    } finally {
      process.off("SIGTERM", stop);
      process.off("SIGHUP", stop);
    }
  },
};

export default terminal;
