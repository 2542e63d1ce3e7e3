/** An instance page in the dock: fetched from the server, refreshed when the instance changes. */
import "./pages.css";
import type { Page } from "@highstate/contract";
import { useEffect, useState } from "react";
import type { DockPanelProps } from "../dock/dock-store.js";
import { UiIcon } from "../icons/Icon.js";
import { keys } from "../state/project-store.js";
import { useKeyed } from "../state/store.js";
import { FileBlock, MarkdownBlock, QrBlock } from "./page-blocks.js";

export function PagePanel({ panel, store, api }: DockPanelProps) {
  const [page, setPage] = useState<Page>();
  const [error, setError] = useState<string>();
  const [reload, setReload] = useState(0);
  const view = useKeyed(store.emitter, keys.instance(panel.instanceId), () => store.views.get(panel.instanceId));
  const status = view?.status;
  const name = panel.name ?? "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: `status` and `reload` are refetch triggers
  useEffect(() => {
    let live = true;
    api
      .page(store.name, panel.instanceId, name)
      .then((result) => {
        if (!live) return;
        setPage(result);
        setError(undefined);
      })
      .catch((caught: unknown) => live && setError(caught instanceof Error ? caught.message : String(caught)));
    return () => {
      live = false;
    };
  }, [api, store, panel.instanceId, name, status, reload]);

  if (error) {
    return (
      <div className="page-panel">
        <p className="notice notice-error">{error}</p>
        <button type="button" className="button" onClick={() => setReload((value) => value + 1)}>
          <UiIcon name="refresh" size={16} /> Try again
        </button>
      </div>
    );
  }
  if (!page) return <p className="muted">Loading the page…</p>;
  return (
    <article className="page-panel" aria-label={page.title}>
      <header className="page-header">
        <h2>{page.title}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Reload the page"
          title="Reload"
          onClick={() => setReload((value) => value + 1)}
        >
          <UiIcon name="refresh" size={16} />
        </button>
      </header>
      {page.blocks.length === 0 && <p className="muted">This page is empty.</p>}
      {page.blocks.map((block, index) => {
        const key = `${block.type}-${index}`;
        if (block.type === "markdown") return <MarkdownBlock key={key} content={block.content} />;
        if (block.type === "file") return <FileBlock key={key} block={block} />;
        return <QrBlock key={key} block={block} />;
      })}
    </article>
  );
}
