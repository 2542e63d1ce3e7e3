/**
 * `highstate designer`: serves the designer for the workspace until Ctrl+C. The server (and so
 * everything it loads) is imported only when this command runs.
 */
import type { CommandContext, CommandSpec } from "../command.js";
import { CliError, UsageError } from "../errors.js";
import { requireWorkspace } from "../workspace.js";

/** The port tried when `--port` is not given; a free one is used when it is taken. */
export const defaultDesignerPort = 3000;

function parsePort(value: string | boolean | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535 (0 picks a free port), not "${text}"`, "designer");
  return Number(text);
}

/**
 * Resolves on the first SIGINT/SIGTERM/SIGHUP; `onAgain` is called for later ones with how many came so far.
 * While installed, the signals no longer end the process by themselves.
 */
function untilSignal(onAgain: (count: number) => void): { stopped: Promise<NodeJS.Signals>; dispose(): void } {
  let first: ((signal: NodeJS.Signals) => void) | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    first = resolve;
  });
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) first!(signal);
    else onAgain(count);
  };
  // A closed terminal (SIGHUP) stops the server as cleanly as Ctrl+C: sockets closed, lock released.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, handler);
  return {
    stopped,
    dispose() {
      for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, handler);
    },
  };
}

const command: CommandSpec = {
  name: "designer",
  summary: "Serve the designer for this workspace (prints a URL with an access token)",
  description: [
    "Starts the designer server for the workspace and prints the URL to open, with a random access token; nothing is opened for you. The workspace is locked while the server runs, so CLI commands that change it wait for you to stop it.",
    "",
    `It listens on 127.0.0.1:${defaultDesignerPort} (or a free port when that one is taken). Listening on another address needs --allow-remote: anyone who can reach the address and has the URL can read and run your infrastructure, so prefer an SSH tunnel (ssh -L ${defaultDesignerPort}:127.0.0.1:${defaultDesignerPort} host).`,
    "",
    "Ctrl+C stops it: running operations are cancelled gracefully (Pulumi finishes the steps in flight and unlocks the stacks), then the lock is released. Press Ctrl+C again to stop the operations at once.",
  ].join("\n"),
  options: {
    port: {
      type: "string",
      short: "p",
      valueName: "<n>",
      description: `Port to listen on (default ${defaultDesignerPort}, or a free one when it is taken; 0 for any free port)`,
    },
    host: { type: "string", valueName: "<address>", description: "Address to listen on (default 127.0.0.1)" },
    "allow-remote": { type: "boolean", description: "Allow listening on an address other machines can reach" },
  },
  async run(context: CommandContext) {
    const workspace = await requireWorkspace(context);
    const explicitPort = parsePort(context.values.port);
    const host = typeof context.values.host === "string" ? context.values.host : "127.0.0.1";
    const allowRemote = context.values["allow-remote"] === true;
    const [{ startDesignerServer }, { RemoteAccessNotAllowedError, ListenError }, { isLoopbackHost }, { createEngine }] = await Promise.all(
      [
        import("../../server/designer-server.js"),
        import("../../server/errors.js"),
        import("../../server/security.js"),
        import("../../engine/create-engine.js"),
      ],
    );
    const start = (port: number) => startDesignerServer({ workspace, host, port, allowRemote, engine: createEngine(context.io.env) });
    let server: Awaited<ReturnType<typeof start>> | undefined;
    // Listening for Ctrl+C from before the start, so one pressed while starting still stops cleanly.
    const signals = untilSignal((count) => {
      if (count === 2) {
        context.note("Stopping the running operations at once (Ctrl+C once more to quit without waiting)…");
        void server?.close({ force: true });
      } else {
        context.note("Quitting without waiting; stacks of interrupted runs are unlocked by the next run.");
        process.exit(130);
      }
    });
    try {
      try {
        try {
          server = await start(explicitPort ?? defaultDesignerPort);
        } catch (error) {
          const inUse = error instanceof ListenError && (error.cause as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
          if (explicitPort !== undefined || !inUse) throw error;
          context.note(`Port ${defaultDesignerPort} is in use; using a free port instead.`);
          server = await start(0);
        }
      } catch (error) {
        if (error instanceof RemoteAccessNotAllowedError || error instanceof ListenError)
          throw new CliError(error.message, 1, { cause: error });
        throw error;
      }
      const running = server;
      if (!isLoopbackHost(host)) {
        context.note(
          `Warning: the designer listens on ${host}, which other machines can reach. Anyone with the URL below can read and run your infrastructure; it is served over plain HTTP. Prefer --host 127.0.0.1 with an SSH tunnel.`,
        );
      }
      context.print(`Highstate designer for "${workspace}"`);
      context.print(`Open ${running.url}`);
      context.print("Press Ctrl+C to stop.");
      void running.registry().then(
        (registry) => {
          for (const problem of registry.problems)
            context.note(`${problem.severity === "error" ? "Error" : "Warning"}: ${problem.message}`);
        },
        (error: unknown) => context.note(`Error: the installed components could not be listed: ${(error as Error).message}`),
      );
      await signals.stopped;
      const active = running.orchestrator.list().filter((operation) => operation.finishedAt === undefined).length;
      context.note(
        active > 0
          ? `Stopping: cancelling ${active} running operation${active > 1 ? "s" : ""} (press Ctrl+C again to stop ${active > 1 ? "them" : "it"} at once)…`
          : "Stopping…",
      );
      await running.close();
      context.note("Stopped; the workspace lock is released.");
      return 0;
    } finally {
      signals.dispose();
      await server?.close({ force: true });
    }
  },
};

export default command;
