/**
 * Starting operations, and the two dialogs in front of `up`:
 * - the run selection ("Run with dependencies", "Run everything outdated"): what will run, in the order
 *   the server runs it (the server computes the list; confirming starts exactly those instances);
 * - the structured preview: per instance, what `up` would create, update, replace or delete, with
 *   replacements called out, and a button to go on with `up`.
 */
import type {
  InstancePreview,
  OperationInfo,
  OperationSelection,
  OperationSelectionRequest,
  OperationType,
  PreviewChangeKind,
  PreviewResourceChange,
} from "@highstate/project/api";
import { useEffect, useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { openLogs } from "../dock/dock-store.js";
import { EntityIcon, UiIcon } from "../icons/Icon.js";
import { whenUnlocked } from "../projects/unlock.js";
import { keys, type ProjectStore } from "../state/project-store.js";
import { useKeyed, useObservable } from "../state/store.js";
import { Dialog } from "../ui/Dialog.js";
import { openDialog } from "../ui/dialogs.js";
import { toast, toastError } from "../ui/toasts.js";
import { engineBlocker, engineReadiness } from "./engine-readiness.js";

/** Says up front when the engine cannot run anything (the run would fail at once with this reason). */
function EngineBlockerNotice() {
  const blocker = engineBlocker(useObservable(engineReadiness));
  if (!blocker) return null;
  return (
    <div className="notice notice-warning run-blocker" role="status">
      Runs cannot start now: {blocker}
    </div>
  );
}

function nameOf(store: ProjectStore, id: string): string {
  return store.views.get(id)?.instance.name ?? id;
}

function quoted(store: ProjectStore, ids: string[]): string {
  return ids.length === 1 ? `“${nameOf(store, ids[0]!)}”` : `${ids.length} instances`;
}

/**
 * Starts an operation on exactly these instances (no dependencies added by the server: a run that needs
 * them is refused, and the toast offers "Run with dependencies"). Resolves with the operation, or
 * `undefined` when it did not start (the reason is shown).
 */
export function startOperation(
  store: ProjectStore,
  type: OperationType,
  instanceIds: string[],
  options: { cascade?: boolean; showLogs?: boolean } = {},
): Promise<OperationInfo | undefined> {
  return new Promise((resolve) => {
    // When the project is locked this asks for the password first (nothing starts if that is cancelled).
    whenUnlocked(store, () => {
      store.api
        .startOperation(store.name, { type, instanceIds, includeDependencies: false, cascade: options.cascade ?? false })
        .then((operation) => {
          // The event stream may already have told how it ended (an operation that cannot start fails at once).
          if (!store.operations.has(operation.id)) {
            store.operations = new Map(store.operations).set(operation.id, operation);
            store.emitter.emit(keys.operations);
          }
          if (options.showLogs !== false) for (const id of instanceIds) openLogs(id);
          resolve(operation);
        })
        .catch((error: unknown) => {
          resolve(undefined);
          if (error instanceof ApiRequestError && error.code === "needs-dependencies" && instanceIds.length === 1) {
            toast("error", `${quoted(store, instanceIds)} needs its dependencies first`, error.message, {
              label: "Run with dependencies…",
              run: () => openRunSelection(store, { instanceIds, includeDependencies: true }),
            });
            return;
          }
          toastError(`The ${type} could not start`, error);
        });
    });
  });
}

/** Opens the confirmation of a run: named instances with their dependencies, or everything outdated. */
export function openRunSelection(
  store: ProjectStore,
  request: Pick<OperationSelectionRequest, "instanceIds" | "includeDependencies" | "outdated">,
): void {
  openDialog((close) => <RunSelectionDialog store={store} request={request} onClose={close} />);
}

function RunSelectionDialog({
  store,
  request,
  onClose,
}: {
  store: ProjectStore;
  request: Pick<OperationSelectionRequest, "instanceIds" | "includeDependencies" | "outdated">;
  onClose: () => void;
}) {
  const [selection, setSelection] = useState<OperationSelection>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    store.api
      .operationSelection(store.name, { type: "up", ...request })
      .then(setSelection, (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, [store, request]);
  const title = request.outdated ? "Run everything outdated" : `Run ${quoted(store, request.instanceIds ?? [])} with dependencies`;
  const count = selection?.instanceIds.length ?? 0;
  const run = () => {
    if (!selection) return;
    onClose();
    void startOperation(store, "up", selection.instanceIds);
  };
  const preview = () => {
    if (!selection) return;
    onClose();
    openPreview(store, selection.instanceIds);
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button" disabled={count === 0} onClick={preview}>
            <UiIcon name="eye-outline" size={16} /> Preview
          </button>
          <button type="button" className="button button-primary" data-autofocus disabled={count === 0} onClick={run}>
            <UiIcon name="play" size={16} /> {count === 0 ? "Run" : `Run ${count} instance${count === 1 ? "" : "s"}`}
          </button>
        </>
      }
    >
      <EngineBlockerNotice />
      {error && (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      )}
      {!error && !selection && <p className="muted">Working out what needs to run…</p>}
      {selection && count === 0 && (
        <p className="run-empty">
          <UiIcon name="information-outline" size={16} /> Everything is created and up to date: nothing to run.
        </p>
      )}
      {selection && count > 0 && (
        <>
          <p className="muted run-intro">
            {count === 1 ? "This instance runs:" : `These ${count} instances run in this order.`}
            {selection.layers.length > 1 &&
              " Each step starts when the one before has succeeded; the instances of a step run side by side."}
          </p>
          <ol className="run-steps" aria-label="What will run, in order">
            {selection.layers.map((layer, index) => (
              <li className="run-step" key={layer.join("\u0000")}>
                <span className="run-step-number" aria-hidden="true">
                  {index + 1}
                </span>
                <ul className="run-step-items">
                  {layer.map((id) => {
                    const item = selection.instances.find((entry) => entry.id === id)!;
                    const view = store.views.get(id);
                    const component = view?.component;
                    return (
                      <li key={id} className="run-item" data-testid="run-item" data-instance-id={id}>
                        <EntityIcon
                          icon={component?.meta.icon}
                          fallback={component?.meta.title ?? id}
                          color={component?.meta.color}
                          size={28}
                        />
                        <div className="run-item-titles">
                          <span className="run-item-name">{nameOf(store, id)}</span>
                          <span className="muted run-item-type">{component?.meta.title ?? view?.instance.type ?? id}</span>
                        </div>
                        <div className="run-item-tags">
                          {!item.requested && <span className="run-tag run-tag-dependency">dependency</span>}
                          {item.reasons.length === 0 && <span className="run-tag run-tag-dependency">up to date</span>}
                          {item.reasons.map((reason) => (
                            <span key={reason} className="run-tag" title={reason}>
                              {reason}
                            </span>
                          ))}
                        </div>
                      </li>
                    );
                  })}
                </ul>
              </li>
            ))}
          </ol>
        </>
      )}
      {selection && selection.excluded.length > 0 && (
        <div className="notice notice-warning run-excluded">
          <strong>Left out: they cannot run</strong>
          <ul>
            {selection.excluded.map((item) => (
              <li key={item.id}>
                <strong>{nameOf(store, item.id)}</strong>: {item.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}

/** Starts a preview of these instances and shows what `up` would do, with a button to run it. */
export function openPreview(store: ProjectStore, instanceIds: string[]): void {
  startOperation(store, "preview", instanceIds, { showLogs: false }).then((operation) => {
    if (operation) openDialog((close) => <PreviewDialog store={store} operationId={operation.id} onClose={close} />);
  });
}

const kindLabel: Record<PreviewChangeKind, string> = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
  import: "import",
};
const kindSign: Record<PreviewChangeKind, string> = { create: "+", update: "~", replace: "±", delete: "−", import: "↓" };
const kindOrder: PreviewChangeKind[] = ["replace", "delete", "update", "create", "import"];

function changeDetail(change: PreviewResourceChange): string | undefined {
  if (change.kind === "replace") {
    const because = change.replaceKeys?.length ? `because ${change.replaceKeys.join(", ")} changed` : undefined;
    return [because, change.deleteBeforeReplace ? "the old one is deleted first" : undefined].filter(Boolean).join("; ") || undefined;
  }
  if (change.kind === "update" && change.changedKeys?.length) return `changes ${change.changedKeys.join(", ")}`;
  return undefined;
}

function PreviewCounts({ preview }: { preview: InstancePreview }) {
  const parts = kindOrder.filter((kind) => preview.counts[kind] > 0);
  return (
    <span className="preview-counts">
      {parts.map((kind) => (
        <span key={kind} className={`preview-count kind-${kind}`}>
          {kindSign[kind]}
          {preview.counts[kind]} {kindLabel[kind]}
        </span>
      ))}
      {preview.unchanged > 0 && <span className="preview-count kind-same">{preview.unchanged} unchanged</span>}
      {parts.length === 0 && preview.unchanged === 0 && <span className="preview-count kind-same">no resources</span>}
    </span>
  );
}

function PreviewDialog({ store, operationId, onClose }: { store: ProjectStore; operationId: string; onClose: () => void }) {
  const operations = useKeyed(store.emitter, keys.operations, () => store.operations);
  useKeyed(store.emitter, keys.views, () => store.views);
  const operation = operations.get(operationId);
  const ids = operation?.instanceIds ?? [];
  const finished = operation?.finishedAt !== undefined;
  const previews = operation?.previews ?? {};
  const replacements = ids.flatMap((id) =>
    (previews[id]?.changes ?? []).filter((change) => change.kind === "replace").map((change) => ({ id, change })),
  );
  const deletions = ids.reduce((total, id) => total + (previews[id]?.counts.delete ?? 0), 0);
  const succeeded = finished && operation?.state === "completed";
  const run = () => {
    onClose();
    void startOperation(store, "up", ids);
  };
  const title = ids.length === 1 ? `Preview of “${nameOf(store, ids[0]!)}”` : `Preview of ${ids.length} instances`;
  return (
    <Dialog
      title={title}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className={`button ${replacements.length > 0 ? "button-danger" : "button-primary"}`}
            disabled={!succeeded}
            title={succeeded ? undefined : finished ? "The preview did not succeed" : "Wait for the preview to finish"}
            onClick={run}
          >
            <UiIcon name="play" size={16} />
            {replacements.length > 0 ? `Run and replace ${replacements.length}` : "Run"}
          </button>
        </>
      }
    >
      <EngineBlockerNotice />
      {!operation && <p className="muted">Starting the preview…</p>}
      {replacements.length > 0 && (
        <div className="notice notice-error preview-replace-warning" role="alert" data-testid="replace-warning">
          <div className="preview-warning-title">
            <UiIcon name="alert" size={18} />
            <strong>
              {replacements.length === 1 ? "1 resource will be replaced" : `${replacements.length} resources will be replaced`}
            </strong>
          </div>
          <p>Replacing creates a new resource and deletes the old one: whatever the old one holds (data, addresses, keys) is gone.</p>
          <ul>
            {replacements.map(({ id, change }) => (
              <li key={`${id}:${change.urn}`}>
                <strong>{change.name}</strong> <span className="mono muted">{change.type}</span>
                {ids.length > 1 && <span className="muted"> in {nameOf(store, id)}</span>}
                {changeDetail(change) && <span> — {changeDetail(change)}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {deletions > 0 && replacements.length === 0 && (
        <div className="notice notice-warning" role="status">
          {deletions === 1 ? "1 resource will be deleted." : `${deletions} resources will be deleted.`}
        </div>
      )}
      <div className="preview-instances">
        {ids.map((id) => {
          const preview = previews[id];
          const result = operation?.results[id];
          const status = store.views.get(id)?.status;
          const changes = [...(preview?.changes ?? [])].sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind));
          return (
            <section key={id} className="preview-instance" data-testid="preview-instance" data-instance-id={id}>
              <header className="preview-instance-header">
                <strong>{nameOf(store, id)}</strong>
                {preview ? (
                  <PreviewCounts preview={preview} />
                ) : result === "failed" ? (
                  <span className="preview-count kind-delete">preview failed</span>
                ) : result === "skipped" || result === "cancelled" ? (
                  <span className="muted">{result}</span>
                ) : (
                  <span className="muted preview-running">
                    <span className="spinner" aria-hidden="true" /> {result === "running" ? "previewing…" : "waiting…"}
                  </span>
                )}
              </header>
              {result === "failed" && status?.error && (
                <div className="preview-error">
                  {status.error}{" "}
                  <button type="button" className="link-button small" onClick={() => openLogs(id)}>
                    Show log
                  </button>
                </div>
              )}
              {preview && changes.length === 0 && (
                <p className="muted preview-nothing">No changes: up would leave every resource as it is.</p>
              )}
              {changes.length > 0 && (
                <ul className="preview-changes">
                  {changes.map((change) => (
                    <li key={change.urn} className={`preview-change kind-${change.kind}`} title={change.urn}>
                      <span className={`preview-kind kind-${change.kind}`}>{kindLabel[change.kind]}</span>
                      <span className="preview-name">{change.name}</span>
                      <span className="preview-type mono">{change.type}</span>
                      {changeDetail(change) && <span className="preview-detail">{changeDetail(change)}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
    </Dialog>
  );
}
