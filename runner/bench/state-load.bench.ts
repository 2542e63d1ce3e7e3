/**
 * Instance state loading benchmark: `InstanceStateStore.getAll()` over 500 and 5,000 state files (one
 * per instance, as `.highstate/instances/<project>/<uid>.json`), which every `highstate plan` and every
 * operation start pays before planning. Prints the median of several loads of each size.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { InstanceStateStore } from "../src/workspace/instance-state.js";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A workspace with `count` instance states like those a successful `up` records. */
async function workspaceWithStates(count: number): Promise<{ root: string; store: InstanceStateStore }> {
  const root = await mkdtemp(join(tmpdir(), "highstate-state-bench-"));
  const store = new InstanceStateStore(root, "bench");
  await mkdir(dirname(store.file("u000000000")), { recursive: true });
  const time = new Date(Date.UTC(2026, 0, 1)).toISOString();
  for (let index = 0; index < count; index += 1) {
    const uid = `u${String(index).padStart(9, "0")}`;
    const state = {
      version: 1,
      uid,
      instanceId: `bench.node.v1:n${index}`,
      status: "created",
      resourceCount: 3,
      outputs: { out: { value: `value of ${index}` } },
      outputHashes: { out: `sha256:${index.toString(16).padStart(64, "0")}` },
      log: [{ operation: "up", result: "succeeded", startedAt: time, finishedAt: time }],
    };
    await writeFile(store.file(uid), `${JSON.stringify(state, null, 2)}\n`);
  }
  return { root, store };
}

export async function runStateLoadBench(): Promise<void> {
  for (const count of [500, 5_000]) {
    const { root, store } = await workspaceWithStates(count);
    try {
      const times: number[] = [];
      for (let round = 0; round < 7; round += 1) {
        const start = performance.now();
        const states = await store.getAll();
        times.push(performance.now() - start);
        if (Object.keys(states).length !== count) throw new Error(`loaded ${Object.keys(states).length} states, expected ${count}`);
      }
      console.log(
        `load ${String(count).padStart(5)} instance states: ${median(times).toFixed(1).padStart(6)} ms median, ${Math.min(...times)
          .toFixed(1)
          .padStart(6)} ms min`,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStateLoadBench();
