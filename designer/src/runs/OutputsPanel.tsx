/** The outputs of one instance (secret values stay hidden), its status fields and resolved inputs. */
import type { InstanceDetails } from "@highstate/project/api";
import { useEffect, useState } from "react";
import type { DockPanelProps } from "../dock/dock-store.js";
import { keys } from "../state/project-store.js";
import { useKeyed } from "../state/store.js";

export function OutputsPanel({ panel, store, api }: DockPanelProps) {
  const [details, setDetails] = useState<InstanceDetails>();
  const [error, setError] = useState<string>();
  const view = useKeyed(store.emitter, keys.instance(panel.instanceId), () => store.views.get(panel.instanceId));
  const status = view?.status;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new status (after a run) is the reason to reload the outputs.
  useEffect(() => {
    let live = true;
    api
      .instanceDetails(store.name, panel.instanceId)
      .then((result) => {
        if (!live) return;
        setDetails(result);
        setError(undefined);
      })
      .catch((caught: unknown) => live && setError(caught instanceof Error ? caught.message : String(caught)));
    return () => {
      live = false;
    };
  }, [api, store, panel.instanceId, status]);
  if (error) return <p className="notice notice-error">{error}</p>;
  if (!details) return <p className="muted">Loading outputs…</p>;
  const outputs = Object.entries(details.outputs);
  return (
    <div className="outputs-panel">
      <section>
        <h3>Outputs</h3>
        {outputs.length === 0 ? (
          <p className="muted">No outputs yet: the instance has not run successfully.</p>
        ) : (
          <dl className="outputs-list">
            {outputs.map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>
                  {value && typeof value === "object" && (value as { secret?: boolean }).secret === true ? (
                    <span className="muted">secret (hidden)</span>
                  ) : (
                    <pre>{JSON.stringify(value, null, 2)}</pre>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section>
        <h3>Inputs</h3>
        {Object.keys(details.resolvedInputs).length === 0 ? (
          <p className="muted">No inputs.</p>
        ) : (
          <ul className="plain-list">
            {Object.entries(details.resolvedInputs).map(([input, refs]) => (
              <li key={input}>
                <strong>{input}</strong>:{" "}
                {refs.length === 0 ? (
                  <span className="muted">nothing connected</span>
                ) : (
                  refs.map((ref) => `${ref.instanceId} → ${ref.output}`).join(", ")
                )}
              </li>
            ))}
          </ul>
        )}
        <h3>Terminals and pages</h3>
        <p className="muted">
          {details.terminals.length === 0 && details.pages.length === 0
            ? "None."
            : [
                ...details.terminals.map((terminal) => `terminal ${terminal.title ?? terminal.name}`),
                ...details.pages.map((page) => `page ${page.title}`),
              ].join(", ")}
        </p>
      </section>
    </div>
  );
}
