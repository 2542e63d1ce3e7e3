import { describe, expect, it } from "vitest";
import { runSchedule, Semaphore } from "./scheduler.js";

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe("runSchedule", () => {
  it("starts a task as soon as its own dependencies succeed, not layer by layer", async () => {
    const log: string[] = [];
    // a → c (fast chain), b slow and independent: c must not wait for b.
    const results = await runSchedule({
      order: ["a", "b", "c"],
      dependsOn: new Map([["c", ["a"]]]),
      parallelism: 3,
      run: async (id) => {
        log.push(`start ${id}`);
        await tick(id === "b" ? 60 : 5);
        log.push(`end ${id}`);
        return "succeeded";
      },
    });
    expect([...results]).toEqual([
      ["a", "succeeded"],
      ["c", "succeeded"],
      ["b", "succeeded"],
    ]);
    expect(log.indexOf("start c")).toBeLessThan(log.indexOf("end b"));
  });

  it("skips every transitive dependent of a failure, naming the failed task as the cause, and keeps siblings running", async () => {
    const skipped: Array<[string, string | undefined]> = [];
    const results = await runSchedule({
      order: ["a", "b", "c", "d"],
      dependsOn: new Map([
        ["b", ["a"]],
        ["c", ["b"]],
      ]),
      parallelism: 1,
      run: async (id) => (id === "a" ? "failed" : "succeeded"),
      onSettledWithoutRun: (id, result, cause) => {
        if (result === "skipped") skipped.push([id, cause]);
      },
    });
    expect(Object.fromEntries(results)).toEqual({ a: "failed", b: "skipped", c: "skipped", d: "succeeded" });
    expect(skipped).toEqual([
      ["b", "a"],
      ["c", "a"],
    ]);
  });

  it("treats a thrown task as failed and cancels what has not started", async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const results = await runSchedule({
      order: ["a", "b", "c"],
      dependsOn: new Map(),
      parallelism: 1,
      signal: controller.signal,
      run: async (id) => {
        started.push(id);
        controller.abort();
        throw new Error("boom");
      },
    });
    expect(started).toEqual(["a"]);
    expect(Object.fromEntries(results)).toEqual({ a: "failed", b: "cancelled", c: "cancelled" });
  });
});

describe("Semaphore", () => {
  it("admits at most its limit, in FIFO order, and gives up waiting on abort", async () => {
    const semaphore = new Semaphore(2);
    const first = (await semaphore.acquire())!;
    const second = (await semaphore.acquire())!;
    const order: string[] = [];
    const third = semaphore.acquire().then((release) => {
      order.push("third");
      return release;
    });
    const controller = new AbortController();
    const abandoned = semaphore.acquire(controller.signal);
    const fourth = semaphore.acquire().then((release) => {
      order.push("fourth");
      return release;
    });
    expect(semaphore.active).toBe(2);
    controller.abort();
    expect(await abandoned).toBeUndefined();
    first();
    first();
    (await third)!();
    second();
    (await fourth)!();
    expect(order).toEqual(["third", "fourth"]);
    expect(semaphore.active).toBe(0);
  });
});
