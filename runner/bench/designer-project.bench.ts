/**
 * The designer server with a large project: `highstate designer` (the built CLI, fake engine) on a
 * project of 5,000 instances with a state each. Times what the designer does on every change: the
 * project snapshot (project, statuses from a plan, problems, status fields: about 2 MB of JSON), one
 * `move` mutation (validated, saved atomically, answered with a new snapshot), and the plan. Medians
 * over several rounds after a first one that loads everything.
 */
import { rm } from "node:fs/promises";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { buildWhatIsStale, makeWorkspace, repoPackages, startDesigner, stopDesigner, writeLargeProject } from "./bench-workspace.js";

const rounds = Number(process.env.BENCH_RUNS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function call(port: number, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function timed(task: () => Promise<{ status: number; body: string }>): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const response = await task();
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  return { ms, body: response.body };
}

const count = 5_000;
buildWhatIsStale(repoPackages());
const workspace = await makeWorkspace(repoPackages(), "designer-project");
try {
  await writeLargeProject(workspace, "large", count);
  const { child, port, token } = await startDesigner(workspace, { ...process.env, HIGHSTATE_ENGINE: "fake" });
  try {
    const times = { snapshot: [] as number[], move: [] as number[], plan: [] as number[] };
    let size = 0;
    for (let round = 0; round <= rounds; round += 1) {
      const snapshot = await timed(() => call(port, token, "GET", "/api/projects/large"));
      const { revision } = JSON.parse(snapshot.body) as { revision: number };
      const mutation = { revision, mutations: [{ op: "move", nodeId: "common.ssh-key-pair.v1:k1", position: { x: round * 10, y: 5 } }] };
      const move = await timed(() => call(port, token, "POST", "/api/projects/large/mutations", mutation));
      const plan = await timed(() => call(port, token, "GET", "/api/projects/large/plan"));
      size = snapshot.body.length;
      if (round === 0) continue; // the first round loads the registry, the project and every state
      times.snapshot.push(snapshot.ms);
      times.move.push(move.ms);
      times.plan.push(plan.ms);
    }
    console.log(`designer server, project of ${count} instances, median of ${rounds} rounds:`);
    console.log(`  snapshot (${(size / 1e6).toFixed(1)} MB):  ${median(times.snapshot).toFixed(0).padStart(4)} ms`);
    console.log(`  move one instance:      ${median(times.move).toFixed(0).padStart(4)} ms (validate, save, new snapshot)`);
    console.log(`  plan:                   ${median(times.plan).toFixed(0).padStart(4)} ms`);
  } finally {
    await stopDesigner(child);
  }
} finally {
  await rm(workspace, { recursive: true, force: true });
}
