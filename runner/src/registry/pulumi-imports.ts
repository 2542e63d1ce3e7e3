/**
 * Finds the definitions modules that load Pulumi. The runner's own process has Pulumi loaded already,
 * so the modules are imported in one fresh Node process whose resolve hook records every import edge
 * (ESM and CommonJS); a Pulumi module reachable from a definitions module is reported with the chain
 * of modules that pulled it in.
 */
import { execFile } from "node:child_process";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { PluginPackage } from "./discover.js";

const marker = "HIGHSTATE_IMPORT_EDGES:";

// Runs in the child. `registerHooks` (Node >= 22.15) sees every resolution, also of modules that
// are cached already, so each definitions module's own edges are recorded even when another package
// loaded the same modules before it.
const childScript = `
import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";
const edges = new Set();
const roots = [];
const hooked = typeof registerHooks === "function";
if (hooked) {
  registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      edges.add(JSON.stringify([context.parentURL ?? "", result.url]));
      return result;
    },
  });
  for (const file of JSON.parse(process.env.HIGHSTATE_DEFINITIONS_FILES)) {
    const url = pathToFileURL(file).href;
    roots.push(url);
    try { await import(url); } catch {}
  }
}
process.stdout.write(${JSON.stringify(marker)} + JSON.stringify({ hooked, roots, edges: [...edges].map((edge) => JSON.parse(edge)) }) + "\\n");
`;

const isPulumi = (url: string) => /[\\/]node_modules[\\/]@pulumi[\\/]/.test(url) || url.startsWith("node:@pulumi/");

/** Shows a module URL short: from its last `node_modules/` on, or relative to its package's directory. */
function displayName(url: string, packages: readonly PluginPackage[]): string {
  const path = url.startsWith("file:") ? fileURLToPath(url.split("?")[0]!) : url;
  const at = path.lastIndexOf(`${sep}node_modules${sep}`);
  if (at >= 0)
    return path
      .slice(at + "/node_modules/".length)
      .split(sep)
      .join("/");
  const owner = packages.find((pkg) => path.startsWith(pkg.realDir + sep));
  return owner
    ? `${owner.name}/${path
        .slice(owner.realDir.length + 1)
        .split(sep)
        .join("/")}`
    : path;
}

function childArgs(): string[] {
  // Keep the export conditions the runner runs with, so the child resolves packages the same way.
  const conditions: string[] = [];
  const argv = process.execArgv;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg.startsWith("--conditions=") || arg.startsWith("-C=")) conditions.push(arg);
    else if ((arg === "--conditions" || arg === "-C") && argv[index + 1] !== undefined) conditions.push(`--conditions=${argv[++index]}`);
  }
  return [...conditions, "--input-type=module", "--eval", childScript];
}

/**
 * Imports the definitions module of every package in one fresh Node process and returns, for each
 * package whose definitions load a Pulumi module (`@pulumi/*`), the chain of modules from its
 * definitions module to the first Pulumi module (short names). Packages that fail to import are left
 * to the in-process import, which reports them. Returns an empty map on a Node without
 * `module.registerHooks` (before 22.15), where the check cannot see imports.
 */
export async function definitionsPulumiChains(packages: readonly PluginPackage[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (packages.length === 0) return found;
  const stdout = await new Promise<string>((resolve) => {
    execFile(
      process.execPath,
      childArgs(),
      {
        env: { ...process.env, NODE_OPTIONS: "", HIGHSTATE_DEFINITIONS_FILES: JSON.stringify(packages.map((pkg) => pkg.definitionsFile)) },
        maxBuffer: 256 * 1024 * 1024,
      },
      // A child that crashed says nothing about Pulumi; the in-process import reports broken modules.
      (_error, out) => resolve(String(out ?? "")),
    );
  });
  const line = stdout.split("\n").find((candidate) => candidate.startsWith(marker));
  if (line === undefined) return found;
  const { hooked, roots, edges } = JSON.parse(line.slice(marker.length)) as {
    hooked: boolean;
    roots: string[];
    edges: Array<[string, string]>;
  };
  if (!hooked) return found;
  const children = new Map<string, string[]>();
  for (const [parent, child] of edges) {
    if (parent === child) continue;
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  for (const [index, pkg] of packages.entries()) {
    const root = roots[index];
    if (root === undefined) continue;
    // Breadth first, so the reported chain is a shortest one.
    const previous = new Map<string, string>([[root, ""]]);
    const queue = [root];
    let hit: string | undefined;
    for (let at = 0; at < queue.length && hit === undefined; at++) {
      for (const next of children.get(queue[at]!) ?? []) {
        if (previous.has(next)) continue;
        previous.set(next, queue[at]!);
        if (isPulumi(next)) {
          hit = next;
          break;
        }
        queue.push(next);
      }
    }
    if (hit === undefined) continue;
    const chain: string[] = [];
    for (let url: string = hit; url !== ""; url = previous.get(url)!) chain.unshift(displayName(url, packages));
    found.set(pkg.name, chain);
  }
  return found;
}
