/** Creates a project: name, password twice, with a strength hint. */
import type { ProjectSnapshot } from "@highstate/project/api";
import { useId, useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { useApp } from "../app/context.js";
import { projectNameProblem } from "../model/names.js";
import { passwordStrength } from "../model/password.js";
import { Dialog, FormButtons } from "../ui/Dialog.js";
import { PasswordField } from "./PasswordField.js";

export function CreateProjectDialog({
  existing,
  onClose,
  onCreated,
}: {
  existing: string[];
  onClose: () => void;
  onCreated: (snapshot: ProjectSnapshot) => void;
}) {
  const { api } = useApp();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<{ field?: string; message: string }>();
  const nameId = useId();
  const strengthId = useId();
  const nameProblem = projectNameProblem(name, existing);
  const passwordProblem = password.length < 8 ? "the password must have at least 8 characters" : undefined;
  const confirmProblem = confirm !== password ? "the passwords do not match" : undefined;
  const strength = passwordStrength(password);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nameProblem || passwordProblem || confirmProblem) return;
    setBusy(true);
    setServerError(undefined);
    try {
      const snapshot = await api.createProject({ name, password });
      onCreated(snapshot);
      onClose();
    } catch (error) {
      setServerError({
        field: error instanceof ApiRequestError ? error.field : undefined,
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="New project" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={nameId}>Name</label>
          <input
            id={nameId}
            name="project-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. home-lab"
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            aria-invalid={touched && nameProblem ? true : undefined}
            aria-describedby={`${nameId}-help`}
          />
          <div id={`${nameId}-help`} className={touched && nameProblem ? "field-error" : "field-help"}>
            {touched && nameProblem ? nameProblem : "Lower-case letters, digits and dashes; saved as projects/<name>.json."}
          </div>
        </div>
        <PasswordField
          label="Password"
          name="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          error={touched ? passwordProblem : undefined}
          describedBy={strengthId}
        />
        <div id={strengthId} className="strength" aria-live="polite">
          <div className="strength-bar" data-score={password ? strength.score : -1}>
            {[0, 1, 2, 3].map((index) => (
              <span key={index} className={password && strength.score > index ? "on" : ""} />
            ))}
          </div>
          <span className="field-help">
            {password ? `${strength.label}: ${strength.hint}` : "The password encrypts the project's secrets. It cannot be recovered."}
          </span>
        </div>
        <PasswordField
          label="Confirm password"
          name="confirm-password"
          value={confirm}
          onChange={setConfirm}
          autoComplete="new-password"
          error={touched && confirm.length + password.length > 0 ? confirmProblem : undefined}
        />
        {serverError && (
          <div className="form-error" role="alert">
            {serverError.message}
          </div>
        )}
        <FormButtons onCancel={onClose} submitLabel={busy ? "Creating…" : "Create project"} disabled={busy} />
      </form>
    </Dialog>
  );
}
