/**
 * Unlocks a project with its password; a wrong password is reported and changes nothing. When the
 * secrets file has values that are not where they were written, the refusal opens the dialog that
 * lists them and can accept them.
 */
import type { ProjectSnapshot } from "@highstate/project/api";
import { useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { useApp } from "../app/context.js";
import { Dialog, FormButtons } from "../ui/Dialog.js";
import { openDialog } from "../ui/dialogs.js";
import { PasswordField } from "./PasswordField.js";
import { RefusedBindingsDialog } from "./SecretBindingsDialog.js";

export function UnlockDialog({
  project,
  onClose,
  onUnlocked,
}: {
  project: string;
  onClose: () => void;
  onUnlocked: (snapshot: ProjectSnapshot) => void;
}) {
  const { api } = useApp();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (password.length === 0) {
      setError("enter the project's password");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const snapshot = await api.unlockProject(project, password);
      onUnlocked(snapshot);
      onClose();
    } catch (caught) {
      if (caught instanceof ApiRequestError && caught.code === "secrets-not-bound" && caught.bindings) {
        // The password is right, but values are not where they were written: show them instead.
        const problems = caught.bindings;
        onClose();
        openDialog((close) => <RefusedBindingsDialog project={project} problems={problems} onClose={close} onUnlocked={onUnlocked} />);
      } else if (caught instanceof ApiRequestError && (caught.code === "incorrect-password" || caught.status === 401)) {
        setError(`Wrong password for "${project}". Nothing was changed; try again.`);
        setPassword("");
      } else {
        setError(caught instanceof Error ? caught.message : String(caught));
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Unlock "${project}"`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">The password decrypts the project's secrets so they can be set and instances can run.</p>
        <PasswordField
          label="Password"
          name="unlock-password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          error={error}
          autoFocus
        />
        <FormButtons onCancel={onClose} submitLabel={busy ? "Unlocking…" : "Unlock"} disabled={busy} />
      </form>
    </Dialog>
  );
}
