/**
 * Fuzz test of reading damaged workspace files: thousands of random mutations of a valid project file
 * and a valid `Pulumi.<project>.yaml`. Each one is either read without losing anything, or refused
 * with an `UnreadableFileError` naming the file — never another error (a crash with a stack trace) —
 * and a refused file is never rewritten by a following save.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sortKeysDeep } from "../fs/canonical.js";
import { UnreadableFileError } from "../fs/errors.js";
import { ProjectSecrets } from "../secrets/project-secrets.js";
import { parseSecretsFile, serializeSecretsFile } from "../secrets/secrets-file.js";
import { testdir } from "../test-utils/testdir.js";
import { sampleProject } from "./__fixtures__/projects.js";
import { serializeProject } from "./project-file.js";
import { ProjectStore } from "./project-store.js";

/** A small seeded generator (mulberry32), so a failure can be reproduced from its case number. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = Buffer.from("{}[]\",:\\ \n\t0123456789-.eEabcdefnrtulsxyz#&*!|>'");

/** One random damage: bytes flipped, removed, inserted or duplicated, lines repeated or swapped, and the classic traps. */
function mutate(source: Buffer, next: () => number): Buffer {
  const pick = (n: number) => Math.floor(next() * n);
  const at = pick(source.length + 1);
  const lines = source.toString("latin1").split("\n");
  const line = pick(lines.length);
  const latin1 = (text: string) => Buffer.from(text, "latin1");
  switch (pick(12)) {
    case 0: {
      const copy = Buffer.from(source);
      copy[Math.min(at, copy.length - 1)] = pick(256);
      return copy;
    }
    case 1:
      return Buffer.concat([source.subarray(0, at), source.subarray(Math.min(source.length, at + 1 + pick(20)))]);
    case 2:
      return Buffer.concat([source.subarray(0, at), Buffer.from([alphabet[pick(alphabet.length)]!]), source.subarray(at)]);
    case 3:
      return source.subarray(0, at);
    case 4:
      lines.splice(line, 0, lines[line]!);
      return latin1(lines.join("\n"));
    case 5: {
      const other = pick(lines.length);
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return latin1(lines.join("\n"));
    }
    case 6:
      // Invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong form or an encoded surrogate.
      return Buffer.concat([
        source.subarray(0, at),
        Buffer.from([[0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]][pick(5)]!),
        source.subarray(at),
      ]);
    case 7:
      return Buffer.concat([
        source.subarray(0, at),
        Buffer.from(["\\ud800", "\\udfff", "\\ud83d", "\\u0000"][pick(4)]!),
        source.subarray(at),
      ]);
    case 8: {
      const depth = [100, 129, 1000, 20_000][pick(4)]!;
      return Buffer.concat([source.subarray(0, at), Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`), source.subarray(at)]);
    }
    case 9:
      // A key repeated: copy a "key": or key: line just after itself, with another value.
      lines.splice(line + 1, 0, lines[line]!.replace(/(:\s*).*$/, "$1[]"));
      return latin1(lines.join("\n"));
    case 10:
      return Buffer.concat([
        source.subarray(0, at),
        Buffer.from(['"__proto__": 1, ', "__proto__: 1\n", "1e400", "123456789012345678901", "&a [x]", "*a"][pick(6)]!),
        source.subarray(at),
      ]);
    default: {
      let copy = source;
      for (let round = 0; round < 3; round++) copy = mutate(copy, next);
      return copy;
    }
  }
}

/** A project document with every default filled in and lists sorted, to compare two readings of it. */
function normalized(document: unknown): unknown {
  const project = structuredClone(document) as { instances?: Array<Record<string, unknown>>; hubs?: Array<Record<string, unknown>> };
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => (String(a.id) < String(b.id) ? -1 : 1);
  project.instances = (project.instances ?? [])
    .map((instance) => {
      const inputs = Object.fromEntries(
        Object.entries((instance.inputs ?? {}) as Record<string, unknown[]>).filter(([, refs]) => refs.length > 0),
      );
      return { args: {}, injectionInputs: [], position: { x: 0, y: 0 }, ...instance, inputs };
    })
    .sort(byId);
  project.hubs = (project.hubs ?? []).map((hub) => ({ inputs: [], injectionInputs: [], position: { x: 0, y: 0 }, ...hub })).sort(byId);
  return sortKeysDeep(project);
}

function expectNamedRefusal(error: unknown, file: string, label: string): void {
  if (!(error instanceof UnreadableFileError))
    throw new Error(`${label}: expected an UnreadableFileError, got ${String((error as Error)?.stack ?? error)}`);
  expect(error.message, label).toContain(`Cannot read "${file}"`);
}

describe("damaged workspace files (fuzz)", () => {
  it("reads 1,000 damaged project files without loss or refuses them naming the file, and never rewrites a refused one", async () => {
    const dir = await testdir();
    const store = new ProjectStore(dir);
    const file = store.paths.projectFile("fuzz");
    const valid = Buffer.from(serializeProject(sampleProject()));
    const next = random(20261204);
    const outcomes = { read: 0, refused: 0 };
    for (let index = 0; index < 1000; index++) {
      const damaged = mutate(valid, next);
      const label = `case ${index}: ${JSON.stringify(damaged.toString("latin1").slice(0, 400))}`;
      await store.create("fuzz").catch(() => undefined);
      await writeFile(file, damaged);
      let loaded: Awaited<ReturnType<ProjectStore["load"]>> | undefined;
      try {
        loaded = await store.load("fuzz");
      } catch (error) {
        expectNamedRefusal(error, file, label);
      }
      if (loaded) {
        outcomes.read += 1;
        // Read means read whole: the saved form holds exactly what the file held.
        const original = JSON.parse(damaged.toString("utf8").replace(/^\uFEFF/, ""));
        expect(normalized(JSON.parse(serializeProject(loaded))), label).toEqual(normalized(original));
      } else {
        outcomes.refused += 1;
        await expect(store.save("fuzz", sampleProject()), label).rejects.toBeInstanceOf(UnreadableFileError);
        expect(Buffer.compare(await readFile(file), damaged), label).toBe(0);
      }
    }
    // Both paths were exercised many times.
    expect(outcomes.read).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(500);
  }, 120_000);

  it("reads 1,000 damaged Pulumi.<project>.yaml files without loss or refuses them naming the file, and never rewrites a refused one", async () => {
    const dir = await testdir();
    const file = join(dir, "Pulumi.fuzz.yaml");
    const secrets = await ProjectSecrets.open(file);
    await secrets.create("fuzz password");
    await secrets.set("common.existing-server.v1:web", "sshPassword", "hunter2");
    await secrets.set("databases.postgresql.v1:main", "rootPassword", "s3cret");
    // Other config keys beside ours, as a user's `pulumi config set` adds them.
    const valid = Buffer.from(
      (await readFile(file, "utf8")).replace("config:\n", "config:\n  app:list:\n    - 1\n    - two\n  aws:region: eu-west-1\n"),
    );
    const next = random(4122026);
    const outcomes = { read: 0, refused: 0 };
    for (let index = 0; index < 1000; index++) {
      const damaged = mutate(valid, next);
      const label = `case ${index}: ${JSON.stringify(damaged.toString("latin1").slice(0, 400))}`;
      await writeFile(file, damaged);
      let opened: ProjectSecrets | undefined;
      try {
        opened = await ProjectSecrets.open(file);
      } catch (error) {
        expectNamedRefusal(error, file, label);
      }
      if (opened) {
        outcomes.read += 1;
        const content = parseSecretsFile(damaged.toString("utf8"), file);
        const text = serializeSecretsFile(content);
        if (text !== "") expect(parseSecretsFile(text, file), label).toEqual(content);
      } else {
        outcomes.refused += 1;
        expect(Buffer.compare(await readFile(file), damaged), label).toBe(0);
      }
    }
    expect(outcomes.read).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(300);
  }, 120_000);
});
