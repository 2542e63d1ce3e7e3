/**
 * Test helper: installs the fake `pulumi` executable (./fake-pulumi.cjs) into a bin dir and reads back
 * what it recorded (argv, env, cwd and the files it saw in the cwd, per invocation).
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One invocation of the fake CLI. */
export interface FakePulumiRecord {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  files: Record<string, string>;
}

/** A fake CLI installation. */
export interface FakePulumi {
  /** The bin dir holding the `pulumi` executable (put it first on PATH). */
  binDir: string;
  /** Every recorded invocation so far. */
  records(): Promise<FakePulumiRecord[]>;
  /** The raw text of the record file (for "appears nowhere" greps). */
  rawRecords(): Promise<string>;
}

/** Writes `<dir>/bin/pulumi`, an executable that runs the fake CLI, optionally reporting another version. */
export async function installFakePulumi(dir: string, options: { version?: string } = {}): Promise<FakePulumi> {
  const binDir = join(dir, "bin");
  await mkdir(binDir, { recursive: true });
  const script = join(import.meta.dirname, "fake-pulumi.cjs");
  const lines = [`#!${process.execPath}`];
  if (options.version) lines.push(`process.env.FAKE_PULUMI_VERSION = ${JSON.stringify(options.version)};`);
  lines.push(`require(${JSON.stringify(script)});`, "");
  const executable = join(binDir, "pulumi");
  await writeFile(executable, lines.join("\n"));
  await chmod(executable, 0o755);
  const recordsFile = join(binDir, "records.jsonl");
  const rawRecords = async () => {
    try {
      return await readFile(recordsFile, "utf8");
    } catch {
      return "";
    }
  };
  return {
    binDir,
    rawRecords,
    async records() {
      return (await rawRecords())
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as FakePulumiRecord);
    },
  };
}
