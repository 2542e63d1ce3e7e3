/** Asks for a name (of a new or renamed instance, or a new hub) and checks it as the user types. */
import { useId, useState } from "react";
import { Dialog, FormButtons } from "../ui/Dialog.js";

export function NameDialog({
  title,
  initial,
  check,
  confirmLabel,
  onSubmit,
  onClose,
  help,
  label = "Instance name",
}: {
  title: string;
  /** The field's label: what is being named. */
  label?: string;
  initial: string;
  /** Returns why the name cannot be used, or `undefined`. */
  check: (name: string) => string | undefined;
  confirmLabel: string;
  onSubmit: (name: string) => Promise<void> | void;
  onClose: () => void;
  help?: string;
}) {
  const id = useId();
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const problem = check(name);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      await onSubmit(name);
      onClose();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const shown = error ?? (name !== initial || name.length === 0 ? problem : undefined);
  return (
    <Dialog title={title} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setError(undefined);
            }}
            onFocus={(event) => event.currentTarget.select()}
            autoComplete="off"
            spellCheck={false}
            maxLength={80}
            data-autofocus
            aria-invalid={shown ? true : undefined}
            aria-describedby={`${id}-help`}
          />
          <div id={`${id}-help`} className={shown ? "field-error" : "field-help"} role={shown ? "alert" : undefined}>
            {shown ??
              help ??
              "Lower-case letters, digits and dashes, starting with a letter; at most 63 characters; unique among instances of this component."}
          </div>
        </div>
        <FormButtons onCancel={onClose} submitLabel={confirmLabel} disabled={busy || problem !== undefined} />
      </form>
    </Dialog>
  );
}
