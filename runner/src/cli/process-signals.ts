/**
 * Process-level behaviour of the real `highstate` process (not of `main` run in tests): output to a
 * closed pipe (`highstate registry | head -1`) ends the process quietly instead of crashing with an
 * unhandled EPIPE and a stack trace, and SIGHUP (a closed terminal) or SIGTERM that no command
 * handles itself end it through `process.exit`, so exit handlers run and the workspace lock is released.
 * Commands that run operations or serve the designer listen to these signals themselves and cancel
 * gracefully first.
 */

const exitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGTERM: 143 };
let installed = false;

function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    // The reader went away (or the terminal did): nothing more can be shown, and that is not an error.
    if (error.code !== "EPIPE" && error.code !== "EIO") throw error;
    // While an operation or the designer winds down gracefully (it listens to SIGHUP), let it finish.
    if (process.listenerCount("SIGHUP") > 1) return;
    process.exit(process.exitCode ?? 0);
  });
}

/** Installs the handlers once per process. */
export function installProcessHandlers(): void {
  if (installed) return;
  installed = true;
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  for (const [signal, code] of Object.entries(exitCodes) as Array<[NodeJS.Signals, number]>) {
    const fallback = () => {
      // Another listener (a running operation, the designer) handles it gracefully.
      if (process.listenerCount(signal) > 1) return;
      process.exit(code);
    };
    process.on(signal, fallback);
  }
}
