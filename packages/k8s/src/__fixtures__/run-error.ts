/** Awaits a run that must fail and returns its error, so a test can assert on the name and message. */
export async function runError(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error("Expected the run to fail, but it succeeded");
}
