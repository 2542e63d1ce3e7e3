import { setTimeout as sleep } from "node:timers/promises";
import { TalosApiError, TalosRequestError } from "./errors.js";

/** Options of {@link retryTalos}. */
export interface RetryOptions {
  /** What is being waited for, for the final error: e.g. `applying the config to "node-1"`. */
  what: string;
  /** How long to keep trying, in milliseconds. */
  timeoutMs: number;
  /** The pause between attempts, in milliseconds (default 5 s). */
  intervalMs?: number;
  /** Whether an error is worth another attempt; by default every Talos error except InvalidArgument. */
  retryable?: (error: unknown) => boolean;
}

/** Talos errors that may pass: the node is booting, rebooting, installing or not ready for the call yet. */
export function isTransientTalosError(error: unknown): boolean {
  if (!(error instanceof TalosApiError)) return false;
  if (error instanceof TalosRequestError)
    return ["FAILED_PRECONDITION", "UNAVAILABLE", "DEADLINE_EXCEEDED", "UNKNOWN", "INTERNAL", "ABORTED"].includes(error.code);
  return true;
}

/**
 * Runs a Talos API action until it succeeds, an error is not retryable, or the time is up; then the
 * last error is thrown with how long it was tried. Nodes reboot after their first config and apid
 * comes up some time later, so most calls need this.
 */
export async function retryTalos<T>(action: () => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? isTransientTalosError;
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const elapsed = Date.now() - start;
      if (!retryable(error)) throw error;
      if (elapsed + (options.intervalMs ?? 5000) > options.timeoutMs) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`Gave up ${options.what} after ${attempt} attempts in ${Math.round(elapsed / 1000)} s: ${message}`, {
          cause: error,
        });
      }
      await sleep(options.intervalMs ?? 5000);
    }
  }
}
