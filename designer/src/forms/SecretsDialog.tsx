/**
 * Sets, replaces or clears an instance's secrets. It shows which secrets are set but never their
 * values, unless the user asks to reveal one.
 */
import { useId, useState } from "react";
import { fieldTitle } from "../canvas/layout.js";
import { UiIcon } from "../icons/Icon.js";
import { keys, type ProjectStore } from "../state/project-store.js";
import { useKeyed } from "../state/store.js";
import { Dialog, DoneButton } from "../ui/Dialog.js";
import { MarkdownText } from "../ui/Markdown.js";
import { toast, toastError } from "../ui/toasts.js";
import { CodeEditor } from "./CodeEditor.js";
import { fieldInfo, type Schema, validateValue } from "./schema.js";

export function SecretsDialog({ store, instanceId, onClose }: { store: ProjectStore; instanceId: string; onClose: () => void }) {
  const view = useKeyed(store.emitter, keys.instance(instanceId), () => store.views.get(instanceId));
  const [secretsSet, setSecretsSet] = useState<string[]>(() => view?.secrets ?? []);
  const schema = (view?.component?.secrets ?? {}) as Schema;
  const properties = Object.entries(schema.properties ?? {});
  if (!view) return null;
  return (
    <Dialog title={`Secrets of “${view.instance.name}”`} onClose={onClose} wide>
      <p className="muted">
        Secrets are encrypted with the project password and stored in Pulumi.{store.name}.yaml; they are never shown unless you reveal them.
      </p>
      {!store.snapshot.unlocked && <div className="notice notice-warning">The project is locked: unlock it to change secrets.</div>}
      {properties.length === 0 && <p className="muted">This component has no secrets.</p>}
      <div className="secret-list">
        {properties.map(([name, property]) => (
          <SecretRow
            key={name}
            store={store}
            instanceId={instanceId}
            name={name}
            schema={property}
            root={schema}
            required={schema.required?.includes(name) ?? false}
            isSet={secretsSet.includes(name)}
            onChanged={setSecretsSet}
          />
        ))}
      </div>
      <DoneButton onClose={onClose} />
    </Dialog>
  );
}

function SecretRow({
  store,
  instanceId,
  name,
  schema,
  root,
  required,
  isSet,
  onChanged,
}: {
  store: ProjectStore;
  instanceId: string;
  name: string;
  schema: Schema;
  root: Schema;
  required: boolean;
  isSet: boolean;
  onChanged: (names: string[]) => void;
}) {
  const id = useId();
  const info = fieldInfo(schema, root);
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState("");
  const [revealed, setRevealed] = useState<string>();
  const [askPassword, setAskPassword] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const label = fieldTitle(name, info.schema);
  // Keys, certificates and configs are multi-line even when the schema does not say so.
  const multiline =
    info.kind === "code" || info.kind === "text" || info.kind === "json" || /(privatekey|certificate|kubeconfig|pem|config)$/i.test(name);
  const apply = async (change: { set?: Record<string, string>; clear?: string[] }, done: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await store.api.setSecrets(store.name, instanceId, change);
      onChanged(result.secrets);
      await store.reload();
      setEditing(false);
      setValue("");
      setRevealed(undefined);
      toast("success", done);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const save = () => {
    let text = value;
    if (info.kind === "number" || info.kind === "integer" || info.kind === "boolean") text = value.trim();
    const parsed = info.kind === "number" || info.kind === "integer" ? Number(text) : info.kind === "boolean" ? text === "true" : text;
    const problems = validateValue(parsed, schema, root);
    if (problems[""]) {
      setError(`${label} ${problems[""]}`);
      return;
    }
    void apply({ set: { [name]: text } }, `Secret "${label}" saved`);
  };
  const reveal = async (password?: string) => {
    try {
      setRevealed((await store.api.revealSecret(store.name, instanceId, name, password)).value);
      setAskPassword(false);
      setPassword("");
      setError(undefined);
    } catch (caught) {
      const code = (caught as { code?: string }).code;
      if (code === "password-required" || code === "incorrect-password") {
        // Showing plaintext asks for the project password again (unless entered within the last minute).
        setAskPassword(true);
        setError(code === "incorrect-password" ? "The password is not correct." : undefined);
        return;
      }
      toastError(`Secret "${label}" could not be revealed`, caught);
    }
  };
  return (
    <div className="secret-row">
      <div className="secret-head">
        <div>
          <strong>{label}</strong>
          {required && <span className="required"> *</span>} <code className="field-name">{name}</code>
          {typeof info.schema.description === "string" && (
            <div className="field-help">
              <MarkdownText text={info.schema.description} />
            </div>
          )}
        </div>
        <span className={`pill ${isSet ? "pill-ok" : ""}`} data-testid={`secret-state-${name}`}>
          {isSet ? "set" : "not set"}
        </span>
      </div>
      {askPassword && revealed === undefined && (
        <form
          className="secret-edit"
          onSubmit={(event) => {
            event.preventDefault();
            if (password !== "") void reveal(password);
          }}
        >
          <label htmlFor={`${id}-password`}>Project password (needed to reveal {label})</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            data-autofocus
          />
          <div className="secret-actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                setAskPassword(false);
                setPassword("");
                setError(undefined);
              }}
            >
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={password === ""}>
              Reveal with password
            </button>
          </div>
        </form>
      )}
      {revealed !== undefined && (
        <div className="secret-revealed">
          <textarea
            readOnly
            aria-label={`Value of ${label}`}
            value={revealed}
            rows={Math.min(8, revealed.split("\n").length)}
            spellCheck={false}
          />
          <button type="button" className="button small" onClick={() => setRevealed(undefined)}>
            <UiIcon name="eye-off" size={14} /> Hide
          </button>
        </div>
      )}
      {editing ? (
        <div className="secret-edit">
          <label htmlFor={id} className="visually-hidden">
            New value of {label}
          </label>
          {multiline ? (
            <CodeEditor id={id} value={value} onChange={setValue} language={info.language} />
          ) : (
            <input
              id={id}
              type="password"
              autoComplete="off"
              value={value}
              onChange={(event) => setValue(event.target.value)}
              data-autofocus
              onKeyDown={(event) => {
                if (event.key !== "Enter") return;
                event.preventDefault();
                save();
              }}
            />
          )}
          <div className="secret-actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(false);
                setValue("");
                setError(undefined);
              }}
            >
              Cancel
            </button>
            <button type="button" className="button button-primary" disabled={busy} onClick={save}>
              Save secret
            </button>
          </div>
        </div>
      ) : (
        <div className="secret-actions">
          <button type="button" className="button small" disabled={!store.snapshot.unlocked} onClick={() => setEditing(true)}>
            {isSet ? "Replace…" : "Set…"}
          </button>
          {isSet && revealed === undefined && (
            <button type="button" className="button small" disabled={!store.snapshot.unlocked} onClick={() => void reveal()}>
              <UiIcon name="eye" size={14} /> Reveal
            </button>
          )}
          {isSet && (
            <button
              type="button"
              className="button small button-danger"
              disabled={busy || !store.snapshot.unlocked}
              onClick={() => apply({ clear: [name] }, `Secret "${label}" cleared`)}
            >
              Clear
            </button>
          )}
        </div>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
