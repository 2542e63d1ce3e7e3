/** Edits an instance's args with a form generated from its component's JSON Schema. */
import { useMemo, useState } from "react";
import type { ProjectStore } from "../state/project-store.js";
import { Dialog, FormButtons } from "../ui/Dialog.js";
import { MarkdownText } from "../ui/Markdown.js";
import { toastError } from "../ui/toasts.js";
import { SchemaFields } from "./SchemaForm.js";
import { pruneUndefined, type Schema, validateValue } from "./schema.js";
import { argErrorFromServer } from "./server-errors.js";

export function ArgsDialog({ store, instanceId, onClose }: { store: ProjectStore; instanceId: string; onClose: () => void }) {
  const view = store.views.get(instanceId);
  const [value, setValue] = useState<Record<string, unknown>>(() => structuredClone(view?.instance.args ?? {}));
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>(() => argProblems(store, instanceId));
  const [busy, setBusy] = useState(false);
  const schema = (view?.component?.args ?? {}) as Schema;
  const localErrors = useMemo(() => validateValue(pruneUndefined(value), schema, schema), [value, schema]);
  if (!view) return null;
  const title = view.component?.meta.title ?? view.instance.type;
  // Required-field errors appear after the first save attempt; wrong values show at once.
  const shownLocal = attempted
    ? localErrors
    : Object.fromEntries(Object.entries(localErrors).filter(([, message]) => message !== "is required"));
  const errors = { ...serverErrors, ...shownLocal };
  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.keys(localErrors).length > 0) {
      document.querySelector<HTMLElement>(".dialog [aria-invalid=true]")?.focus();
      return;
    }
    setBusy(true);
    try {
      await store.mutate([{ op: "set-args", instanceId, args: pruneUndefined(value) }], { label: `edit args of ${view.instance.name}` });
      const remaining = argProblems(store, instanceId);
      if (Object.keys(remaining).length > 0) setServerErrors(remaining);
      else onClose();
    } catch (caught) {
      const inline = argErrorFromServer(caught);
      if (inline) setServerErrors(inline);
      else toastError(`The args of "${view.instance.name}" were not saved`, caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`${title} “${view.instance.name}” — args`} onClose={onClose} wide>
      <form className="form" onSubmit={save} noValidate>
        {view.component?.meta.description && (
          <div className="muted description">
            <MarkdownText text={view.component.meta.description} />
          </div>
        )}
        <SchemaFields
          schema={schema}
          root={schema}
          value={value}
          errors={errors}
          onChange={(next) => {
            setValue(next);
            setServerErrors({});
          }}
        />
        <FormButtons onCancel={onClose} submitLabel={busy ? "Saving…" : "Save args"} disabled={busy} />
      </form>
    </Dialog>
  );
}

/** Arg problems the server reported for an instance, keyed by arg path. */
function argProblems(store: ProjectStore, instanceId: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of store.views.get(instanceId)?.problems ?? []) {
    if (problem.code !== "invalid-arg" || !problem.arg) continue;
    const prefix = `arg "${problem.arg}" of "${instanceId}": `;
    errors[problem.arg] = problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message;
  }
  return errors;
}
