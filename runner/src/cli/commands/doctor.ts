import { lstat, readdir } from "node:fs/promises";
import { hostname } from "node:os";
import { relative } from "node:path";
import type { Project } from "@highstate/contract";
import { checkPulumiCli } from "../../engine/pulumi-cli.js";
import { isProcessAlive } from "../../fs/atomic-write.js";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { findWorkspaceRoot } from "../../workspace/init.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import { printable, readWorkspaceLock, staleLockTempFiles } from "../../workspace/lock.js";
import { detectPackageManager } from "../../workspace/package-manager.js";
import { checkPackageUpdates, type PackageUpdatesReport } from "../../workspace/package-updates.js";
import { workspacePaths } from "../../workspace/paths.js";
import { ProjectStore } from "../../workspace/project-store.js";
import type { CommandSpec } from "../command.js";
import { jsonOption, loadRegistry, startDirectory } from "../workspace.js";

/** One finding of `highstate doctor`. */
export interface DoctorCheck {
  /** What was checked, e.g. `pulumi`, `projects/prod.json`. */
  name: string;
  /** `error` makes doctor exit with 1. */
  status: "ok" | "warning" | "error";
  /** What was found, in a sentence. */
  message: string;
  /** What to do about it. */
  hint?: string;
}

const minimumNode: [number, number] = [22, 12];

function nodeCheck(): DoctorCheck {
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  const ok = major > minimumNode[0] || (major === minimumNode[0] && minor >= minimumNode[1]);
  return ok
    ? { name: "node", status: "ok", message: `Node.js ${process.versions.node}` }
    : {
        name: "node",
        status: "error",
        message: `Node.js ${process.versions.node} is too old`,
        hint: `install Node.js ${minimumNode.join(".")} or newer`,
      };
}

async function pulumiCheck(): Promise<DoctorCheck> {
  const check = await checkPulumiCli();
  if (!check.ok)
    return { name: "pulumi", status: "error", message: check.problem ?? "the pulumi CLI cannot be used", hint: check.installHint };
  return {
    name: "pulumi",
    status: check.problem ? "warning" : "ok",
    message: check.problem ?? `pulumi ${check.version} (${check.command})`,
    ...(check.problem ? { hint: check.installHint } : {}),
  };
}

async function lockTempCheck(root: string): Promise<DoctorCheck | undefined> {
  const stale = await staleLockTempFiles(workspacePaths(root).lockFile);
  if (stale.length === 0) return undefined;
  return {
    name: "lock",
    status: "warning",
    message: `${stale.length} temp file${stale.length === 1 ? "" : "s"} left by processes killed while taking the lock (${stale.map((path) => `"${relative(root, path)}"`).join(", ")})`,
    hint: "they are removed by the next command that takes the lock",
  };
}

async function lockCheck(root: string): Promise<DoctorCheck> {
  const found = await lstat(workspacePaths(root).lockFile).catch(() => undefined);
  if (found && !found.isFile())
    return {
      name: "lock",
      status: "error",
      message: `"${relative(root, workspacePaths(root).lockFile)}" is ${found.isDirectory() ? "a folder" : found.isSymbolicLink() ? "a symbolic link" : "a special file"}, not a lock file`,
      hint: "remove it",
    };
  const holder = await readWorkspaceLock(root);
  if (!holder) return { name: "lock", status: "ok", message: "the workspace is not locked" };
  const here = holder.hostname === hostname();
  if (here && !isProcessAlive(holder.pid)) {
    return {
      name: "lock",
      status: "warning",
      message: `a lock left by process ${holder.pid} ("${printable(holder.command)}"), which no longer runs`,
      hint: "it is recovered automatically by the next command that writes",
    };
  }
  return {
    name: "lock",
    status: "warning",
    message: `in use by process ${holder.pid} ("${printable(holder.command)}") on host "${printable(holder.hostname)}" since ${printable(String(holder.since))}`,
    hint: "commands that write wait for it to finish",
  };
}

/** Which package manager installs the workspace's packages, and whether its linker makes node_modules. */
function packageManagerCheck(root: string, env: NodeJS.ProcessEnv): DoctorCheck {
  const info = detectPackageManager(root, env);
  const manager = info.name ? `${info.name}${info.version ? ` ${info.version}` : ""}` : "no package manager recorded (no lockfile yet)";
  if (info.linker === "pnp" || process.versions.pnp !== undefined) {
    return {
      name: "package manager",
      status: "error",
      message: `${manager} with Plug'n'Play${info.pnpFile ? ` ("${info.pnpFile}")` : ""}: Pulumi's Node.js runtime needs a node_modules folder`,
      hint: "set `nodeLinker: node-modules` in .yarnrc.yml (`yarn highstate init` does it) and run `yarn install`",
    };
  }
  const linker =
    info.name === "yarn" ? `nodeLinker: ${info.linker}` : info.linker === "pnpm" ? "pnpm's symlinked node_modules" : "node_modules";
  return { name: "package manager", status: "ok", message: `${manager} (${linker}${info.source ? `; from ${info.source}` : ""})` };
}

/** Reads every workspace file doctor knows of and reports those that cannot be read. */
async function fileChecks(root: string, store: ProjectStore, checks: DoctorCheck[]): Promise<Map<string, Project>> {
  const projects = new Map<string, Project>();
  const show = (file: string) => relative(root, file);
  for (const name of await store.list()) {
    try {
      projects.set(name, await store.load(name));
    } catch (error) {
      checks.push({ name: show(store.paths.projectFile(name)), status: "error", message: (error as Error).message });
    }
    try {
      await ProjectSecrets.open(store.paths.projectSecretsFile(name));
    } catch (error) {
      checks.push({ name: show(store.paths.projectSecretsFile(name)), status: "error", message: (error as Error).message });
    }
    const states = new InstanceStateStore(root, name);
    const files = await readdir(store.paths.projectInstancesDir(name)).catch(() => [] as string[]);
    for (const file of files.sort()) {
      const match = /^([a-z0-9]{8,32})\.json$/.exec(file);
      if (!match) continue;
      try {
        await states.get(match[1]!);
      } catch (error) {
        checks.push({ name: show(states.file(match[1]!)), status: "error", message: (error as Error).message });
      }
    }
  }
  const unreadable = checks.filter((check) => check.status === "error").length;
  checks.push({
    name: "files",
    status: unreadable > 0 ? "error" : "ok",
    message:
      unreadable > 0
        ? `${unreadable} workspace file${unreadable === 1 ? "" : "s"} cannot be read (see above); they are left untouched`
        : `${projects.size} project${projects.size === 1 ? "" : "s"} and their secrets and state files are readable`,
  });
  return projects;
}

/** The finding about `@highstate/*` packages behind the registry; none when the registry gave no answer. */
function updatesCheck(report: PackageUpdatesReport | undefined): DoctorCheck | undefined {
  if (!report) return undefined;
  if (report.behind.length === 0) {
    return {
      name: "updates",
      status: "ok",
      message: `the ${report.checked} installed @highstate package${report.checked === 1 ? " is" : "s are"} the newest on ${report.registry}`,
    };
  }
  const list = report.behind.map((update) => `${update.name} ${update.installed} → ${update.latest}`).join(", ");
  return {
    name: "updates",
    status: "warning",
    message: `${report.behind.length} @highstate package${report.behind.length === 1 ? " is" : "s are"} behind ${report.registry}: ${list}`,
    ...(report.command ? { hint: `update with \`${report.command}\`` } : {}),
  };
}

const command: CommandSpec = {
  name: "doctor",
  summary: "Check the pulumi CLI, the workspace files, the lock and the installed components",
  description:
    "Checks what Highstate needs: Node.js, the pulumi CLI (found and its version), the workspace lock, that every project, secrets and instance state file can be read, the installed component packages, instances whose component is not installed, and the installed @highstate/* packages that are behind the newest versions on the registry npm (or Yarn) is configured with — a quick question that is skipped silently when the registry cannot be reached, and not asked with --offline (or npm_config_offline=true). Exits with 1 when something is wrong.",
  options: {
    ...jsonOption,
    offline: { type: "boolean", description: "Do not ask the package registry for newer @highstate/* versions" },
  },
  worksUnderPlugAndPlay: true,
  async run(context) {
    const checks: DoctorCheck[] = [nodeCheck(), await pulumiCheck()];
    const start = startDirectory(context);
    const root = await findWorkspaceRoot(start);
    if (!root) {
      checks.push({
        name: "workspace",
        status: "error",
        message: `no Highstate workspace in "${start}" or above it`,
        hint: "run `highstate init` or pass --cwd <workspace>",
      });
    } else {
      checks.push({ name: "workspace", status: "ok", message: root });
      const packageManager = packageManagerCheck(root, context.io.env);
      checks.push(packageManager);
    }
    if (root && checks.at(-1)!.status !== "error") {
      checks.push(await lockCheck(root));
      const temps = await lockTempCheck(root);
      if (temps) checks.push(temps);
      const store = new ProjectStore(root);
      const fileFindings: DoctorCheck[] = [];
      const projects = await fileChecks(root, store, fileFindings);
      checks.push(...fileFindings);
      const registry = await loadRegistry(root);
      const components = Object.keys(registry.registry.components).length;
      checks.push({
        name: "components",
        status: registry.problems.some((problem) => problem.severity === "error")
          ? "error"
          : registry.problems.length > 0 || components === 0
            ? "warning"
            : "ok",
        message: `${components} component${components === 1 ? "" : "s"} from ${registry.packages.length} package${registry.packages.length === 1 ? "" : "s"}${registry.problems.length > 0 ? `, ${registry.problems.length} problem${registry.problems.length === 1 ? "" : "s"}` : ""}`,
        ...(components === 0 && registry.problems.length === 0
          ? { hint: "install component packages, e.g. `npm install @highstate/common`" }
          : {}),
      });
      for (const problem of registry.problems)
        checks.push({ name: `package ${problem.packages.join(", ")}`, status: problem.severity, message: problem.message });
      for (const [name, project] of projects) {
        for (const instance of project.instances) {
          if (registry.component(instance.type)) continue;
          checks.push({
            name: `project ${name}`,
            status: "warning",
            message: `instance "${instance.id}" uses component "${instance.type}", which is not installed (the instance is kept as it is)`,
            hint: "install the package that provides it",
          });
        }
      }
    }
    let updates: PackageUpdatesReport | undefined;
    if (root && !context.values.offline && !/^(true|1)$/i.test(context.io.env.npm_config_offline ?? "")) {
      updates = await checkPackageUpdates(root, { env: { ...context.io.env } });
      const found = updatesCheck(updates);
      if (found) checks.push(found);
    }
    const failed = checks.some((check) => check.status === "error");
    if (context.values.json) {
      context.printJson({ ok: !failed, checks, ...(updates ? { updates: updates.behind } : {}) });
      return failed ? 1 : 0;
    }
    const mark = { ok: "ok  ", warning: "warn", error: "FAIL" } as const;
    for (const check of checks) {
      context.print(`[${mark[check.status]}] ${check.name}: ${check.message}`);
      if (check.hint && check.status !== "ok") context.print(`       → ${check.hint}`);
    }
    context.print();
    context.print(failed ? "Some checks failed." : "Everything needed is in place.");
    return failed ? 1 : 0;
  },
};

export default command;
