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

/** The drift marker of a card: shown while the last drift check (`highstate drift`) found drift that still stands. */
export interface DriftMarker {
  /** Short text, e.g. `DRIFT 2`. */
  text: string;
  /** The drifted resources and when they were checked, for the tooltip (property names only). */
  detail: string;
}

export function driftMarker(status: InstanceStatus): DriftMarker | undefined {
  const resources = status.drift?.resources ?? [];
  if (resources.length === 0 || status.state === "running" || status.state === "pending") return undefined;
  const lines = resources.map((resource) =>
    resource.change === "deleted"
      ? `${resource.type} ${resource.name}: no longer exists`
      : `${resource.type} ${resource.name}${resource.properties.length > 0 ? `: ${resource.properties.join(", ")}` : ""}`,
  );
  return {
    text: `DRIFT ${resources.length}`,
    detail: [
      `${resources.length} resource${resources.length === 1 ? " differs" : "s differ"} from the state (checked ${status.drift!.checkedAt}):`,
      ...lines,
      "Up puts them back as the state says; refresh takes the real values into the state.",
    ].join("\n"),
  };
}
