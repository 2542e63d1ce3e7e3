/** The bar above the canvas: projects, lock state, undo/redo, running operations, connection state. */
import type { OperationInfo, ProjectList } from "@highstate/project/api";
import { useEffect, useState, useSyncExternalStore } from "react";
import { useApp, useProjectStore } from "../app/context.js";
import { navigate } from "../app/route.js";
import { UiIcon } from "../icons/Icon.js";
import { whenUnlocked } from "../projects/unlock.js";
import { openRunSelection } from "../runs/RunDialogs.js";
import { keys } from "../state/project-store.js";
import { useKeyed } from "../state/store.js";
import { toast, toastError } from "../ui/toasts.js";

export function TopBar() {
  const store = useProjectStore();
  const { api, events } = useApp();
  const [projects, setProjects] = useState<ProjectList>();
  useKeyed(store.emitter, keys.meta, () => store.snapshot);
  useKeyed(store.emitter, keys.history, () => `${store.undoStack.length}:${store.redoStack.length}`);
  const operations = useKeyed(store.emitter, keys.operations, () => store.operations);
  const connection = useSyncExternalStore(
    (listener) => events.onState(listener),
    () => events.state,
  );
  useEffect(() => {
    const load = () => api.listProjects().then(setProjects, () => undefined);
    load();
    return events.subscribe((event) => {
      if (event.type === "projects-changed") load();
    });
  }, [api, events]);
  const active = [...operations.values()].filter(
    (operation: OperationInfo) => operation.state === "running" || operation.state === "cancelling",
  );
  const counts = { instances: store.project.instances.length, problems: store.snapshot.problems.length };
  return (
    <header className="top-bar">
      <a className="brand small" href="#/" aria-label="All projects">
        <UiIcon name="hexagon-multiple-outline" size={22} />
        <span>Highstate</span>
      </a>
      <label className="project-switcher">
        <span className="visually-hidden">Project</span>
        <select
          value={store.name}
          onChange={(event) => navigate({ screen: "project", project: event.target.value })}
          aria-label="Switch project"
        >
          {(projects?.projects ?? [{ name: store.name }]).map((project) => (
            <option key={project.name} value={project.name}>
              {project.name}
            </option>
          ))}
        </select>
      </label>
      {store.snapshot.unlocked ? (
        <span className="pill pill-ok" title="The server holds this project's password: secrets can be set and instances can run.">
          <UiIcon name="lock-open-variant" size={14} /> unlocked
        </span>
      ) : (
        <button
          type="button"
          className="button small"
          onClick={() => whenUnlocked(store, () => toast("success", `“${store.name}” unlocked`))}
        >
          <UiIcon name="lock" size={14} /> Unlock
        </button>
      )}
      <span className="muted top-counts">
        {counts.instances} instance{counts.instances === 1 ? "" : "s"}
        {counts.problems > 0 && (
          <span className="problem-count" title={store.snapshot.problems.map((problem) => problem.message).join("\n")}>
            {" "}
            · <UiIcon name="alert" size={13} /> {counts.problems} problem{counts.problems === 1 ? "" : "s"}
          </span>
        )}
      </span>
      <span className="top-spacer" />
      <button
        type="button"
        className="button small"
        title="Run every instance that is not created or is outdated, dependencies first (asks first, listing them in order)"
        onClick={() => openRunSelection(store, { outdated: true })}
      >
        <UiIcon name="play" size={14} /> Run outdated…
      </button>
      {active.map((operation) => (
        <span key={operation.id} className="operation-pill" role="status">
          <span className="spinner" aria-hidden="true" />
          {operation.type} · {Object.values(operation.results).filter((result) => result === "succeeded").length}/
          {operation.instanceIds.length}
          <button
            type="button"
            className="button small button-danger"
            onClick={() =>
              api.cancelOperation(operation.id, operation.state === "cancelling").then(
                () => toast("info", operation.state === "cancelling" ? "Stopping now" : "Cancelling"),
                (error: unknown) => toastError("The operation could not be cancelled", error),
              )
            }
          >
            {operation.state === "cancelling" ? "Force stop" : "Cancel"}
          </button>
        </span>
      ))}
      <button
        type="button"
        className="icon-button"
        aria-label="Undo"
        title="Undo (Ctrl+Z)"
        disabled={!store.canUndo}
        onClick={() => store.undo().catch((error: unknown) => toastError("Undo failed", error))}
      >
        <UiIcon name="undo" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Redo"
        title="Redo (Ctrl+Shift+Z)"
        disabled={!store.canRedo}
        onClick={() => store.redo().catch((error: unknown) => toastError("Redo failed", error))}
      >
        <UiIcon name="redo" />
      </button>
      <span
        className={`connection-dot ${connection}`}
        title={connection === "open" ? "Live updates connected" : "Live updates reconnecting…"}
        role="status"
        aria-label={connection === "open" ? "Live updates connected" : "Live updates reconnecting"}
      />
    </header>
  );
}
