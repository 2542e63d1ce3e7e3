#!/usr/bin/env node
/**
 * `npm run release`: builds every package, checks each one's packed file list against what its
 * package.json points at, runs publint, and publishes every public workspace package whose version is
 * not on the registry yet, dependencies first. The registry is whatever npm is configured with (the
 * `registry` setting, `.npmrc`, `npm_config_registry`), so the same command publishes to the public
 * registry or to a private one. Versions come from changesets: run `npx changeset version` first.
 *
 *   npm run release [-- --dry-run] [--skip-build] [--no-publint] [--cwd <repository>]
 *
 * Exit codes: 0 published (or nothing to publish), 1 a check or a publish failed, 2 usage error.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

class ReleaseError extends Error {}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Workspace folders matched by the root package.json `workspaces` (`dir/*` and plain folders). */
function workspaceFolders(root) {
  const patterns = readJson(join(root, "package.json")).workspaces ?? [];
  const folders = [];
  for (const pattern of patterns) {
    if (pattern.endsWith("/*")) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory() && existsSync(join(parent, entry.name, "package.json"))) folders.push(join(parent, entry.name));
      }
    } else if (existsSync(join(root, pattern, "package.json"))) folders.push(join(root, pattern));
  }
  return folders;
}

/** Every file a package.json points at: main, types, bin, the `highstate` definitions, and export targets. */
export function referencedFiles(pkg) {
  const files = new Set();
  const add = (value) => {
    if (typeof value === "string" && value.startsWith("./") && !value.includes("*")) files.add(value.slice(2));
  };
  const walk = (value) => {
    if (typeof value === "string") add(value);
    else if (value && typeof value === "object") for (const nested of Object.values(value)) walk(nested);
  };
  for (const field of ["main", "module", "types", "typings"])
    if (typeof pkg[field] === "string") add(pkg[field].startsWith("./") ? pkg[field] : `./${pkg[field]}`);
  if (typeof pkg.bin === "string") add(pkg.bin.startsWith("./") ? pkg.bin : `./${pkg.bin}`);
  else if (pkg.bin) for (const path of Object.values(pkg.bin)) add(path.startsWith("./") ? path : `./${path}`);
  if (pkg.highstate?.definitions) add(pkg.highstate.definitions);
  walk(pkg.exports);
  return [...files].sort();
}

/** Checks that `npm pack` would ship every file the package.json of `dir` points at. */
async function checkPackedFiles(dir, pkg) {
  const output = await new Promise((resolvePromise, reject) => {
    execFile(
      "npm",
      ["pack", "--dry-run", "--json", "--ignore-scripts"],
      { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new ReleaseError(`\`npm pack --dry-run\` failed for "${pkg.name}": ${stderr.trim()}`));
        else resolvePromise(stdout);
      },
    );
  });
  const packed = new Set(JSON.parse(output)[0].files.map((file) => file.path));
  const missing = referencedFiles(pkg).filter((file) => !packed.has(file));
  if (missing.length > 0) {
    throw new ReleaseError(
      `"${pkg.name}@${pkg.version}" would be published without ${missing.map((file) => `"${file}"`).join(", ")}, which its package.json points at. ` +
        `Build it (\`npm run build\`) or fix "files"/"exports" in "${join(dir, "package.json")}".`,
    );
  }
}

/** Orders packages so that each comes after the workspace packages it depends on. */
function dependencyOrder(packages) {
  const byName = new Map(packages.map((entry) => [entry.pkg.name, entry]));
  const ordered = [];
  const state = new Map();
  const visit = (entry) => {
    if (state.get(entry.pkg.name) === "done") return;
    if (state.get(entry.pkg.name) === "visiting") return; // a cycle: publish in folder order
    state.set(entry.pkg.name, "visiting");
    const { dependencies = {}, peerDependencies = {}, optionalDependencies = {} } = entry.pkg;
    for (const name of Object.keys({ ...dependencies, ...peerDependencies, ...optionalDependencies }).sort()) {
      const dependency = byName.get(name);
      if (dependency) visit(dependency);
    }
    state.set(entry.pkg.name, "done");
    ordered.push(entry);
  };
  for (const entry of packages) visit(entry);
  return ordered;
}

/** Whether `name@version` is on the registry npm is configured with (asked with `npm view`, so scopes and auth apply). */
function isPublished(name, version, cwd) {
  return new Promise((resolvePromise, reject) => {
    execFile("npm", ["view", `${name}@${version}`, "version", "--json"], { cwd, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) resolvePromise(stdout.trim() !== "");
      else if (/E404|404 Not Found|is not in this registry/.test(stderr)) resolvePromise(false);
      else
        reject(
          new ReleaseError(
            `Cannot ask the registry whether "${name}@${version}" is published: ${stderr.trim().split("\n").slice(-3).join(" ")}`,
          ),
        );
    });
  });
}

/** publint's command line, resolved from this script so it also works for a repository given with --cwd. */
function publintCli() {
  return join(dirname(createRequire(import.meta.url).resolve("publint/package.json")), "src/cli.js");
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (result.status !== 0)
    throw new ReleaseError(`\`${[command, ...args].join(" ")}\` failed in "${cwd}" (exit code ${result.status ?? result.signal}).`);
}

async function main() {
  let options;
  try {
    options = parseArgs({
      options: {
        "dry-run": { type: "boolean", default: false },
        "skip-build": { type: "boolean", default: false },
        "no-publint": { type: "boolean", default: false },
        cwd: { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(
      `${error.message.split(". ")[0]}. Usage: npm run release [-- --dry-run] [--skip-build] [--no-publint] [--cwd <repository>]`,
    );
    return 2;
  }
  const root = resolve(options.cwd ?? process.cwd());
  const dryRun = options["dry-run"];
  try {
    if (!options["skip-build"]) run("npx", ["turbo", "run", "build"], root);
    const packages = workspaceFolders(root)
      .map((dir) => ({ dir, pkg: readJson(join(dir, "package.json")) }))
      .filter(({ pkg }) => pkg.private !== true);
    if (packages.length === 0) throw new ReleaseError(`No public workspace packages in "${root}".`);
    await Promise.all(packages.map(({ dir, pkg }) => checkPackedFiles(dir, pkg)));
    if (!options["no-publint"]) for (const { dir } of packages) run(process.execPath, [publintCli(), "--strict"], dir);
    const published = [];
    const skipped = [];
    const ordered = dependencyOrder(packages);
    const onRegistry = await Promise.all(ordered.map(({ dir, pkg }) => isPublished(pkg.name, pkg.version, dir)));
    for (const [index, { dir, pkg }] of ordered.entries()) {
      if (onRegistry[index]) {
        skipped.push(`${pkg.name}@${pkg.version}`);
        continue;
      }
      run("npm", ["publish", "--access", "public", "--ignore-scripts", ...(dryRun ? ["--dry-run"] : [])], dir);
      published.push(`${pkg.name}@${pkg.version}`);
    }
    console.log(
      `\n${dryRun ? "Would publish" : "Published"} ${published.length} package${published.length === 1 ? "" : "s"}${published.length ? `: ${published.join(", ")}` : ""}.`,
    );
    if (skipped.length > 0) console.log(`Already on the registry: ${skipped.join(", ")}.`);
    return 0;
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error;
    console.error(`Release stopped: ${error.message}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
