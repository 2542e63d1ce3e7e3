/**
 * Registry benchmark. Prints, for the plugin packages installed in this repository (linked into a
 * throw-away workspace) and for a synthetic workspace of many third-party packages:
 * - cold: discovery, importing every definitions module (first import in this process) and building
 *   the registry JSON, then writing the cache;
 * - from cache: discovery and reading the cache (what every later start pays; nothing is imported);
 * and the discovery walk over this repository's whole node_modules.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { linkContract } from "../src/registry/__fixtures__/plugin-workspace.js";
import { discoverPluginPackages } from "../src/registry/discover.js";
import { loadWorkspaceRegistry } from "../src/registry/workspace-registry.js";

const repoRoot = resolve(import.meta.dirname, "../..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await task();
  return { ms: performance.now() - start, value };
}

async function measure(label: string, workspace: string): Promise<void> {
  const cold = await timed(() => loadWorkspaceRegistry(workspace));
  if (cold.value.fromCache) throw new Error("the cold run found a cache");
  const warm: number[] = [];
  for (let round = 0; round < 15; round += 1) {
    const run = await timed(() => loadWorkspaceRegistry(workspace));
    if (!run.value.fromCache) throw new Error(`the warm run missed the cache: ${JSON.stringify(run.value.problems)}`);
    warm.push(run.ms);
  }
  const registry = cold.value.registry;
  console.log(
    `registry ${label}: ${cold.value.packages.length} packages, ${Object.keys(registry.components).length} components, ${Object.keys(registry.entities).length} entities, ${cold.value.problems.length} problems`,
  );
  console.log(`  cold (discover + import + build + write cache): ${cold.ms.toFixed(1).padStart(7)} ms`);
  console.log(`  from cache (discover + read cache):             ${median(warm).toFixed(1).padStart(7)} ms (median of ${warm.length})`);
}

/** A workspace whose node_modules links every plugin package installed in this repository. */
async function installedWorkspace(dir: string): Promise<string[]> {
  const found = await discoverPluginPackages(repoRoot);
  await mkdir(join(dir, "node_modules", "@highstate"), { recursive: true });
  await mkdir(join(dir, "projects"));
  for (const pkg of found.packages) await symlink(pkg.realDir, join(dir, "node_modules", ...pkg.name.split("/")), "dir");
  return found.packages.map((pkg) => `${pkg.name}@${pkg.version}`);
}

/** A workspace with `count` unscoped third-party packages of `components` components each. */
async function syntheticWorkspace(dir: string, count: number, components: number): Promise<void> {
  await mkdir(join(dir, "projects"), { recursive: true });
  await linkContract(join(dir, "node_modules"));
  for (let index = 0; index < count; index += 1) {
    const name = `bench-plugin-${index}`;
    const pkgDir = join(dir, "node_modules", name);
    await mkdir(join(pkgDir, "dist"), { recursive: true });
    await writeFile(
      join(pkgDir, "package.json"),
      JSON.stringify({ name, version: "1.0.0", type: "module", highstate: { definitions: "./dist/index.js" } }),
    );
    const lines = ['import { defineComponent, defineEntity, z } from "@highstate/contract";'];
    lines.push(
      `export const item = defineEntity({ type: "bench${index}.item.v1", schema: z.object({ host: z.string(), port: z.number().int() }), meta: { title: "Item" } });`,
    );
    for (let component = 0; component < components; component += 1) {
      lines.push(
        `export const c${component} = defineComponent({ type: "bench${index}.c${component}.v1", args: { size: z.number().int().default(1), label: z.string().optional(), tags: z.array(z.string()).default([]) }, secrets: { token: z.string().optional() }, inputs: { source: { entity: item, required: false, multiple: true } }, outputs: { item }, meta: { title: "Component ${component}" }, source: { package: "${name}", path: "c${component}" } });`,
      );
    }
    await writeFile(join(pkgDir, "dist", "index.js"), `${lines.join("\n")}\n`);
  }
}

export async function runRegistryBench(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "highstate-registry-bench-"));
  try {
    const discovery = await timed(() => discoverPluginPackages(repoRoot));
    console.log(
      `discovery over this repository's node_modules: ${discovery.value.scannedPackages} package folders read in ${discovery.ms.toFixed(1)} ms, ${discovery.value.packages.length} plugin packages`,
    );
    const installed = join(root, "installed");
    const names = await installedWorkspace(installed);
    await measure(`of the installed packages (${names.join(", ") || "none built"})`, installed);
    const synthetic = join(root, "synthetic");
    await syntheticWorkspace(synthetic, 50, 8);
    await measure("of a synthetic workspace (50 packages × 8 components)", synthetic);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runRegistryBench();
