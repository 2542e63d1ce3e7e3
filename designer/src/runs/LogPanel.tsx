/** The log of one instance: stored entries, then live engine events; errors stand out; running operations can be cancelled. */
import type { OperationInfo } from "@highstate/project/api";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { statusChip } from "../canvas/status.js";
import type { DockPanelProps } from "../dock/dock-store.js";
import { keys, type LogLine } from "../state/project-store.js";
import { useKeyed } from "../state/store.js";
import { toast, toastError } from "../ui/toasts.js";

const shown = 2000;

export function LogPanel({ panel, store, active }: DockPanelProps) {
  const instanceId = panel.instanceId;
  const lines = useKeyed(store.emitter, keys.logs(instanceId), () => store.logs.get(instanceId));
  const view = useKeyed(store.emitter, keys.instance(instanceId), () => store.views.get(instanceId));
  const operations = useKeyed(store.emitter, keys.operations, () => store.operations);
  const [error, setError] = useState<string>();
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    store.loadLogs(instanceId).catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, [store, instanceId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new lines (or showing the tab) are the reason to scroll.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && stick.current && active) element.scrollTop = element.scrollHeight;
  }, [lines, active]);
  const running = [...operations.values()].filter(
    (operation: OperationInfo) =>
      (operation.state === "running" || operation.state === "cancelling") && operation.instanceIds.includes(instanceId),
  );
  const chip = view ? statusChip(view.status) : undefined;
  const cancel = async (operation: OperationInfo) => {
    try {
      await store.api.cancelOperation(operation.id, operation.state === "cancelling");
      toast(
        "info",
        operation.state === "cancelling" ? "Stopping the operation now" : "Cancelling the operation",
        `${operation.type} of ${operation.instanceIds.length} instance(s)`,
      );
    } catch (caught) {
      toastError("The operation could not be cancelled", caught);
    }
  };
  const visible = lines ? lines.slice(-shown) : [];
  return (
    <div className="log-panel">
      <div className="log-toolbar">
        {chip && (
          <span className={`status-chip tone-${chip.tone}`} title={chip.detail}>
            {chip.text}
          </span>
        )}
        <span className="muted log-instance">{instanceId}</span>
        <span className="dock-spacer" />
        {running.map((operation) => (
          <button key={operation.id} type="button" className="button button-danger small" onClick={() => cancel(operation)}>
            {operation.state === "cancelling" ? "Force stop" : `Cancel ${operation.type}`}
          </button>
        ))}
      </div>
      {view?.status.state === "failed" && view.status.error && (
        <div className="log-error" role="alert">
          <strong>Failed:</strong> {view.status.error}
        </div>
      )}
      <div
        className="log-lines"
        ref={scroller}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users must be able to focus it to scroll.
        tabIndex={0}
        role="log"
        aria-label={`Log of ${instanceId}`}
        onScroll={(event) => {
          const element = event.currentTarget;
          stick.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 24;
        }}
      >
        {error && <div className="log-line level-error">Could not load the stored log: {error}</div>}
        {visible.length === 0 && !error && <div className="muted">No log yet. Run the instance to see its events here.</div>}
        {visible.map((line: LogLine, index: number) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows at the end; lines have no identity of their own.
          <div key={`${line.time}:${index}`} className={`log-line level-${line.level}`}>
            <time dateTime={line.time}>{line.time.slice(11, 19)}</time>
            <span className="log-text">{line.text}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
