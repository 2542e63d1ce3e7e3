/** A temp dir with a data volume, hooks, credentials and a local rclone remote, for running the kit's scripts for real. */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach } from "vitest";
import { kitScriptsDir } from "../scripts.js";

export function missingTools(): string[] {
  return ["restic", "rclone"].filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0);
}

export const missing = missingTools();
if (missing.length > 0)
  console.warn(`Skipping the backup script tests: ${missing.join(" and ")} not on PATH (install Debian's restic and rclone).`);

export interface Sandbox {
  root: string;
  data: string;
  hooks: string;
  repository: string;
  env: Record<string, string>;
}

const sandboxes: string[] = [];
afterEach(() => {
  for (const dir of sandboxes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function sandbox(password = "correct horse battery staple"): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "restic-kit-"));
  sandboxes.push(root);
  const data = join(root, "data");
  const hooks = join(root, "hooks");
  mkdirSync(data);
  mkdirSync(hooks);
  const credentials = join(root, "credentials");
  mkdirSync(credentials);
  writeFileSync(join(credentials, "rclone.conf"), "[store]\ntype = local\n", { mode: 0o400 });
  writeFileSync(join(credentials, "password"), password, { mode: 0o400 });
  chmodSync(credentials, 0o500);
  const repository = join(root, "remote", "apps", "db");
  return {
    root,
    data,
    hooks,
    repository,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: root,
      TMPDIR: root,
      RESTIC_REPOSITORY: `rclone:store:${repository}`,
      RESTIC_PASSWORD_FILE: join(credentials, "password"),
      RCLONE_CONFIG: join(credentials, "rclone.conf"),
      RESTIC_CACHE_DIR: join(root, "cache"),
      RESTIC_HOST: "db",
      DATA_DIR: data,
      HOOKS_DIR: hooks,
      LOCK_RETRIES: "2",
      LOCK_RETRY_SECONDS: "0",
    },
  };
}

export interface ScriptResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export function runScript(name: "backup.sh" | "restore.sh", env: Record<string, string>): ScriptResult {
  const result = spawnSync("sh", [join(kitScriptsDir(), name)], { env, encoding: "utf8" });
  return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}` };
}

export function restic(box: Sandbox, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("restic", args, {
    env: { ...box.env, RESTIC_PASSWORD_FILE: box.env.RESTIC_PASSWORD_FILE!, ...env },
    encoding: "utf8",
  });
}

export function snapshots(box: Sandbox): Array<{ id: string; hostname: string }> {
  return JSON.parse(restic(box, ["snapshots", "--json", "--no-lock"])) as Array<{ id: string; hostname: string }>;
}

export function hook(box: Sandbox, name: string, body: string): void {
  writeFileSync(join(box.hooks, `${name}.sh`), `set -eu\n${body}\n`);
}

/** Every entry of a tree: type, mode, content or link target, keyed by relative path. */
export function tree(dir: string, skip: string[] = [".highstate-restore"]): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const key = relative(dir, path);
      if (skip.includes(key)) continue;
      const stat = lstatSync(path);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) entries[key] = `link ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        entries[key] = `dir ${mode}`;
        walk(path);
      } else entries[key] = `file ${mode} ${readFileSync(path).toString("base64")}`;
    }
  };
  walk(dir);
  return entries;
}

export function fillData(data: string): void {
  mkdirSync(join(data, "base", "16384"), { recursive: true });
  writeFileSync(join(data, "base", "16384", "1259"), randomBytes(300_000));
  writeFileSync(join(data, "PG_VERSION"), "17\n");
  writeFileSync(join(data, ".hidden"), "dot file\n", { mode: 0o600 });
  writeFileSync(join(data, "empty"), "");
  writeFileSync(join(data, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
  symlinkSync("PG_VERSION", join(data, "version-link"));
}

export function wipe(data: string): void {
  for (const name of readdirSync(data)) rmSync(join(data, name), { recursive: true, force: true });
}

export { kitScriptsDir };
