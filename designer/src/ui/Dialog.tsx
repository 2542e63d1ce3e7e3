/**
 * A modal dialog on the native `<dialog>` element: focus moves into it and stays there, Escape closes
 * it, and focus returns to where it was.
 */
import { type ReactNode, useEffect, useRef } from "react";
import { UiIcon } from "../icons/Icon.js";

export function Dialog({
  title,
  onClose,
  children,
  footer,
  wide,
  labelledBy,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current!;
    const previous = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const autofocus =
      dialog.querySelector<HTMLElement>("[data-autofocus]") ??
      dialog.querySelector<HTMLElement>("input, select, textarea, button:not(.dialog-close)");
    autofocus?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      previous?.focus?.();
    };
  }, []);
  const titleId = labelledBy ?? "dialog-title";
  return (
    <dialog ref={ref} className={`dialog${wide ? " dialog-wide" : ""}`} aria-labelledby={titleId}>
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button dialog-close" aria-label="Close" onClick={onClose}>
          <UiIcon name="close" />
        </button>
      </header>
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-footer">{footer}</footer>}
    </dialog>
  );
}

/** The buttons under a dialog's form: Cancel, and the submit button (disabled while it cannot submit). */
export function FormButtons({ onCancel, submitLabel, disabled }: { onCancel: () => void; submitLabel: ReactNode; disabled?: boolean }) {
  return (
    <div className="dialog-footer inline">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="button button-primary" disabled={disabled}>
        {submitLabel}
      </button>
    </div>
  );
}

/** The one button under a dialog whose changes apply as they are made. */
export function DoneButton({ onClose }: { onClose: () => void }) {
  return (
    <div className="dialog-footer inline">
      <button type="button" className="button" onClick={onClose} data-autofocus>
        Done
      </button>
    </div>
  );
}

/** Asks for confirmation of a destructive action. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={`button ${danger ? "button-danger" : "button-primary"}`}
            data-autofocus
            onClick={() => {
              onConfirm();
              onClose();
            }}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-message">{message}</div>
    </Dialog>
  );
}
