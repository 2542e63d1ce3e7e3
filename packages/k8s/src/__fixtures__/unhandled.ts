/**
 * An error thrown inside a Pulumi `apply` (for example when a secret fails validation) rejects the
 * stack output, which fails the run, and also several internal promises of the Output that nobody
 * awaits. Pulumi's runtime reports those through its own `unhandledRejection` handler; under vitest
 * they would count as unexpected errors. This helper runs `task` with the rejections captured and
 * returns them, so a test can assert on the failure instead.
 */
export async function withCapturedRejections<T>(task: () => Promise<T>): Promise<{ result?: T; error?: unknown; rejections: unknown[] }> {
  const saved = process.listeners("unhandledRejection");
  const rejections: unknown[] = [];
  const collect = (reason: unknown) => {
    rejections.push(reason);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", collect);
  try {
    const result = await task();
    return { result, rejections };
  } catch (error) {
    return { error, rejections };
  } finally {
    // Let the Output machinery settle so late rejections land here too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off("unhandledRejection", collect);
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
}

/** Runs `task`, expects it to fail, and returns the error (every captured rejection must be the same kind of failure). */
export async function expectFailure(task: () => Promise<unknown>): Promise<Error> {
  const { error, rejections } = await withCapturedRejections(task);
  if (error === undefined) throw new Error(`Expected the run to fail, but it succeeded${rejections.length > 0 ? ` with ${rejections.length} unhandled rejections` : ""}`);
  for (const rejection of rejections) {
    if ((rejection as Error)?.message !== (error as Error).message && !(error as Error).message.includes((rejection as Error)?.message ?? "\0")) {
      throw new Error(`An unrelated unhandled rejection happened during the run: ${String((rejection as Error)?.stack ?? rejection)}`);
    }
  }
  return error as Error;
}
