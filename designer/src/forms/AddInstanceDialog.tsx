/**
 * Adds an instance: asks for its name (checked as the user types: allowed characters, unique per
 * component) and for the args the component requires that have no default.
 */
import type { RegistryComponent } from "@highstate/contract";
import { useId, useMemo, useState } from "react";
import { instanceNameProblem, suggestInstanceName } from "../model/names.js";
import type { ProjectStore } from "../state/project-store.js";
import { Dialog, FormButtons } from "../ui/Dialog.js";
import { MarkdownText } from "../ui/Markdown.js";
import { SchemaFields } from "./SchemaForm.js";
import { pruneUndefined, type Schema, validateValue } from "./schema.js";
import { argErrorFromServer } from "./server-errors.js";

/** The part of an args schema the user must fill in before the instance can exist. */
export function requiredArgsSchema(component: RegistryComponent): Schema {
  const schema = component.args as Schema;
  const required = (schema.required ?? []).filter((name) => schema.properties?.[name] && schema.properties[name]!.default === undefined);
  return { ...schema, properties: Object.fromEntries(required.map((name) => [name, schema.properties![name]!])), required };
}

export function AddInstanceDialog({
  store,
  component,
  position,
  onClose,
  onAdded,
}: {
  store: ProjectStore;
  component: RegistryComponent;
  position: { x: number; y: number };
  onClose: () => void;
  /** Called with the new instance id once the server has it. */
  onAdded?: (instanceId: string) => void;
}) {
  const id = useId();
  const [name, setName] = useState(() => suggestInstanceName(store.project, component.type, component.meta.title));
  const [args, setArgs] = useState<Record<string, unknown>>({});
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const schema = useMemo(() => requiredArgsSchema(component), [component]);
  const hasArgs = Object.keys(schema.properties ?? {}).length > 0;
  const nameProblem = instanceNameProblem(store.project, component.type, name);
  const argErrors = useMemo(() => validateValue(pruneUndefined(args), schema, component.args as Schema), [args, schema, component]);
  const shownArgErrors = {
    ...serverErrors,
    ...(attempted ? argErrors : Object.fromEntries(Object.entries(argErrors).filter(([, message]) => message !== "is required"))),
  };
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (nameProblem || Object.keys(argErrors).length > 0) return;
    setBusy(true);
    setFormError(undefined);
    try {
      await store.mutate(
        [{ op: "add-instance", type: component.type, name, position, ...(hasArgs ? { args: pruneUndefined(args) } : {}) }],
        { label: `add ${name}` },
      );
      onClose();
      onAdded?.(`${component.type}:${name}`);
    } catch (error) {
      const inline = argErrorFromServer(error);
      if (inline) setServerErrors(inline);
      else setFormError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`New ${component.meta.title}`} onClose={onClose} wide={hasArgs}>
      <form className="form" onSubmit={submit} noValidate>
        {component.meta.description && (
          <div className="muted description">
            <MarkdownText text={component.meta.description} />
          </div>
        )}
        <div className="field">
          <label htmlFor={id}>Instance name</label>
          <input
            id={id}
            value={name}
            onChange={(event) => setName(event.target.value)}
            onFocus={(event) => event.currentTarget.select()}
            autoComplete="off"
            spellCheck={false}
            maxLength={80}
            data-autofocus
            aria-invalid={nameProblem ? true : undefined}
            aria-describedby={`${id}-help`}
          />
          <div id={`${id}-help`} className={nameProblem ? "field-error" : "field-help"} role={nameProblem ? "alert" : undefined}>
            {nameProblem ??
              "Lower-case letters, digits and dashes, starting with a letter; at most 63 characters; unique among instances of this component."}
          </div>
        </div>
        {hasArgs && (
          <>
            <h3 className="form-section">Required args</h3>
            <SchemaFields
              schema={schema}
              root={component.args as Schema}
              value={args}
              errors={shownArgErrors}
              onChange={(next) => {
                setArgs(next);
                setServerErrors({});
              }}
            />
          </>
        )}
        {formError && (
          <div className="form-error" role="alert">
            {formError}
          </div>
        )}
        <FormButtons onCancel={onClose} submitLabel="Add" disabled={busy || nameProblem !== undefined} />
      </form>
    </Dialog>
  );
}
