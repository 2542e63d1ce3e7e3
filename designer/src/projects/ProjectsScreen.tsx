/** The project list: open, create, unlock. */
import type { ProjectList, ServerEvent } from "@highstate/project/api";
import { useCallback, useEffect, useState } from "react";
import { useApp } from "../app/context.js";
import { navigate } from "../app/route.js";
import { UiIcon } from "../icons/Icon.js";
import { openDialog } from "../ui/dialogs.js";
import { toastError } from "../ui/toasts.js";
import { CreateProjectDialog } from "./CreateProjectDialog.js";

export function ProjectsScreen() {
  const { api, events, session } = useApp();
  const [list, setList] = useState<ProjectList>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    api
      .listProjects()
      .then((result) => {
        setList(result);
        setError(undefined);
      })
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, [api]);
  useEffect(() => {
    load();
    return events.subscribe((event: ServerEvent) => {
      if (event.type === "projects-changed" || event.type === "project-changed") load();
    });
  }, [events, load]);
  const create = () =>
    openDialog((close) => (
      <CreateProjectDialog
        existing={list?.projects.map((project) => project.name) ?? []}
        onClose={close}
        onCreated={(snapshot) => navigate({ screen: "project", project: snapshot.name })}
      />
    ));
  return (
    <main className="projects-screen">
      <header className="projects-header">
        <div className="brand">
          <UiIcon name="hexagon-multiple-outline" size={28} />
          <h1>Highstate</h1>
        </div>
        <div className="muted workspace-path" title="Workspace">
          {session.workspace}
        </div>
      </header>
      <section className="projects-panel" aria-labelledby="projects-title">
        <div className="projects-panel-header">
          <h2 id="projects-title">Projects</h2>
          <button type="button" className="button button-primary" onClick={create}>
            <UiIcon name="plus" size={16} /> New project
          </button>
        </div>
        {session.registryProblems.length > 0 && (
          <div className="notice notice-warning" role="status">
            <strong>Some component packages could not be loaded:</strong>
            <ul>
              {session.registryProblems.map((problem) => (
                <li key={`${problem.package}:${problem.message}`}>
                  {problem.package ? `${problem.package}: ` : ""}
                  {problem.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {error && (
          <div className="notice notice-error" role="alert">
            {error}{" "}
            <button type="button" className="link-button" onClick={load}>
              Retry
            </button>
          </div>
        )}
        {!list && !error && <p className="muted">Loading…</p>}
        {list && list.projects.length === 0 && (
          <div className="empty">
            <p>No projects yet. A project is one canvas of instances; its secrets are encrypted with its password.</p>
            <button type="button" className="button button-primary" onClick={create}>
              Create the first project
            </button>
          </div>
        )}
        {list && list.projects.length > 0 && (
          <ul className="project-list">
            {list.projects.map((project) => (
              <li key={project.name}>
                <a
                  className="project-row"
                  href={`#/projects/${encodeURIComponent(project.name)}`}
                  aria-disabled={project.unreadable ? true : undefined}
                  onClick={(event) => {
                    if (project.unreadable) {
                      event.preventDefault();
                      toastError(`Project "${project.name}" cannot be opened`, new Error(project.unreadable));
                    }
                  }}
                >
                  <UiIcon
                    name={project.unlocked ? "lock-open-variant" : "lock"}
                    size={18}
                    title={project.unlocked ? "Unlocked" : "Locked"}
                  />
                  <span className="project-name">{project.name}</span>
                  <span className="muted">
                    {project.unreadable
                      ? `unreadable: ${project.unreadable}`
                      : `${project.instanceCount} instance${project.instanceCount === 1 ? "" : "s"}`}
                  </span>
                  <span className={`pill ${project.unlocked ? "pill-ok" : ""}`}>{project.unlocked ? "unlocked" : "locked"}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
