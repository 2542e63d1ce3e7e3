/**
 * Chooses the engine: the Automation API engine, or the fake engine when `HIGHSTATE_ENGINE=fake`
 * (the designer's end-to-end tests run the real server with it; see `fakeEngineFromEnvironment`).
 */
import { HighstateError } from "@highstate/contract";
import { AutomationEngine, type AutomationEngineOptions } from "./automation-engine.js";
import { fakeEngineFromEnvironment } from "./fake-engine.js";
import type { Engine } from "./types.js";

/** Thrown when `HIGHSTATE_ENGINE` names no engine. */
export class UnknownEngineError extends HighstateError {
  static override readonly code = "unknown-engine";
  override name = "UnknownEngineError";

  constructor(value: string) {
    super(`HIGHSTATE_ENGINE is "${value}", which is not an engine; use "pulumi" (the default) or "fake" (for tests).`);
  }
}

/**
 * The engine `HIGHSTATE_ENGINE` selects (default `pulumi`). The `pulumi` CLI is looked for on the
 * environment's `PATH` and under its `HOME` (`~/.pulumi/versions/<pinned>`).
 */
export function createEngine(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: AutomationEngineOptions = {},
): Engine {
  const name = env.HIGHSTATE_ENGINE ?? "pulumi";
  if (name === "" || name === "pulumi") {
    return new AutomationEngine({
      ...options,
      cli: { ...(env.PATH !== undefined ? { path: env.PATH } : {}), ...(env.HOME ? { homeDir: env.HOME } : {}), ...options.cli },
    });
  }
  if (name === "fake") return fakeEngineFromEnvironment(env as NodeJS.ProcessEnv);
  throw new UnknownEngineError(name);
}
