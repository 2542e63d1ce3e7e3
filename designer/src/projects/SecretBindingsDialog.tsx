/**
 * Secrets that are not bound to their place in `Pulumi.<project>.yaml`. Every value is bound (an HMAC
 * keyed from the password) to its instance and secret name, so a value moved or edited in the file is
 * refused. Two cases reach the designer:
 * - unlocking was refused (`secrets-not-bound`): {@link RefusedBindingsDialog} lists each place and
 *   what happened to it, explains the risk and accepts the values with the password;
 * - the file was written before bindings existed: {@link UnboundSecretsBanner} says so over the canvas,
 *   and {@link BindSecretsDialog} binds them with the password.
 * Accepting always asks for the password, even in an unlocked project: it is a trust decision.
 */
import type { ProjectSnapshot, SecretBindingPlace, SecretBindingProblems, SecretPlace } from "@highstate/project/api";
import { type ReactNode, useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { useApp } from "../app/context.js";
import { UiIcon } from "../icons/Icon.js";
import { keys, type ProjectStore } from "../state/project-store.js";
import { useKeyed } from "../state/store.js";
import { Dialog, FormButtons } from "../ui/Dialog.js";
import { openDialog } from "../ui/dialogs.js";
import { toast } from "../ui/toasts.js";
import { PasswordField } from "./PasswordField.js";

const placeKey = (place: SecretPlace) => `${place.instanceId}\u0000${place.name}`;

/** What happened to a value, in words. */
export function describePlace(place: SecretBindingPlace): ReactNode {
  if (place.movedFrom)
    return (
      <>
        holds the value of secret <code>{place.movedFrom.name}</code> of <code>{place.movedFrom.instanceId}</code>: it was moved or copied
        here
      </>
    );
  return place.kind === "mismatch"
    ? "does not match its binding: edited by hand, or moved here from another file or an old revision"
    : "has no binding: added by hand, by a merge or by an older Highstate";
}

function PlaceList({ places, describe }: { places: Array<SecretPlace | SecretBindingPlace>; describe: boolean }) {
  return (
    <ul className="binding-places" data-testid="binding-places">
      {places.map((place) => (
        <li key={placeKey(place)} data-testid="binding-place">
          <span className="binding-place-name">
            secret <code>{place.name}</code> of <code>{place.instanceId}</code>
          </span>
          {describe && "kind" in place && <span className="binding-place-what">{describePlace(place)}</span>}
        </li>
      ))}
    </ul>
  );
}

/** A wrong password keeps the dialog open with its message; other failures are shown as they are. */
function passwordError(project: string, caught: unknown): string {
  if (caught instanceof ApiRequestError && (caught.code === "incorrect-password" || caught.status === 401))
    return `Wrong password for "${project}". Nothing was changed; try again.`;
  return caught instanceof Error ? caught.message : String(caught);
}

/**
 * Unlocking was refused because values are not where they were written. Lists each place, explains the
 * risk, and with the password accepts exactly these places (one request each, so a value that changed
 * in the meantime is not accepted unseen), then unlocks.
 */
export function RefusedBindingsDialog({
  project,
  problems,
  onClose,
  onUnlocked,
}: {
  project: string;
  problems: SecretBindingProblems;
  onClose: () => void;
  onUnlocked: (snapshot: ProjectSnapshot) => void;
}) {
  const { api } = useApp();
  const [places, setPlaces] = useState(problems.places);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fileName = `Pulumi.${project}.yaml`;
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (password.length === 0) {
      setError("enter the project's password to accept these values");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      let snapshot: ProjectSnapshot | undefined;
      let remaining: SecretBindingPlace[] = [];
      const shown = new Set(places.map(placeKey));
      for (const place of places) {
        const result = await api.acceptSecrets(project, { password, instanceId: place.instanceId, name: place.name });
        snapshot = result.project;
        remaining = result.remaining;
      }
      const unseen = remaining.filter((place) => !shown.has(placeKey(place)));
      if (unseen.length > 0) {
        // The file changed while this dialog was open: show what is new rather than accept it.
        setPlaces(unseen);
        setPassword("");
        setNotice(`${fileName} changed while this dialog was open: the values above were accepted, and these are not bound either.`);
        return;
      }
      onUnlocked(snapshot?.unlocked ? snapshot : await api.unlockProject(project, password));
      toast("success", `Accepted ${places.length === 1 ? "1 value" : `${places.length} values`} and unlocked “${project}”`);
      onClose();
    } catch (caught) {
      setError(passwordError(project, caught));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Secrets of "${project}" are not where they were written`} onClose={onClose} wide labelledBy="bindings-dialog-title">
      <form className="form secret-bindings" onSubmit={submit} noValidate data-testid="refused-bindings-dialog">
        <p>
          Unlocking was refused. Every value in <code>{fileName}</code> is bound to the instance and secret it was written for, and{" "}
          {places.length === 1 ? "this one is" : `these ${places.length} are`} not:
        </p>
        {problems.bindingsRemoved && (
          <p className="muted">
            The whole <code>highstate:secretBindings</code> section was removed, though this workspace has seen the file with bindings.
          </p>
        )}
        <PlaceList places={places} describe />
        {notice && (
          <div className="notice notice-warning" role="status">
            {notice}
          </div>
        )}
        <div className="notice notice-warning binding-risk">
          <UiIcon name="alert" size={16} />
          <div>
            <strong>Someone may have moved a secret to another instance</strong> — for example a server password into a field whose value is
            sent to an endpoint they control. Check the file's git history (<code>git log -p -- {fileName}</code>) before accepting. If you
            did not make this change, cancel and restore the file from version control instead.
          </div>
        </div>
        <PasswordField
          label="Project password"
          name="accept-password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          error={error}
          autoFocus
        />
        <FormButtons onCancel={onClose} submitLabel={busy ? "Accepting…" : "Accept these values"} disabled={busy} />
      </form>
    </Dialog>
  );
}

/** Binds every secret of a file written before bindings existed, with the password. */
export function BindSecretsDialog({ store, onClose }: { store: ProjectStore; onClose: () => void }) {
  const { api } = useApp();
  const places = store.snapshot.unboundSecrets?.places ?? [];
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fileName = `Pulumi.${store.name}.yaml`;
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (password.length === 0) {
      setError("enter the project's password to bind these secrets");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.acceptSecrets(store.name, { password, all: true });
      store.setSnapshot(result.project);
      toast("success", `Bound ${result.accepted.length === 1 ? "1 secret" : `${result.accepted.length} secrets`} to ${fileName}`);
      onClose();
    } catch (caught) {
      setError(passwordError(store.name, caught));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Bind secrets to their places" onClose={onClose} wide labelledBy="bind-secrets-dialog-title">
      <form className="form secret-bindings" onSubmit={submit} noValidate data-testid="bind-secrets-dialog">
        <p>
          <code>{fileName}</code> was written before Highstate bound each secret to its instance and name, so{" "}
          {places.length === 1 ? "this secret is" : `these ${places.length} secrets are`} read as{" "}
          {places.length === 1 ? "it is" : "they are"}: a value moved between places would not be noticed.
        </p>
        <PlaceList places={places} describe={false} />
        <div className="notice notice-warning binding-risk">
          <UiIcon name="alert" size={16} />
          <div>
            Binding trusts each value where it is now. Check that none was moved to another instance (the file's git history, e.g.{" "}
            <code>git log -p -- {fileName}</code>, shows who changed it) before binding. From then on, a value moved or edited in the file
            is refused until it is accepted.
          </div>
        </div>
        <PasswordField
          label="Project password"
          name="bind-password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          error={error}
          autoFocus
        />
        <FormButtons onCancel={onClose} submitLabel={busy ? "Binding…" : "Bind these secrets"} disabled={busy} />
      </form>
    </Dialog>
  );
}

/** The warning over the canvas while an unlocked project's secrets file has secrets that are not bound yet. */
export function UnboundSecretsBanner({ store }: { store: ProjectStore }) {
  const snapshot = useKeyed(store.emitter, keys.meta, () => store.snapshot);
  const unbound = snapshot.unboundSecrets;
  if (!snapshot.unlocked || !unbound || unbound.places.length === 0) return null;
  const shown = unbound.places.slice(0, 3);
  const more = unbound.places.length - shown.length;
  return (
    <div className="notice notice-warning engine-banner" role="status" data-testid="unbound-secrets-banner">
      <div className="engine-banner-text">
        <strong>
          {unbound.places.length === 1 ? "1 secret is" : `${unbound.places.length} secrets are`} not bound to{" "}
          {unbound.places.length === 1 ? "its instance" : "their instances"} yet
        </strong>{" "}
        (
        {shown.map((place, index) => (
          <span key={placeKey(place)}>
            {index > 0 && ", "}
            <code>{place.name}</code> of <code>{place.instanceId}</code>
          </span>
        ))}
        {more > 0 && ` and ${more} more`}): <code>Pulumi.{store.name}.yaml</code> predates bindings, so a value moved between places would
        not be noticed.
      </div>
      <button
        type="button"
        className="button small"
        onClick={() => openDialog((close) => <BindSecretsDialog store={store} onClose={close} />)}
      >
        Review and bind…
      </button>
    </div>
  );
}
