/**
 * Runs a dependency graph of tasks with a parallelism limit. A task starts as soon as everything it
 * depends on succeeded (not layer by layer, so a slow task only holds back its own dependents); a
 * failed task stops its dependents (they are skipped), never its siblings; a cancelled schedule starts
 * nothing new and reports the tasks that never started as cancelled.
 */

/** How one task ended. */
export type TaskResult = "succeeded" | "failed" | "skipped" | "cancelled";

/** Options of {@link runSchedule}. */
export interface ScheduleOptions {
  /** Task ids in preferred start order (ties between ready tasks are broken by this order). */
  order: readonly string[];
  /** Task id → the task ids it waits for (ids outside `order` are ignored). */
  dependsOn: ReadonlyMap<string, readonly string[]>;
  /** At most this many tasks run at once (at least 1). */
  parallelism: number;
  /** Runs one task; resolves with its outcome (a rejection counts as failed). */
  run: (id: string) => Promise<"succeeded" | "failed" | "cancelled">;
  /** Aborted to stop starting tasks. */
  signal?: AbortSignal;
  /** Called when a task is settled without running (skipped because of `cause`, or cancelled). */
  onSettledWithoutRun?: (id: string, result: "skipped" | "cancelled", cause?: string) => void;
}

/** Runs the schedule; resolves when every task is settled, with each task's result. */
export function runSchedule(options: ScheduleOptions): Promise<Map<string, TaskResult>> {
  const { order, run, signal } = options;
  const parallelism = Math.max(1, Math.floor(options.parallelism));
  const members = new Set(order);
  const rank = new Map(order.map((id, index) => [id, index]));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of order) {
    const deps = [...new Set(options.dependsOn.get(id) ?? [])].filter((dep) => members.has(dep) && dep !== id);
    waitingOn.set(id, deps.length);
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(id);
      else dependents.set(dep, [id]);
    }
  }
  const results = new Map<string, TaskResult>();
  // Ready tasks, kept sorted by rank; the schedule is small enough for sorted insertion.
  const ready: string[] = order.filter((id) => waitingOn.get(id) === 0);
  let running = 0;

  return new Promise((resolve) => {
    const settleWithoutRun = (id: string, result: "skipped" | "cancelled", cause?: string) => {
      if (results.has(id)) return;
      results.set(id, result);
      options.onSettledWithoutRun?.(id, result, cause);
    };
    const skipDependents = (id: string) => {
      const stack = [...(dependents.get(id) ?? [])];
      while (stack.length > 0) {
        const next = stack.pop()!;
        if (results.has(next)) continue;
        settleWithoutRun(next, "skipped", id);
        stack.push(...(dependents.get(next) ?? []));
      }
    };
    const insertReady = (id: string) => {
      const position = rank.get(id)!;
      let index = ready.length;
      while (index > 0 && rank.get(ready[index - 1]!)! > position) index--;
      ready.splice(index, 0, id);
    };
    const finishIfDone = () => {
      if (running > 0) return;
      if (signal?.aborted || ready.length === 0) {
        for (const id of order) settleWithoutRun(id, "cancelled");
        resolve(results);
      }
    };
    const pump = () => {
      while (!signal?.aborted && running < parallelism && ready.length > 0) {
        const id = ready.shift()!;
        if (results.has(id)) continue;
        running++;
        void Promise.resolve()
          .then(() => run(id))
          .catch(() => "failed" as const)
          .then((result) => {
            running--;
            results.set(id, result);
            if (result === "succeeded") {
              for (const dependent of dependents.get(id) ?? []) {
                const left = waitingOn.get(dependent)! - 1;
                waitingOn.set(dependent, left);
                if (left === 0 && !results.has(dependent)) insertReady(dependent);
              }
            } else if (!signal?.aborted) {
              // After a cancel the dependents are reported as cancelled, not skipped.
              skipDependents(id);
            }
            pump();
            finishIfDone();
          });
      }
    };
    signal?.addEventListener("abort", () => finishIfDone(), { once: true });
    pump();
    finishIfDone();
  });
}

/**
 * A counting semaphore with a FIFO queue: at most `limit` holders at once. `acquire` resolves with the
 * release function, or with `undefined` when `signal` aborts while waiting.
 */
export class Semaphore {
  private holders = 0;
  private readonly queue: Array<(release: (() => void) | undefined) => void> = [];

  constructor(private readonly limit: number) {}

  /** Holders right now. */
  get active(): number {
    return this.holders;
  }

  acquire(signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    if (this.holders < this.limit) {
      this.holders++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const waiter = (release: (() => void) | undefined) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(release);
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        resolve(undefined);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next(this.releaser());
      else this.holders--;
    };
  }
}
