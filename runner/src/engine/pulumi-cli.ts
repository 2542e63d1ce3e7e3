/**
 * Finding, checking and installing the `pulumi` CLI. Highstate pins one CLI version (the one matching
 * the `@pulumi/pulumi` SDK it ships with): `highstate install-pulumi` installs exactly that version into
 * `~/.pulumi/versions/<version>`, which is searched first; a `pulumi` on PATH is used otherwise.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { isExecutable } from "../fs/atomic-write.js";
import { officialInstallCommand, PulumiCliNotFoundError, PulumiCliUnusableError, PulumiInstallError } from "./errors.js";

/** The Pulumi CLI version Highstate is built and tested against (the version of its `@pulumi/pulumi` SDK). */
export const PINNED_PULUMI_VERSION = "3.270.0";

/** The oldest CLI the runner accepts (local destroy/refresh and the gRPC event stream need a recent CLI). */
export const MINIMUM_PULUMI_VERSION = "3.181.0";

/** Where to look for the CLI. Every field defaults to the real environment; tests override them. */
export interface PulumiCliLocation {
  /** The `PATH` to search. Default `process.env.PATH`. */
  path?: string;
  /** The home directory holding `.pulumi/versions`. Default `os.homedir()`. */
  homeDir?: string;
  /** An explicit installation root (`<root>/bin/pulumi`), searched before anything else. */
  root?: string;
}

/** A located, working CLI. */
export interface PulumiCli {
  /** Absolute path of the executable. */
  command: string;
  /** The version it reports, without a leading `v`. */
  version: string;
  /** Whether it is the pinned version. */
  pinned: boolean;
}

/** The result of {@link checkPulumiCli}, shaped for `highstate doctor`. */
export interface PulumiCliCheck {
  /** Whether runs can use the CLI. */
  ok: boolean;
  /** The pinned version. */
  pinnedVersion: string;
  /** The executable found, if any. */
  command?: string;
  /** The version it reports. */
  version?: string;
  /** Whether the found version is the pinned one (a different version works but is not what Highstate is tested with). */
  matchesPinned?: boolean;
  /** A sentence for the user: what is wrong or what to consider. Absent when all is well. */
  problem?: string;
  /** How to install the pinned version. */
  installHint: string;
}

/** The installation root `highstate install-pulumi` uses for a version. */
export function pulumiVersionRoot(version: string = PINNED_PULUMI_VERSION, homeDir: string = homedir()): string {
  return join(homeDir, ".pulumi", "versions", version);
}

function executableNames(): string[] {
  return process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd", "pulumi"] : ["pulumi"];
}

/** The candidate executables in search order, and the human-readable places searched. */
function candidates(location: PulumiCliLocation): { files: string[]; places: string[] } {
  const files: string[] = [];
  const places: string[] = [];
  const addRoot = (root: string) => {
    places.push(join(root, "bin"));
    for (const name of executableNames()) files.push(join(root, "bin", name));
  };
  if (location.root) addRoot(location.root);
  addRoot(pulumiVersionRoot(PINNED_PULUMI_VERSION, location.homeDir ?? homedir()));
  const pathValue = location.path ?? process.env.PATH ?? "";
  for (const dir of pathValue.split(delimiter).filter((entry) => entry !== "")) {
    for (const name of executableNames()) files.push(join(dir, name));
  }
  places.push("PATH");
  return { files, places };
}

/**
 * The environment of a `pulumi` child process: the runner's environment without its own settings
 * (`HIGHSTATE_*`, above all `HIGHSTATE_PASSWORD`), plus `extra`.
 */
export function pulumiChildEnvironment(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  for (const name of Object.keys(env)) if (name.startsWith("HIGHSTATE_")) delete env[name];
  return env;
}

function runVersion(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      ["version"],
      { env: pulumiChildEnvironment({ PULUMI_SKIP_UPDATE_CHECK: "true" }), timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr }));
        else resolve(stdout.trim());
      },
    );
  });
}

function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return 0;
}

/**
 * Finds the `pulumi` CLI (the pinned installation first, then PATH), runs `pulumi version` and checks
 * the version. Throws {@link PulumiCliNotFoundError} when there is none and
 * {@link PulumiCliUnusableError} when it does not run or is older than {@link MINIMUM_PULUMI_VERSION}.
 */
export async function locatePulumiCli(location: PulumiCliLocation = {}): Promise<PulumiCli> {
  const { files, places } = candidates(location);
  let command: string | undefined;
  for (const file of files) {
    if (await isExecutable(file)) {
      command = file;
      break;
    }
  }
  if (!command) throw new PulumiCliNotFoundError(PINNED_PULUMI_VERSION, places);
  let reported: string;
  try {
    reported = await runVersion(command);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "").trim();
    throw new PulumiCliUnusableError(command, `\`pulumi version\` failed${stderr ? `: ${stderr}` : ""}`, PINNED_PULUMI_VERSION, {
      cause: error,
    });
  }
  const version = parseVersion(reported);
  if (!version) throw new PulumiCliUnusableError(command, `it reported an unreadable version "${reported}"`, PINNED_PULUMI_VERSION);
  const minimum = parseVersion(MINIMUM_PULUMI_VERSION)!;
  const pinned = parseVersion(PINNED_PULUMI_VERSION)!;
  if (version[0] !== pinned[0]) {
    throw new PulumiCliUnusableError(
      command,
      `its major version ${version.join(".")} differs from the pinned ${PINNED_PULUMI_VERSION}`,
      PINNED_PULUMI_VERSION,
    );
  }
  if (compareVersions(version, minimum) < 0) {
    throw new PulumiCliUnusableError(
      command,
      `its version ${version.join(".")} is older than the minimum ${MINIMUM_PULUMI_VERSION}`,
      PINNED_PULUMI_VERSION,
    );
  }
  const text = version.join(".");
  return { command, version: text, pinned: text === PINNED_PULUMI_VERSION };
}

/**
 * Checks the CLI for `highstate doctor`: never throws, reports what was found and what to do.
 */
export async function checkPulumiCli(location: PulumiCliLocation = {}): Promise<PulumiCliCheck> {
  const installHint = `Run \`highstate install-pulumi\` (installs Pulumi ${PINNED_PULUMI_VERSION} into "${pulumiVersionRoot(PINNED_PULUMI_VERSION, location.homeDir ?? homedir())}") or \`${officialInstallCommand(PINNED_PULUMI_VERSION)}\`.`;
  try {
    const cli = await locatePulumiCli(location);
    return {
      ok: true,
      pinnedVersion: PINNED_PULUMI_VERSION,
      command: cli.command,
      version: cli.version,
      matchesPinned: cli.pinned,
      ...(cli.pinned
        ? {}
        : {
            problem: `Pulumi ${cli.version} is installed; Highstate is tested with ${PINNED_PULUMI_VERSION}, which \`highstate install-pulumi\` installs beside it.`,
          }),
      installHint,
    };
  } catch (error) {
    return {
      ok: false,
      pinnedVersion: PINNED_PULUMI_VERSION,
      ...(error instanceof PulumiCliUnusableError ? { command: error.command } : {}),
      problem: (error as Error).message,
      installHint,
    };
  }
}

/** Options of {@link installPulumiCli}. */
export interface InstallPulumiOptions {
  /** The version to install. Default: the pinned version. */
  version?: string;
  /** The installation root. Default `~/.pulumi/versions/<version>`. */
  root?: string;
}

/**
 * Installs the pinned CLI with the Automation API's `PulumiCommand.install` (which downloads Pulumi's
 * official installer). Returns the installed CLI; throws {@link PulumiInstallError} with a clear message
 * when offline or when the installer fails.
 */
export async function installPulumiCli(options: InstallPulumiOptions = {}): Promise<PulumiCli> {
  const version = options.version ?? PINNED_PULUMI_VERSION;
  const root = options.root ?? pulumiVersionRoot(version);
  const { PulumiCommand } = await import("@pulumi/pulumi/automation/index.js");
  // The SemVer class of the copy of semver the SDK itself uses (the runner does not depend on semver).
  const semver = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi/automation/index.js"))("semver") as {
    SemVer: new (version: string) => never;
  };
  let installed: { command: string; version: { toString(): string } | null };
  try {
    installed = await PulumiCommand.install({ version: new semver.SemVer(version), root });
  } catch (error) {
    const detail = (error as Error).message.split("\n").find((line) => line.trim() !== "") ?? String(error);
    throw new PulumiInstallError(version, root, detail.trim(), { cause: error });
  }
  const reported = installed.version?.toString() ?? version;
  return { command: installed.command, version: reported, pinned: reported === PINNED_PULUMI_VERSION };
}
