/**
 * Designer start-up: from spawning `highstate designer` (the built CLI, as users run it) to the first
 * `200` of `GET /api/registry`, in a workspace with every first-party component package installed.
 * Cold runs start without the registry cache (every definitions module is imported); warm runs start
 * from the cache written by the previous run. Target: cold < 1.5 s.
 *
 * Run: `npm run bench -w @highstate/runner` (or `npx tsx --conditions=@highstate/source bench/designer-startup.bench.ts`).
 * Builds the runner, the contract and any component package whose `dist` is missing or older than its
 * source first, so the figures are for the code as it is.
 */
import { rm } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { bin, buildWhatIsStale, makeWorkspace, repoPackages, startDesigner, stopDesigner } from "./bench-workspace.js";

const runs = Number(process.env.BENCH_RUNS ?? 5);

function get(port: number, path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

interface Sample {
  url: number;
  registry: number;
  components: number;
}

async function measure(workspace: string): Promise<Sample> {
  const started = performance.now();
  const { child, port, token } = await startDesigner(workspace);
  try {
    const urlAt = performance.now() - started;
    const response = await get(port, "/api/registry", token);
    const registryAt = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET /api/registry → ${response.status}: ${response.body}`);
    const components = Object.keys((JSON.parse(response.body) as { components: object }).components).length;
    return { url: urlAt, registry: registryAt, components };
  } finally {
    await stopDesigner(child);
  }
}

function summarise(label: string, samples: Sample[]): void {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)]!;
  const registry = samples.map((sample) => sample.registry);
  const url = samples.map((sample) => sample.url);
  console.log(
    `${label.padEnd(28)} first 200 of /api/registry: median ${median(registry).toFixed(0)} ms (min ${sorted(registry)[0]!.toFixed(0)}, max ${sorted(registry).at(-1)!.toFixed(0)});` +
      ` URL printed after median ${median(url).toFixed(0)} ms`,
  );
}

const packages = repoPackages();
buildWhatIsStale(packages);
const workspace = await makeWorkspace(packages, "designer");
try {
  const plugins = packages.filter((pkg) => pkg.plugin).map((pkg) => pkg.name);
  console.log(
    `workspace with ${packages.length} @highstate packages installed, ${plugins.length} of them component packages (${plugins.join(", ")})`,
  );
  console.log(`node ${process.version}, ${runs} runs each, built CLI (${bin})`);
  const cold: Sample[] = [];
  const warm: Sample[] = [];
  for (let index = 0; index < runs; index++) {
    await rm(join(workspace, ".highstate", "cache"), { recursive: true, force: true });
    cold.push(await measure(workspace));
  }
  for (let index = 0; index < runs; index++) warm.push(await measure(workspace));
  console.log(`registry: ${cold[0]!.components} components`);
  summarise("cold (no registry cache)", cold);
  summarise("warm (registry cache)", warm);
  const coldMedian = [...cold.map((sample) => sample.registry)].sort((a, b) => a - b)[Math.floor(cold.length / 2)]!;
  console.log(`target cold < 1500 ms: ${coldMedian < 1500 ? "met" : "NOT met"}`);
} finally {
  await rm(workspace, { recursive: true, force: true });
}
