/** Transient messages in the bottom-right corner; errors stay until dismissed. */

import { UiIcon } from "../icons/Icon.js";
import { Observable, useObservable } from "../state/store.js";

export interface Toast {
  id: number;
  kind: "info" | "success" | "error";
  title: string;
  detail?: string;
  /** A button in the toast that does what the message suggests (the toast closes when it is pressed). */
  action?: { label: string; run: () => void };
}

export const toasts = new Observable<Toast[]>([]);
let nextId = 1;

/** Shows a message; info and success messages disappear after a few seconds. */
export function toast(kind: Toast["kind"], title: string, detail?: string, action?: Toast["action"]): void {
  const id = nextId++;
  toasts.update((list) => [...list.slice(-4), { id, kind, title, ...(detail ? { detail } : {}), ...(action ? { action } : {}) }]);
  if (kind !== "error") setTimeout(() => dismissToast(id), 5000);
}

/** Shows an error with its message. */
export function toastError(title: string, error: unknown): void {
  toast("error", title, error instanceof Error ? error.message : String(error));
}

export function dismissToast(id: number): void {
  toasts.update((list) => list.filter((item) => item.id !== id));
}

export function Toasts() {
  const list = useObservable(toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((item) => (
        <div key={item.id} className={`toast toast-${item.kind}`} role={item.kind === "error" ? "alert" : undefined}>
          <div className="toast-text">
            <strong>{item.title}</strong>
            {item.detail && <div className="toast-detail">{item.detail}</div>}
            {item.action && (
              <button
                type="button"
                className="button small toast-action"
                onClick={() => {
                  dismissToast(item.id);
                  item.action!.run();
                }}
              >
                {item.action.label}
              </button>
            )}
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(item.id)}>
            <UiIcon name="close" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
