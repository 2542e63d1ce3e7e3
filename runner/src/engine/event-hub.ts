/**
 * The orchestrator's event stream. Its events are exactly the `ServerEvent` variants the designer
 * consumes (`operation`, `instance-status`, `engine-event`), so the designer server forwards them as
 * they are and the CLI renders progress from the same stream.
 */
import type { ServerEvent } from "./types.js";

/** An event of the orchestrator. */
export type OrchestratorEvent = Extract<ServerEvent, { type: "operation" | "instance-status" | "engine-event" }>;

/** A listener; exceptions it throws are reported on stderr and never reach the orchestrator. */
export type OrchestratorListener = (event: OrchestratorEvent) => void;

/** A minimal synchronous publish/subscribe hub. */
export class EventHub {
  private readonly listeners = new Set<OrchestratorListener>();

  /** Subscribes; returns the function that unsubscribes. */
  subscribe(listener: OrchestratorListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The number of subscribers. */
  get size(): number {
    return this.listeners.size;
  }

  /** Delivers an event to every subscriber. */
  emit(event: OrchestratorEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        process.stderr.write(`highstate: an event listener failed: ${(error as Error).message}\n`);
      }
    }
  }
}
