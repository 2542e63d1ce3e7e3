/** The implementation of the card actions: dialogs, operations, dock panels. */
import { useMemo } from "react";
import { openLogs, openOutputs, openPage, openTerminal } from "../dock/dock-store.js";
import { ArgsDialog } from "../forms/ArgsDialog.js";
import { ConnectDialog } from "../forms/ConnectDialog.js";
import { NameDialog } from "../forms/NameDialog.js";
import { SecretsDialog } from "../forms/SecretsDialog.js";
import { instanceNameProblem } from "../model/names.js";
import { whenUnlocked } from "../projects/unlock.js";
import { openPreview, openRunSelection, startOperation } from "../runs/RunDialogs.js";
import type { ProjectStore } from "../state/project-store.js";
import { ConfirmDialog, Dialog } from "../ui/Dialog.js";
import { openDialog } from "../ui/dialogs.js";
import { toast, toastError } from "../ui/toasts.js";
import type { CanvasActions } from "./actions.js";

/** Instances that take inputs (directly) from `id`. */
function dependents(store: ProjectStore, id: string): string[] {
  return store.project.instances
    .filter((instance) => Object.values(instance.inputs).some((refs) => refs.some((ref) => "instanceId" in ref && ref.instanceId === id)))
    .map((instance) => instance.id);
}

function nameOf(store: ProjectStore, id: string): string {
  return store.views.get(id)?.instance.name ?? id;
}

/** Lets the user pick one of several named things (terminals, pages). */
function choose(title: string, options: Array<{ name: string; title: string }>, onChoose: (name: string) => void): void {
  openDialog((close) => (
    <Dialog title={title} onClose={close}>
      <ul className="choice-list">
        {options.map((option) => (
          <li key={option.name}>
            <button
              type="button"
              className="button wide"
              onClick={() => {
                close();
                onChoose(option.name);
              }}
            >
              {option.title}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  ));
}

export function useActions(
  store: ProjectStore,
  toggleCollapsed: (id: string) => void,
  removeNodes: (ids: string[]) => void,
): CanvasActions {
  return useMemo<CanvasActions>(
    () => ({
      runOperation(instanceId, type) {
        if (type === "preview") {
          openPreview(store, [instanceId]);
          return;
        }
        if (type !== "destroy") {
          void startOperation(store, type, [instanceId]);
          return;
        }
        const deps = dependents(store, instanceId).filter((id) => store.views.get(id)?.status.state === "created");
        openDialog((close) => (
          <ConfirmDialog
            title={`Destroy “${nameOf(store, instanceId)}”?`}
            message={
              <>
                <p>Every resource of this instance is deleted. Its args and secrets stay in the project, so it can be created again.</p>
                {deps.length > 0 && (
                  <p>These created instances depend on it and are destroyed first: {deps.map((id) => nameOf(store, id)).join(", ")}.</p>
                )}
              </>
            }
            confirmLabel="Destroy"
            danger
            onClose={close}
            onConfirm={() => void startOperation(store, "destroy", [instanceId], { cascade: deps.length > 0 })}
          />
        ));
      },
      runWithDependencies(instanceId) {
        openRunSelection(store, { instanceIds: [instanceId], includeDependencies: true });
      },
      editArgs(instanceId) {
        openDialog((close) => <ArgsDialog store={store} instanceId={instanceId} onClose={close} />);
      },
      editConnections(instanceId) {
        openDialog((close) => <ConnectDialog store={store} instanceId={instanceId} onClose={close} />);
      },
      editSecrets(instanceId) {
        whenUnlocked(store, () => openDialog((close) => <SecretsDialog store={store} instanceId={instanceId} onClose={close} />));
      },
      openTerminal(instanceId) {
        // Terminals stored encrypted are listed once the project is unlocked: ask for its password first.
        const locked = store.views.get(instanceId)?.offers.locked?.includes("terminals") ?? false;
        const list = () =>
          store.api
            .instanceDetails(store.name, instanceId)
            .then((details) => {
              const options = details.terminals.map((terminal) => ({ name: terminal.name, title: terminal.title ?? terminal.name }));
              if (options.length === 0)
                toast(
                  "info",
                  `“${nameOf(store, instanceId)}” offers no terminal`,
                  details.status.state === "created" || details.status.state === "failed"
                    ? "Its last run's outputs list no terminal."
                    : "Terminals appear once the instance has run and its component provides one.",
                );
              else if (options.length === 1)
                openTerminal(instanceId, options[0]!.name, `${nameOf(store, instanceId)} · ${options[0]!.title}`);
              else
                choose("Open a terminal", options, (name) =>
                  openTerminal(instanceId, name, `${nameOf(store, instanceId)} · ${options.find((o) => o.name === name)!.title}`),
                );
            })
            .catch((error: unknown) => toastError("The terminals could not be listed", error));
        if (locked) whenUnlocked(store, list);
        else list();
      },
      openPage(instanceId) {
        // Pages stored encrypted are listed once the project is unlocked: ask for its password first.
        const locked = store.views.get(instanceId)?.offers.locked?.includes("pages") ?? false;
        const list = () =>
          store.api
            .instanceDetails(store.name, instanceId)
            .then((details) => {
              const options = details.pages.map((page) => ({ name: page.name, title: page.title }));
              if (options.length === 0)
                toast(
                  "info",
                  `“${nameOf(store, instanceId)}” offers no page`,
                  details.status.state === "created" || details.status.state === "failed"
                    ? "Its last run's outputs list no page."
                    : "Pages appear once the instance has run and its component provides one.",
                );
              else if (options.length === 1) openPage(instanceId, options[0]!.name, `${nameOf(store, instanceId)} · ${options[0]!.title}`);
              else
                choose("Open a page", options, (name) =>
                  openPage(instanceId, name, `${nameOf(store, instanceId)} · ${options.find((o) => o.name === name)!.title}`),
                );
            })
            .catch((error: unknown) => toastError("The pages could not be listed", error));
        if (locked) whenUnlocked(store, list);
        else list();
      },
      rename(instanceId) {
        const view = store.views.get(instanceId);
        if (!view) return;
        openDialog((close) => (
          <NameDialog
            title={`Rename “${view.instance.name}”`}
            initial={view.instance.name}
            confirmLabel="Rename"
            check={(name) => instanceNameProblem(store.project, view.instance.type, name, instanceId)}
            onClose={close}
            onSubmit={async (name) => {
              if (name !== view.instance.name)
                await store.mutate([{ op: "rename-instance", instanceId, newName: name }], { label: `rename ${view.instance.name}` });
            }}
          />
        ));
      },
      remove: removeNodes,
      showLogs: openLogs,
      showOutputs: openOutputs,
      toggleCollapsed,
      copyText(text, what) {
        navigator.clipboard
          .writeText(text)
          .then(() => toast("success", `Copied ${what}`))
          .catch((error: unknown) => toastError(`${what} could not be copied`, error));
      },
    }),
    [store, toggleCollapsed, removeNodes],
  );
}
