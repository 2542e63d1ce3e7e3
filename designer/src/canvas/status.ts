/** How an instance status reads on its card chip. */
import type { InstanceStatus } from "@highstate/project/api";

export interface StatusChip {
  /** Upper-case text, e.g. `CREATED 4/4`, `RUNNING 3/7`, `NOT CREATED`. */
  text: string;
  /** Colour family of the chip. */
  tone: "muted" | "ok" | "busy" | "error" | "warning";
  /** Longer explanation for the tooltip. */
  detail: string;
}

const operationVerb = { up: "updating", preview: "previewing", destroy: "destroying", refresh: "refreshing" } as const;

export function statusChip(status: InstanceStatus): StatusChip {
  const progress = status.progress ? ` ${status.progress.done}/${status.progress.total}` : "";
  switch (status.state) {
    case "unknown-component":
      return {
        text: "UNKNOWN COMPONENT",
        tone: "warning",
        detail: "The component's package is not installed; the instance is kept as it is.",
      };
    case "not-created":
      return { text: "NOT CREATED", tone: "muted", detail: "Not deployed yet." };
    case "pending":
      return { text: "PENDING", tone: "busy", detail: `Queued${status.operation ? ` for ${status.operation}` : ""}.` };
    case "running":
      return {
        text: `${status.operation && status.operation !== "up" ? operationVerb[status.operation].toUpperCase() : "RUNNING"}${progress}`,
        tone: "busy",
        detail: `${status.operation ? `${operationVerb[status.operation]}` : "running"}${progress ? `: ${progress.trim()} resources done` : ""}`,
      };
    case "failed":
      return { text: "FAILED", tone: "error", detail: status.error ?? "The last operation failed." };
    case "created": {
      const count = status.resourceCount ?? 0;
      if (status.outdated) {
        return {
          text: "OUTDATED",
          tone: "warning",
          detail: `Changed since the last run: ${status.outdatedReasons?.join("; ") ?? "args, secrets or inputs"}.`,
        };
      }
      return { text: `CREATED ${count}/${count}`, tone: "ok", detail: `Created with ${count} resource${count === 1 ? "" : "s"}.` };
    }
  }
}
